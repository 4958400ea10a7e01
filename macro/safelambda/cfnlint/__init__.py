"""cfn-lint rules over SafeLambda's catalogs, for `cfn-lint --append-rules FOLDER`.

`FOLDER` is this folder, the path to give `--append-rules` or `append_rules` in `.cfnlintrc`.
cfn-lint imports every module here whose name starts with a letter as a file of rules, as a
top-level module outside this package: so the rule files (`latest`, `grants`, `architecture`,
`layer_names`, `unprocessed`, one rule each) import only absolutely, and only cfn-lint at load
time; what they share is in the modules whose names start with `_`, which cfn-lint skips:
`_analysis` reads and processes the template once, `_findings` holds one function per rule,
`_paths` points back into the template, `_hooks` runs the pre-commit hooks.
"""

from pathlib import Path

FOLDER = str(Path(__file__).resolve().parent)

__all__ = ["FOLDER"]

"""`python -m safelambda.cfnlint` prints the rules folder; `... check|lint FILE...` are the
pre-commit hooks (`.pre-commit-hooks.yaml`)."""

import sys

from ._hooks import main

raise SystemExit(main(sys.argv[1:]))

"""The `safelambda` command, the only code that touches files: `main` is the entry, `parser`
holds the options and help, `commands` runs them, `plan` and `check` shape their output."""

from .main import dump_template, load_template, main, parameter_values, parse_overrides, write

__all__ = ["dump_template", "load_template", "main", "parameter_values", "parse_overrides", "write"]

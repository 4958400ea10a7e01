"""The `safelambda` command's entry point: options and help in `parser`, the commands in
`commands`."""

from __future__ import annotations

from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    from .commands import dispatch
    from .parser import build_parser

    return dispatch(build_parser().parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())

"""The package's data files, read with plain file I/O.

Lambda and pip both unpack the package, so a path next to this module is enough;
`importlib.resources` would add about 13 ms to the macro's cold start.
"""

from __future__ import annotations

import os

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")


def read_text(name: str) -> str:
    with open(os.path.join(DATA, name), encoding="utf-8") as data:
        return data.read()

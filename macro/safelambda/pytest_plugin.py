"""pytest plugin (registered by the package): the `safelambda_template` fixture."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest

from .testing import ProcessedTemplate, process

_CACHE: dict[tuple[Any, ...], ProcessedTemplate] = {}


@pytest.fixture
def safelambda_template() -> Callable[..., ProcessedTemplate]:
    """`safelambda_template(path, parameters={...})`: the processed template, once per session.

    Processing runs SAM's translator when the template lists it; many tests asking about one
    template share the result. Treat it as read-only.
    """

    def get(path: str | os.PathLike[str], **options: Any) -> ProcessedTemplate:
        key = (os.path.abspath(path), repr(sorted(options.items())))
        if key not in _CACHE:
            _CACHE[key] = process(path, **options)
        return _CACHE[key]

    return get

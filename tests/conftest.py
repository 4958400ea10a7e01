"""Command-line options and fixtures for the whole suite."""

from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-snapshots",
        action="store_true",
        help="rewrite the snapshots (samples/*/expected.*, samples/events/*.json, "
        "tests/fixtures/messages.txt) and derived tables (data/*.tsv, data/*.json) from the code",
    )


@pytest.fixture
def update_snapshots(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-snapshots"))

"""Bad input never crashes: a coded failure through the macro handler and the CLI alike."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def test_binary_template_file_fails_coded(tmp_path: Path) -> None:
    source = tmp_path / "template.yaml"
    source.write_bytes(bytes(range(128, 256)))
    result = subprocess.run(
        [sys.executable, "-m", "safelambda", "transform", str(source)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr == f"SL013: cannot read {source}: not UTF-8 text\n"

"""torch stays optional: importing adamviz.capture, or running adamviz, never imports it."""

from __future__ import annotations

import subprocess
import sys

from tests.support import child_env

CHECK = """
import sys
import adamviz.capture, adamviz.cli, adamviz.pipeline, adamviz.batch.worker
from adamviz.capture import Recorder, replay_errors
assert "torch" not in sys.modules, sorted(m for m in sys.modules if m.startswith("torch"))
"""


def test_importing_capture_does_not_import_torch() -> None:
    result = subprocess.run(
        [sys.executable, "-c", CHECK], env=child_env(), capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr

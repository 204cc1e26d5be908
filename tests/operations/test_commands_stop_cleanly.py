"""Stopped by systemd (SIGTERM) in the middle, the backup commands still clean up after themselves: a partial
backup file, the decrypted scratch files and a scratch database are removed by their ``finally`` blocks."""

import subprocess
import sys

from django.conf import settings

SCRIPT = """
import os, signal, sys
sys.path.insert(0, {base!r})
from operations.management.commands._signals import exit_cleanly_on_sigterm
exit_cleanly_on_sigterm()
try:
    os.kill(os.getpid(), signal.SIGTERM)
    signal.pause()
finally:
    open({marker!r}, "w").write("cleaned up")
"""


def test_sigterm_runs_the_clean_up_and_exits_143(tmp_path):
    marker = tmp_path / "marker"
    result = subprocess.run([sys.executable, "-c", SCRIPT.format(base=str(settings.BASE_DIR), marker=str(marker))],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 143, result.stderr
    assert marker.read_text() == "cleaned up"

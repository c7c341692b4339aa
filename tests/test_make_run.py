"""`make run` stops loudly when one of its processes exits by itself (scripts/run_embedded.py)."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "run_embedded.py"


def run(procfile: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(  # noqa: S603 - our own script
        [sys.executable, str(SCRIPT), str(procfile)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def test_a_process_that_exits_by_itself_stops_all_with_a_banner_and_a_failure(tmp_path: Path) -> None:
    procfile = tmp_path / "Procfile"
    procfile.write_text("web: sleep 60\nworker: sleep 1; exit 3\nbeat: sleep 60\n")
    process = run(procfile)
    _out, err = process.communicate(timeout=30)
    assert process.returncode == 1
    assert "Arbetaren (worker) avslutades med kod 3 – make run har stoppat allt." in err
    assert "Starta igen med: make run" in err
    assert "Webbservern" not in err  # stopped by make run, not by itself


def test_ctrl_c_stops_all_quietly(tmp_path: Path) -> None:
    procfile = tmp_path / "Procfile"
    procfile.write_text("web: sleep 60\nworker: sleep 60\n")
    process = run(procfile)
    time.sleep(2)  # both started
    process.send_signal(signal.SIGINT)
    _out, err = process.communicate(timeout=30)
    assert process.returncode == 0
    assert "avslutades" not in err

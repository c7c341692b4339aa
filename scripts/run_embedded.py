"""`make run` (`scripts/run_embedded.py [PROCFILE]`): web, worker and beat under honcho, and a loud stop.

honcho stops all three when one of them exits, and says so in one line among the logs that
follow. Here the last thing in the terminal says which process stopped by itself and with which
exit code, and `make run` exits non-zero (docs/decisions/0014-embedded-broker.md). Ctrl-C stops
all three as before and exits 0. There is no restart: a process that dies on the embedded
default is a bug to see, not to hide.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from honcho.environ import parse_procfile
from honcho.manager import Manager

NAMES = {"web": "Webbservern (web)", "worker": "Arbetaren (worker)", "beat": "Schemaläggaren (beat)"}
STOPPED_BY_SIGNAL = {130, 143}  # honcho's return code after Ctrl-C or SIGTERM


class LoudManager(Manager):
    """honcho's Manager, noting which processes had stopped when it began stopping the rest."""

    stopped_by_itself: list[tuple[str, int]] = []

    def terminate(self) -> None:
        if not self._terminating:
            # Empty when a signal (Ctrl-C) started the stop; honcho keeps the state in _processes.
            self.stopped_by_itself = [(n, p["returncode"]) for n, p in self._processes.items() if "returncode" in p]
        super().terminate()


def banner(stopped: list[tuple[str, int]]) -> str:
    lines = [
        f"{NAMES.get(name, name)} avslutades med kod {code} – make run har stoppat allt." for name, code in stopped
    ]
    lines += [
        "Inga e-post, PDF:er eller påminnelser skickas medan den står still.",
        "Loggen ovan visar varför. Starta igen med: make run",
    ]
    rule = "=" * max(len(line) for line in lines)
    return "\n".join(["", rule, *lines, rule, ""])


def main() -> int:
    procfile = parse_procfile(Path(sys.argv[1] if len(sys.argv) > 1 else "Procfile.dev").read_text())
    manager = LoudManager()
    for name, command in procfile.processes.items():
        # The environment of make run only: like `honcho --env /dev/null`, .env is not read.
        manager.add_process(name, command, env=dict(os.environ))
    manager.loop()
    if manager.stopped_by_itself:
        print(banner(manager.stopped_by_itself), file=sys.stderr, flush=True)
        return 1
    return 0 if manager.returncode in (None, 0, *STOPPED_BY_SIGNAL) else manager.returncode


if __name__ == "__main__":
    sys.exit(main())

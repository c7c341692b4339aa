"""The README's commands run as written: every `make` target it names exists, and every
`.venv/bin/python manage.py …` starts without a DEBUG=true prefix (var/dev.env) and accepts the
arguments the README gives it."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import get_commands, load_command_class

from ist import devenv

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
PYTHON = ".venv/bin/python"


def commands_in_readme() -> list[str]:
    """Every command in a code block or inline code span, whitespace (and line breaks) collapsed."""
    blocks = re.findall(r"```(?:sh|bash)?\n(.*?)```", README, re.S)
    lines = [line.split("#")[0] for block in blocks for line in block.splitlines()]
    inline = re.findall(r"(?<!`)`([^`]+)`(?!`)", re.sub(r"```.*?```", "", README, flags=re.S))
    found = [" ".join(text.split()) for text in [*lines, *inline]]
    return [c for c in found if c.startswith(("make ", f"{PYTHON} manage.py", "python manage.py"))]


COMMANDS = commands_in_readme()
MAKE = sorted({c for c in COMMANDS if c.startswith("make ")})
MANAGE = sorted({c for c in COMMANDS if "manage.py" in c})


def test_the_readme_names_commands_of_both_kinds() -> None:
    assert "make run" in MAKE
    assert "make test" in MAKE
    assert f"{PYTHON} manage.py seed_demo" in MANAGE


def test_manage_py_is_always_run_with_the_projects_python() -> None:
    """A bare `python manage.py` needs an activated virtualenv, which the README never asks for."""
    assert [c for c in MANAGE if not c.startswith(f"{PYTHON} manage.py ")] == []


@pytest.mark.parametrize("command", MAKE)
def test_make_target_exists(command: str) -> None:
    words = shlex.split(command)
    targets = [w for w in words[1:] if "=" not in w]
    result = subprocess.run(  # noqa: S603 (our own Makefile, dry run)
        [shutil.which("make") or "make", "-n", "-C", str(ROOT), *targets],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr


@pytest.fixture(scope="module")
def bare_environment(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The environment of a new shell after `make install`: no DEBUG, no SECRET_KEY, no database
    settings; the dev.env that `make install` writes (in a var/ of its own, so the checkout's
    var/ is left alone)."""
    var = tmp_path_factory.mktemp("var")
    devenv.create(var / "dev.env")
    keep = {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR"}
    environment = {k: v for k, v in os.environ.items() if k in keep}
    return {**environment, "IST_VAR_DIR": str(var)}


def _words(command: str, tmp_path: Path) -> list[str]:
    """The command's words after `manage.py`, placeholders (DIR, OUTDIR) made real folders."""
    words = shlex.split(command)[2:]
    return [str(tmp_path) if w in {"DIR", "OUTDIR"} else w for w in words]


@pytest.mark.parametrize("command", MANAGE)
def test_manage_py_command_starts_without_a_prefix(command: str, bare_environment, tmp_path) -> None:
    name = _words(command, tmp_path)[0]
    result = subprocess.run(  # noqa: S603 (our own manage.py)
        [sys.executable, "manage.py", name, "--help"],
        cwd=ROOT,
        env=bare_environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "usage: manage.py" in result.stdout


@pytest.mark.parametrize("command", MANAGE)
def test_manage_py_command_accepts_the_readmes_arguments(command: str, tmp_path) -> None:
    name, *arguments = _words(command, tmp_path)
    parser = load_command_class(get_commands()[name], name).create_parser("manage.py", name)
    parser.parse_args(arguments)  # argparse exits (SystemExit) on anything it does not accept

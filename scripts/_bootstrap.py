"""Make the project's tool environment and hand over to nox.

Standard library only: this runs on a fresh machine before anything is installed. It creates
.venv/ with nox in it (once), then runs nox, which builds one environment per session.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ROOT / ".venv"
NOX = "nox[uv]==2026.10.20"
# The Pythons the test matrix runs on (noxfile.py); those missing here are skipped, saying so.
PYTHONS = ("3.11", "3.12", "3.13")


def _python() -> Path:
    return TOOLS / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _ensure_tools() -> Path:
    if sys.version_info < (3, 11):  # noqa: UP036 - this file runs on any python3
        sys.exit(f"django-rustytags needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    python = _python()
    stamp = TOOLS / ".tools"
    if not python.exists():
        print(f"Creating {TOOLS.relative_to(ROOT)}/ ...", flush=True)
        try:
            venv.create(TOOLS, with_pip=True)
        except Exception as exc:  # ensurepip is split out on Debian and Ubuntu
            sys.exit(
                f"Could not create {TOOLS}: {exc}\nOn Debian or Ubuntu: apt install python3-venv"
            )
    if not stamp.exists() or stamp.read_text() != NOX:
        subprocess.run(
            [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", NOX],
            check=True,
        )
        stamp.write_text(NOX)
    return python


def _runs(executable: str | Path) -> bool:
    try:
        return subprocess.run([executable, "-c", ""], capture_output=True).returncode == 0
    except OSError:
        return False


def _pyenv_python(minor: str) -> Path | None:
    # pyenv's shims only run the versions selected for the directory, so python3.12 on PATH can
    # fail while pyenv has 3.12 installed: take the newest 3.12.x from its versions folder.
    root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    pattern = re.compile(rf"{re.escape(minor)}\.\d+")
    found = sorted(
        (tuple(map(int, path.name.split("."))), path / "bin" / f"python{minor}")
        for path in (root.iterdir() if root.is_dir() else ())
        if pattern.fullmatch(path.name)
    )
    for _, executable in reversed(found):
        if _runs(executable):
            return executable
    return None


def _interpreters() -> Path:
    """A folder of ``pythonX.Y`` links, for PATH, to the Pythons PATH itself cannot run."""
    folder = TOOLS / "interpreters"
    folder.mkdir(exist_ok=True)
    for minor in PYTHONS:
        link = folder / f"python{minor}"
        if link.is_symlink() and not _runs(link):
            link.unlink()
        on_path = shutil.which(f"python{minor}")
        if link.is_symlink() or (on_path and _runs(on_path)):
            continue
        if executable := _pyenv_python(minor):
            link.symlink_to(executable)
    return folder


def nox(*args: str) -> None:
    """Run nox with *args* from the project root and exit with its status."""
    python = _ensure_tools()
    env = {**os.environ, "PATH": os.pathsep.join([str(_interpreters()), os.environ["PATH"]])}
    completed = subprocess.run(
        [python, "-m", "nox", "--noxfile", ROOT / "noxfile.py", *args], env=env
    )
    sys.exit(completed.returncode)

"""Make the project's tool environment and hand over to nox.

Standard library only: this runs on a fresh machine before anything is installed. It creates
.venv/ with nox in it (once), then runs nox, which builds one environment per session.
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ROOT / ".venv"
NOX = "nox[uv]==2026.10.20"


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


def nox(*args: str) -> None:
    """Run nox with *args* from the project root and exit with its status."""
    python = _ensure_tools()
    completed = subprocess.run([python, "-m", "nox", "--noxfile", ROOT / "noxfile.py", *args])
    sys.exit(completed.returncode)

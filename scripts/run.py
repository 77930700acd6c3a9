"""Run the project's main job: render the sample page.

python3 scripts/run.py
"""

from __future__ import annotations

import sys

from _bootstrap import nox

if __name__ == "__main__":
    nox("--session", "example", "--", *sys.argv[1:])

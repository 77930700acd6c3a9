"""Run everything CI runs: lint, type checks, the tests on SQLite and PostgreSQL, coverage.

python3 scripts/test.py                    # the whole suite
python3 scripts/test.py -s "tests(django='5.2')" -- -k escape   # one session, some tests
"""

from __future__ import annotations

import sys

from _bootstrap import nox

if __name__ == "__main__":
    nox(*sys.argv[1:])

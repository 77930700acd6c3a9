"""Run the benchmarks under bench/, side by side, and print medians, ratios and bars.

python3 scripts/bench.py              # all of them
python3 scripts/bench.py html_page    # one
"""

from __future__ import annotations

import sys

from _bootstrap import nox

if __name__ == "__main__":
    nox("--session", "bench", "--", *sys.argv[1:])

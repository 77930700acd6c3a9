"""python -m bench [name ...]: run the named benchmarks (default: all); exit 1 if a bar fails."""

from __future__ import annotations

import importlib
import sys

BENCHMARKS = ["html_page", "backend_render", "dispatch", "concurrent_writers", "live"]


def main(names: list[str]) -> int:
    unknown = sorted(set(names) - set(BENCHMARKS))
    if unknown:
        print(f"Unknown benchmark(s) {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}.")
        return 2
    ok = True
    for name in names or BENCHMARKS:
        ok = importlib.import_module(f"bench.{name}").main() and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

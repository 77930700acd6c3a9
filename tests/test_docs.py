"""The examples in the README and in the docstrings are run, so they cannot go stale."""

from __future__ import annotations

import ast
import doctest
import re
from pathlib import Path

import rustytags_backend.html

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_examples_run():
    result = doctest.testfile(str(README), module_relative=False, optionflags=doctest.ELLIPSIS)
    assert (result.failed, result.attempted > 0) == (0, True)


def test_readme_python_blocks_parse():
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), re.DOTALL)
    for block in blocks:
        ast.parse(block)
    assert len(blocks) >= 5


def test_html_module_examples_run():
    result = doctest.testmod(rustytags_backend.html)
    assert (result.failed, result.attempted > 0) == (0, True)

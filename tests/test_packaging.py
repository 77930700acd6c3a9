"""What the distribution promises its users about its packages."""

from __future__ import annotations

from importlib import resources

import pytest


@pytest.mark.parametrize("package", ["rustytags_backend", "nitro_dispatch"])
def test_package_ships_py_typed(package: str) -> None:
    assert resources.files(package).joinpath("py.typed").is_file()

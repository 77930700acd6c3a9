"""What the distribution promises its users: the files of the wheel and of the sdist.

The test sessions install the built wheel (noxfile.py), so these tests read what users get. Run
on an editable install, the wheel's list is not there to read and those tests skip.
"""

from __future__ import annotations

import json
import os
import subprocess
import tarfile
from importlib import metadata, resources
from pathlib import Path, PurePosixPath

import pytest

ROOT = Path(__file__).resolve().parent.parent
DISTRIBUTION = "django-rustytags"


def _installed_from_wheel() -> metadata.Distribution:
    distribution = metadata.distribution(DISTRIBUTION)
    direct_url = distribution.read_text("direct_url.json")
    if direct_url and json.loads(direct_url).get("dir_info", {}).get("editable"):
        pytest.skip("an editable install has no wheel to read: run python3 scripts/test.py")
    return distribution


def _tracked(*folders: str) -> set[str]:
    if not (ROOT / ".git").exists():
        pytest.skip("needs the git checkout, to know which files are the project's")
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "--", *folders],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return set(listed.stdout.split())


@pytest.mark.parametrize(
    ("package", "resource"),
    [
        ("rustytags_backend", "py.typed"),
        ("nitro_dispatch", "py.typed"),
        ("rustytags_backend", "static/rustytags_backend/csrf.js"),
    ],
)
def test_package_ships_resource(package: str, resource: str) -> None:
    assert resources.files(package).joinpath(resource).is_file()


def test_wheel_ships_every_file_of_the_packages_and_nothing_else() -> None:
    files = _installed_from_wheel().files or []
    shipped = {
        str(file)
        for file in files
        if not file.parts[0].endswith(".dist-info") and "__pycache__" not in file.parts
    }
    expected = {str(PurePosixPath(path).relative_to("src")) for path in _tracked("src")}
    assert shipped == expected


def test_wheel_ships_the_license() -> None:
    distribution = _installed_from_wheel()
    assert distribution.read_text("licenses/LICENSE") == (ROOT / "LICENSE").read_text()
    assert distribution.metadata["License-Expression"] == "MIT"


def test_sdist_ships_the_sources_tests_docs_and_example() -> None:
    sdist = os.environ.get("DJANGO_RUSTYTAGS_SDIST")
    if not sdist:
        pytest.skip("DJANGO_RUSTYTAGS_SDIST names the built sdist: run python3 scripts/test.py")
    with tarfile.open(sdist) as archive:
        members = {
            str(PurePosixPath(member.name).relative_to(PurePosixPath(member.name).parts[0]))
            for member in archive.getmembers()
            if member.isfile()
        }
    generated = {"PKG-INFO", "setup.cfg"}
    members = {m for m in members if m not in generated and ".egg-info/" not in m}
    expected = _tracked("src", "tests", "docs", "examples", "scripts") | {
        "LICENSE",
        "MANIFEST.in",
        "README.md",
        "noxfile.py",
        "pyproject.toml",
    }
    assert members == expected

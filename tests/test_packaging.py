"""What a user installs: the source distribution and the wheel a release is made of.

The archives are built once per module, as ``python -m build`` builds them for
a release: the sdist from a copy of the working tree's source files, then the
wheel from the unpacked sdist, so a file the sdist lacks breaks the wheel. The
build runs without isolation, with the setuptools of the test extra.
``.ci/run`` builds them again in isolation and tests the installed wheel.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from dataclasses import dataclass
from email.message import Message
from email.parser import HeaderParser
from importlib.metadata import version as installed_version
from pathlib import Path

import pytest
from packaging.version import Version

import pytest_asyncio

pytest.importorskip("build", reason="building the archives needs the test extra")

SOURCE = Path(pytest_asyncio.__file__).parent
PROJECT = SOURCE.parent
# Tracked files that only CI and git use; the sdist leaves them out.
NOT_SHIPPED = {".gitignore", ".ci/run"}


@dataclass
class Built:
    """The two archives, their names, and what the build printed."""

    sdist: Path
    wheel: Path
    sdist_names: set[str]
    wheel_names: set[str]
    output: str

    def wheel_text(self, name: str) -> str:
        with zipfile.ZipFile(self.wheel) as archive:
            return archive.read(name).decode()

    def sdist_text(self, name: str) -> str:
        with tarfile.open(self.sdist) as archive:
            member = archive.extractfile(name)
            assert member is not None, name
            return member.read().decode()

    @property
    def dist_info(self) -> str:
        (name,) = {n.split("/")[0] for n in self.wheel_names if ".dist-info/" in n}
        return name

    def metadata(self) -> Message:
        return HeaderParser().parsestr(self.wheel_text(f"{self.dist_info}/METADATA"))


def source_files() -> list[str]:
    """Files git tracks or would track (not ignored), relative to the project."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    return sorted(name for name in set(listed) if (PROJECT / name).is_file())


def copy_source(tree: Path) -> None:
    """Copy the project's source files into ``tree``."""
    for name in source_files():
        (tree / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(PROJECT / name, tree / name)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = tmp_path_factory.mktemp("packaging")
    tree, out = root / "tree", root / "dist"
    copy_source(tree)
    # distutils warns that it skips byte-compiling when the environment asks
    # for no bytecode; that is this machine's setting, not the project's.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    done = subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(tree)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    (sdist,) = out.glob("*.tar.gz")
    (wheel,) = out.glob("*.whl")
    with tarfile.open(sdist) as archive:
        top = sdist.name.removesuffix(".tar.gz")
        sdist_names = {m.name.removeprefix(f"{top}/") for m in archive.getmembers() if m.isfile()}
    with zipfile.ZipFile(wheel) as archive:
        wheel_names = set(archive.namelist())
    return Built(sdist, wheel, sdist_names, wheel_names, output)


def test_the_build_warns_of_nothing(built: Built) -> None:
    said = [
        line
        for line in built.output.splitlines()
        # File names such as warnings.py are not warnings.
        if not line.startswith(("copying ", "adding '", "creating "))
        and re.search(r"(?i)\bwarning\b|warning:|deprecat", line)
    ]
    assert not said, built.output


def test_both_archives_carry_the_licence_text(built: Built) -> None:
    licence = (PROJECT / "LICENSE").read_text()
    assert licence.split()[:4] == ["Apache", "License", "Version", "2.0,"]
    assert "TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION" in licence
    top = built.sdist.name.removesuffix(".tar.gz")
    assert built.sdist_text(f"{top}/LICENSE") == licence
    assert built.wheel_text(f"{built.dist_info}/licenses/LICENSE") == licence


def test_the_metadata_names_the_licence_in_spdx(built: Built) -> None:
    metadata = built.metadata()
    assert Version(metadata["Metadata-Version"]) >= Version("2.4")
    assert metadata["License-Expression"] == "Apache-2.0"
    assert metadata.get_all("License-File") == ["LICENSE"]
    assert metadata["License"] is None
    assert not [c for c in metadata.get_all("Classifier", []) if c.startswith("License ::")]


def test_the_metadata_links_the_documentation_changelog_source_and_issues(built: Built) -> None:
    links = dict(link.split(", ", 1) for link in built.metadata().get_all("Project-URL", []))
    assert set(links) == {"Documentation", "Changelog", "Source", "Issues"}
    assert all(url.startswith("https://") for url in links.values()), links
    assert links["Issues"].startswith(links["Source"])


def test_the_long_description_is_the_readme_in_markdown(built: Built) -> None:
    metadata = built.metadata()
    assert metadata["Description-Content-Type"] == "text/markdown"
    body = built.wheel_text(f"{built.dist_info}/METADATA").split("\n\n", 1)[1]
    assert body.strip() == (PROJECT / "README.md").read_text().strip()


def test_the_wheel_has_the_installed_version(built: Built) -> None:
    """The installed metadata agrees with pyproject.toml (tests/test_public_api.py)."""
    version = installed_version("pytest-asyncio")
    assert built.metadata()["Version"] == version
    assert built.dist_info == f"pytest_asyncio-{version}.dist-info"


def test_the_wheel_ships_py_typed_and_every_module_and_nothing_else(built: Built) -> None:
    shipped = {n for n in built.wheel_names if not n.startswith(built.dist_info + "/")}
    expected = {f"pytest_asyncio/{p.relative_to(SOURCE).as_posix()}" for p in SOURCE.rglob("*.py")}
    expected.add("pytest_asyncio/py.typed")
    assert shipped == expected


def test_the_sdist_holds_every_source_file(built: Built) -> None:
    wanted = set(source_files()) - NOT_SHIPPED
    missing = wanted - built.sdist_names
    assert not missing, f"files missing from the sdist: {sorted(missing)}"
    extra = {n for n in built.sdist_names - wanted if not n.startswith("pytest_asyncio.egg-info/")}
    assert extra == {"PKG-INFO", "setup.cfg"}


def test_twine_accepts_both_archives(built: Built) -> None:
    pytest.importorskip("twine", reason="twine is in the test extra")
    done = subprocess.run(
        [sys.executable, "-m", "twine", "check", "--strict", str(built.sdist), str(built.wheel)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("PASSED") == 2, done.stdout


def test_an_editable_install_is_a_plain_path_entry(tmp_path: Path) -> None:
    """``pip install -e .`` puts the checkout on ``sys.path`` with a ``.pth`` line
    that static checkers follow, not an import hook (a module they cannot run)."""
    tree, out = tmp_path / "tree", tmp_path / "dist"
    copy_source(tree)
    out.mkdir()
    build = "from setuptools import build_meta; print(build_meta.build_editable(sys.argv[1]))"
    done = subprocess.run(
        [sys.executable, "-c", f"import sys; {build}", str(out)],
        cwd=tree,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    wheel = out / done.stdout.splitlines()[-1]
    with zipfile.ZipFile(wheel) as archive:
        [pth] = [name for name in archive.namelist() if name.endswith(".pth")]
        modules = [name for name in archive.namelist() if name.endswith(".py")]
        lines = archive.read(pth).decode().splitlines()
    assert modules == []
    assert [Path(line) for line in lines] == [tree]

"""Type-check the docs' Python snippets that show a user's file, with
``mypy --strict`` and pyright in strict mode.

Which snippets: a ``.. code-block:: python`` that names the file it is, as a
user would save it, either by a caption (shown above the block; used where
the page shows the file's line numbers in pytest's output) or by a comment
on its first line::

    .. code-block:: python
       :caption: test_client.py

       import asyncio
       ...

    .. code-block:: python

       # conftest.py
       import asyncio
       ...

The comment may go on after the name (``# conftest.py (in the rootdir)``).
Such a block is a whole file: it imports what it uses and annotates what
it defines, so a reader can copy it as it is and both checkers pass.
Blocks without a name are fragments of a file, shown to make a point, and
are not checked; a block that starts with an import is a whole file, so it
must be named (the script says so when it is not).

Every file is written into one temporary directory as its own module
(named after the page and line), and each checker runs once over all of
them, reading ``pytest_asyncio`` from this source tree as a user's checker
reads the installed package. Errors are reported at the page and line of
the block, mypy's first, then pyright's.

Usage: ``python docs/check_snippets.py [DOCS_DIR [MYPY_CACHE_DIR]]``; exit
code 0 when every snippet passes. ``tests/test_doc_snippets.py`` runs it.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import textwrap
from dataclasses import dataclass
from pathlib import Path

#: The directive that opens a Python block, and the comment that makes it a file.
_BLOCK = re.compile(r"^(?P<indent>\s*)\.\. code-block:: python\s*$")
_FILE_COMMENT = re.compile(r"^#\s*(?P<name>[\w./-]+\.py)\b")
_CAPTION = re.compile(r"^:caption:\s*(?P<name>[\w./-]+\.py)\s*$")
#: The first line of a block that is a whole module, not a fragment.
_MODULE_START = re.compile(r"^(import|from)\s")
#: The project's source tree, which holds ``pytest_asyncio``.
_PROJECT = Path(__file__).resolve().parent.parent
#: Errors inside the package are its own checks' business, as for an
#: installed package with ``py.typed``; only the snippets are reported.
_MYPY_CONFIG = """
[mypy]
strict = True

[mypy-pytest_asyncio.*]
follow_imports = silent
"""
#: pyright reports on the files it is given only, never on what they import.
_PYRIGHT_CONFIG = {
    "typeCheckingMode": "strict",
    "pythonVersion": "3.10",
    "extraPaths": [str(_PROJECT)],
}


@dataclass(frozen=True)
class Snippet:
    """One Python code block of a page."""

    page: Path
    line: int  # of the first line of code, 1-based
    code: str
    caption: str | None = None  # the file name a ``:caption:`` option gives

    @property
    def file_name(self) -> str | None:
        """The file the block says it is, or ``None`` for a fragment."""
        match = _FILE_COMMENT.match(self.code)
        return self.caption or (match.group("name") if match else None)

    @property
    def module(self) -> str:
        """A module name unique to this block, for the temporary directory."""
        stem = re.sub(r"\W", "_", self.page.with_suffix("").as_posix())
        return f"snippet_{stem}_{self.line}"


def snippets(docs: Path) -> list[Snippet]:
    """Every ``code-block:: python`` of the ``.rst`` pages under ``docs``."""
    found: list[Snippet] = []
    for page in sorted(docs.rglob("*.rst")):
        lines = page.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines):
            match = _BLOCK.match(line)
            if match is not None:
                found.extend(_block_at(page.relative_to(docs), lines, number + 1, match))
    return found


def _block_at(page: Path, lines: list[str], start: int, opening: re.Match[str]) -> list[Snippet]:
    """The block whose directive is on line ``start`` (its options and body follow)."""
    indent = len(opening.group("indent"))
    body: list[str] = []
    first = None
    caption = None
    for number in range(start, len(lines)):
        text = lines[number]
        if text.strip() and len(text) - len(text.lstrip()) <= indent:
            break  # back at the directive's level: the block ended
        if first is None and (not text.strip() or text.strip().startswith(":")):
            named = _CAPTION.match(text.strip())
            caption = named.group("name") if named else caption
            continue  # the blank line and options before the code
        if first is None:
            first = number + 1
        body.append(text)
    if first is None:
        return []
    code = textwrap.dedent("\n".join(body)).strip() + "\n"
    return [Snippet(page, first, code, caption)]


def problems(docs: Path, cache: Path | None = None) -> list[str]:
    """What is wrong with the docs' file snippets: unmarked files, mypy's errors.

    :param cache: mypy's cache directory; a temporary one (a cold run) if ``None``.
    """
    found = snippets(docs)
    unmarked = [
        f"{docs / s.page}:{s.line}: a whole module without a '# <file>.py' first line"
        for s in found
        if s.file_name is None and _MODULE_START.match(s.code)
    ]
    files = [s for s in found if s.file_name is not None]
    if not files:
        return unmarked
    with tempfile.TemporaryDirectory() as name:
        directory = Path(name)
        for snippet in files:
            (directory / f"{snippet.module}.py").write_text(snippet.code, encoding="utf-8")
        checked = _Checked(docs, directory, {s.module: s for s in files})
        return unmarked + _mypy(checked, cache) + _pyright(checked)


@dataclass(frozen=True)
class _Checked:
    """The snippets written as modules in ``directory``, for the checkers to read."""

    docs: Path
    directory: Path
    by_module: dict[str, Snippet]

    def placed(self, errors: list[tuple[str, int, str]]) -> list[str]:
        """``(module, line in it, error)`` as problems at the page and line of the block."""
        found: list[tuple[Path, int, str]] = []
        for module, line, text in errors:
            snippet = self.by_module.get(module)
            if snippet is not None:
                where = snippet.line + line - 1
                found.append((snippet.page, where, f"({snippet.file_name}) {text}"))
        return [f"{self.docs / page}:{line}: {text}" for page, line, text in sorted(found)]


def _mypy(checked: _Checked, cache: Path | None) -> list[str]:
    """Run ``mypy --strict`` once over the snippets; its errors, placed in the pages."""
    directory = checked.directory
    (directory / "mypy.ini").write_text(_MYPY_CONFIG, encoding="utf-8")
    command = [sys.executable, "-m", "mypy", "--config-file", "mypy.ini"]
    command += ["--cache-dir", str(cache or directory / ".mypy_cache")]
    command += sorted(f"{module}.py" for module in checked.by_module)
    result = subprocess.run(
        command,
        cwd=directory,
        env={**os.environ, "MYPYPATH": str(_PROJECT)},
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode not in (0, 1):  # 2: mypy itself failed
        return [f"mypy failed: {result.stdout}{result.stderr}"]
    errors: list[tuple[str, int, str]] = []
    for line in result.stdout.splitlines():
        match = re.match(r"^.*?(snippet_\w+)\.py:(\d+): (?P<rest>error: .*)$", line)
        if match is not None:
            errors.append((match.group(1), int(match.group(2)), match.group("rest")))
    return checked.placed(errors)


def _pyright(checked: _Checked) -> list[str]:
    """Run pyright in strict mode once over the snippets; its errors, placed in the pages.

    Its JSON report: no check for a newer pyright, which would need the network.
    """
    directory = checked.directory
    (directory / "pyrightconfig.json").write_text(json.dumps(_PYRIGHT_CONFIG), encoding="utf-8")
    command = [sys.executable, "-m", "pyright", "--outputjson", "--pythonpath", sys.executable]
    command += sorted(f"{module}.py" for module in checked.by_module)
    result = subprocess.run(command, cwd=directory, capture_output=True, text=True, check=False)
    if result.returncode not in (0, 1):  # others: pyright itself failed
        return [f"pyright failed: {result.stdout}{result.stderr}"]
    errors: list[tuple[str, int, str]] = []
    for found in json.loads(result.stdout)["generalDiagnostics"]:
        if found["severity"] == "error":
            line = found["range"]["start"]["line"] + 1
            message = found["message"].splitlines()[0]
            text = f"pyright error: {message}  [{found.get('rule', 'pyright')}]"
            errors.append((Path(found["file"]).stem, line, text))
    return checked.placed(errors)


def main(argv: list[str]) -> int:
    docs = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent
    found = problems(docs, Path(argv[2]) if len(argv) > 2 else None)
    for problem in found:
        print(problem)
    checked = sum(1 for s in snippets(docs) if s.file_name is not None)
    print(f"{checked} file snippets, mypy --strict and pyright: {len(found)} problem(s)")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

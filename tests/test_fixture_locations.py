"""``pytest --fixtures`` shows where a fixture made by ``Fixture.fixture()`` is defined.

That is the line that called ``fixture()`` (``event_loop = MyLoop.fixture()``
in a conftest), and the fixture's docstring reads as plain text. Tracebacks
through the fixture still show the plugin's real source lines.
"""

from __future__ import annotations

import re

import pytest

from pytest_asyncio.fixtures.base import plain_text

CONFTEST = '''
import asyncio

import pytest
from pytest_asyncio import LoopFixture


@pytest.fixture
def calibration():
    """A plain fixture, to learn how this pytest numbers lines."""


class MyLoop(LoopFixture):
    """My loop, made by :class:`MyLoop` from :meth:`~asyncio.new_event_loop`, ``asyncio``."""


class NamedLoop(LoopFixture):
    """Made through a fixture() of its own."""

    @classmethod
    def fixture(cls, name=None, scope=None):
        return super().fixture(name=name or "named_loop", scope=scope)


event_loop = MyLoop.fixture()
named_loop = NamedLoop.fixture()
'''


def _lines(text: str) -> dict[str, int]:
    """The 1-based line of each fixture definition in ``text`` (after dedent)."""
    found: dict[str, int] = {}
    for number, line in enumerate(text.strip("\n").splitlines(), start=1):
        match = re.match(r"(\w+) = \w+\.fixture\(\)|@pytest\.fixture", line)
        if match:
            found[match.group(1) or "calibration"] = number
    return found


def _shown_line(output: str, name: str, file: str) -> int:
    match = re.search(rf"^{name}(?: \[\w+ scope\])? -- {re.escape(file)}:(\d+)$", output, re.M)
    assert match, f"{name} -- {file}:N not in\n{output}"
    return int(match.group(1))


def test_fixtures_shows_the_conftest_line_of_the_override(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile("def test_nothing(event_loop, named_loop, calibration): pass")
    result = pytester.runpytest("--fixtures", "-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.OK
    output = result.stdout.str()
    assert "INTERNALERROR" not in output + result.stderr.str()
    lines = _lines(CONFTEST)
    # pytest before 9.2 prints a decorated fixture at its def line, one after
    # the decorator; the same offset applies to every location it prints.
    offset = _shown_line(output, "calibration", "conftest.py") - lines["calibration"]
    assert offset in (0, 1)
    assert _shown_line(output, "event_loop", "conftest.py") == lines["event_loop"] + offset
    assert _shown_line(output, "named_loop", "conftest.py") == lines["named_loop"] + offset
    result.stdout.fnmatch_lines(
        [
            "*fixtures defined from conftest*",
            "event_loop -- conftest.py:*",
            "    My loop, made by MyLoop from new_event_loop, asyncio.",
        ]
    )


def test_fixtures_per_test_shows_the_conftest_too(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile("def test_nothing(event_loop): pass")
    result = pytester.runpytest("--fixtures-per-test", "-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines(["event_loop -- conftest.py:*", "    My loop, made by MyLoop*"])


def test_the_plugins_own_fixtures_read_as_plain_text(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_nothing(): pass")
    result = pytester.runpytest("--fixtures", "-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines(
        [
            "*fixtures defined from pytest_asyncio.plugin*",
            "event_loop -- *pytest_asyncio*plugin.py:*",
            "event_loop_process_pool -- *pytest_asyncio*plugin.py:*",
            "    Like LoopFixture, with a process pool as the default executor.",
            "unused_tcp_port -- *plugin.py:*",
        ]
    )
    section = result.stdout.str().split("fixtures defined from pytest_asyncio", 1)[1]
    assert not re.search(r":\w+:`|``", section), section


def test_a_traceback_through_the_fixture_shows_real_lines(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
        from pytest_asyncio import LoopFixture


        class BrokenLoop(LoopFixture):
            def new_loop(self):
                raise RuntimeError("no loop today")


        event_loop = BrokenLoop.fixture()
        """
    )
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.asyncio
        async def test_needs_a_loop(event_loop):
            pass
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "--tb=long")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            "*value = instance.setup()*",
            "*pytest_asyncio*base.py:*",
            '>       raise RuntimeError("no loop today")',
            "E       RuntimeError: no loop today",
            "conftest.py:6: RuntimeError",
        ]
    )


@pytest.mark.parametrize(
    ("doc", "plain"),
    [
        (":class:`LoopFixture` and :meth:`~asyncio.loop.close`", "LoopFixture and close"),
        ("a :func:`link <pytest_asyncio.fixture>` to ``x = 1``", "a link to x = 1"),
        (":class:`asyncio.AbstractEventLoop`", "asyncio.AbstractEventLoop"),
        ("no roles here", "no roles here"),
        (None, None),
    ],
)
def test_plain_text(doc: str | None, plain: str | None) -> None:
    assert plain_text(doc) == plain

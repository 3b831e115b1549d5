"""Values a user can get wrong are refused with a message naming the option as written.

A timeout must be a finite number of seconds, at least a millisecond (0
means none), wherever it is given: the marker, ``asyncio_timeout`` or
``--asyncio-timeout``. ``asyncio_mode``, ``--asyncio-mode`` and
``asyncio_debug`` name themselves when their value is wrong.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from pytest_asyncio import _messages
from pytest_asyncio._settings import parse_timeout

if TYPE_CHECKING:
    from conftest import RunClean

BAD_TIMEOUTS = ["nan", "inf", "-inf", "1e-9", "0.0009", "-1"]


@pytest.mark.parametrize("value", BAD_TIMEOUTS)
def test_a_bad_timeout_on_the_command_line_is_refused(
    pytester: pytest.Pytester, value: str
) -> None:
    pytester.makepyfile("def test_nothing(): pass")
    result = pytester.runpytest(f"--asyncio-timeout={value}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert _messages.invalid_timeout("--asyncio-timeout", value) in result.stderr.str()
    result.stderr.fnmatch_lines(["*at least 0.001 (0 means no timeout)*"])


@pytest.mark.parametrize("value", BAD_TIMEOUTS)
def test_a_bad_timeout_in_the_ini_file_is_refused(pytester: pytest.Pytester, value: str) -> None:
    pytester.makepyfile("def test_nothing(): pass")
    pytester.makeini(f"[pytest]\nasyncio_timeout = {value}\n")
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert _messages.invalid_timeout("asyncio_timeout", value) in result.stderr.str()


@pytest.mark.parametrize("value", ["float('nan')", "float('inf')", "1e-9", "-1", "True"])
def test_a_bad_timeout_on_the_marker_errors_the_test(
    pytester: pytest.Pytester, run_clean: RunClean, value: str
) -> None:
    pytester.makepyfile(
        f"""
        import pytest

        @pytest.mark.asyncio(timeout={value})
        async def test_it():
            pass

        @pytest.mark.asyncio(timeout=0.001)
        async def test_one_millisecond_is_enough_to_start():
            pass
        """
    )
    result = run_clean()
    result.assert_outcomes(errors=1, passed=1)
    shown = repr(eval(value))  # what the marker holds, as the message shows it
    where = "test_a_bad_timeout_on_the_marker_errors_the_test.py::test_it: timeout"
    result.stdout.fnmatch_lines([f"*{where}: {shown} is not a valid timeout*at least 0.001*"])


@pytest.mark.parametrize(
    ("value", "seconds"), [("0", None), ("", None), ("0.001", 0.001), (" 2.5 ", 2.5), (3, 3.0)]
)
def test_good_timeouts_are_read(value: object, seconds: float | None) -> None:
    assert parse_timeout("asyncio_timeout", value) == seconds


@pytest.mark.parametrize("where", ["ini", "cli"])
def test_a_bad_mode_names_the_option_as_written(pytester: pytest.Pytester, where: str) -> None:
    pytester.makepyfile("def test_nothing(): pass")
    if where == "ini":
        pytester.makeini("[pytest]\nasyncio_mode = bogus\n")
        result, option = pytester.runpytest(), "asyncio_mode"
    else:
        result, option = pytester.runpytest("--asyncio-mode=bogus"), "--asyncio-mode"
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"*'bogus' is not a valid {option}. Valid modes: auto, strict."])


@pytest.mark.parametrize("ini", ["ini", "toml"])
def test_a_bad_debug_value_names_the_option(pytester: pytest.Pytester, ini: str) -> None:
    pytester.makepyfile("def test_nothing(): pass")
    if ini == "ini":
        pytester.makeini("[pytest]\nasyncio_debug = maybe\n")
    else:
        pytester.makepyprojecttoml('[tool.pytest.ini_options]\nasyncio_debug = "maybe"\n')
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["*asyncio_debug: invalid truth value 'maybe'. Use true or false (also yes/no*"]
    )


@pytest.mark.parametrize("value", ["true", "yes", "On", "1", "false", "no", "0"])
def test_accepted_debug_values(pytester: pytest.Pytester, value: str) -> None:
    pytester.makeini(f"[pytest]\nasyncio_debug = {value}\n")
    expected = value.lower() in ("true", "yes", "on", "1")
    pytester.makepyfile(
        f"""
        import asyncio
        import pytest

        @pytest.mark.asyncio
        async def test_debug():
            assert asyncio.get_running_loop().get_debug() is {expected}
        """
    )
    pytester.runpytest("-W", "error").assert_outcomes(passed=1)


DEFAULT_HEADER = "mode=unset, default fixture loop scope=(fixture's scope)"


@pytest.mark.parametrize(
    ("args", "ini", "shown"),
    [
        ((), "", ""),
        (("--asyncio-timeout=5",), "", ", timeout=5 s"),
        ((), "asyncio_timeout = 0.25", ", timeout=0.25 s"),
        (("--asyncio-timeout=0",), "asyncio_timeout = 3", ""),
        (("--asyncio-debug",), "", ", debug=True"),
        ((), "asyncio_debug = true", ", debug=True"),
        (("--asyncio-clock=virtual",), "", ", clock=virtual"),
        ((), "asyncio_clock_threshold = 0.05", ", clock threshold=0.05 s"),
        (("--asyncio-diagnostics=warn",), "", ", diagnostics=warn"),
        ((), "asyncio_diagnostics = off", ", diagnostics=off"),
        ((), "asyncio_diagnostics = report", ""),
        ((), "asyncio_default_test_loop_scope = module", ", default test loop scope=module"),
    ],
)
def test_the_report_header_shows_every_setting_not_at_its_default(
    pytester: pytest.Pytester, args: tuple[str, ...], ini: str, shown: str
) -> None:
    pytester.makeini(f"[pytest]\n{ini}\n")
    pytester.makepyfile("def test_nothing(): pass")
    result = pytester.runpytest(*args)
    header = [line for line in result.stdout.lines if line.startswith("asyncio: ")]
    assert len(header) == 1
    assert header[0].endswith(DEFAULT_HEADER + shown)


def test_the_report_header_shows_all_changed_settings_at_once(pytester: pytest.Pytester) -> None:
    pytester.makeini(
        "[pytest]\n"
        "asyncio_mode = auto\n"
        "asyncio_default_fixture_loop_scope = function\n"
        "asyncio_default_test_loop_scope = session\n"
        "asyncio_timeout = 30\n"
        "asyncio_debug = true\n"
        "asyncio_clock = virtual\n"
        "asyncio_clock_threshold = 0\n"
        "asyncio_diagnostics = error\n"
    )
    pytester.makeconftest(
        """
        import pytest_asyncio

        class Plugin(pytest_asyncio.AsyncioPlugin):
            pass

        pytest_asyncio_plugin_class = Plugin
        """
    )
    pytester.makepyfile("def test_nothing(): pass")
    result = pytester.runpytest()
    result.stdout.fnmatch_lines(
        [
            "asyncio: pytest-asyncio * (class-based implementation), mode=auto, "
            "default fixture loop scope=function, default test loop scope=session, "
            "timeout=30 s, debug=True, clock=virtual, clock threshold=0 s, "
            "diagnostics=error, plugin class=conftest.Plugin"
        ]
    )

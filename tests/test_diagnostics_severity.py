"""The diagnostics severity: report (default), warn, error, off.

By default the checks run and are reported, in the terminal summary and in
the tests' report sections, and change no outcome, exit code or warning
count, even with ``filterwarnings = error``. One setting (ini, command
line, and the marker's ``diagnostics=`` per test) chooses otherwise.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from test_loop_exceptions import EXCEPTION_IN_FIXTURE_SETUP

import pytest_asyncio
from pytest_asyncio import _messages

if TYPE_CHECKING:
    from conftest import RunClean

STRICT_INI = "[pytest]\nfilterwarnings =\n    error\n"

LEAKS_A_TASK = """
    import asyncio
    import pytest

    async def forever():
        await asyncio.sleep(60)

    @pytest.mark.asyncio
    async def test_leaks():
        asyncio.get_running_loop().create_task(forever(), name="pinger")
        await asyncio.sleep(0)

    def test_after():
        pass
    """


def test_a_library_logging_a_failed_job_through_the_handler(pytester: pytest.Pytester) -> None:
    """The job fails, the library reports it to the loop's handler, the test awaits it."""
    pytester.makeini(STRICT_INI)
    pytester.makepyfile(
        """
        import asyncio
        import pytest

        class Scheduler:
            def __init__(self):
                self.loop = asyncio.get_running_loop()

            def start(self, coro):
                task = self.loop.create_task(coro)
                task.add_done_callback(self._done)
                return task

            def _done(self, task):
                if not task.cancelled() and task.exception() is not None:
                    self.loop.call_exception_handler(
                        {"message": "background job failed", "exception": task.exception()}
                    )

        async def failing_job():
            raise RuntimeError("job failed")

        @pytest.mark.asyncio
        async def test_job_failure_is_raised(caplog):
            job = Scheduler().start(failing_job())
            with pytest.raises(RuntimeError, match="job failed"):
                await job
            assert "background job failed" in caplog.text
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, warnings=0)
    assert result.ret == 0
    result.stdout.fnmatch_lines(
        [
            f"*= {_messages.DIAGNOSTICS_TITLE} =*",
            "*::test_job_failure_is_raised: 1 loop exception",
        ]
    )


def test_a_task_exception_left_unretrieved_on_purpose(pytester: pytest.Pytester) -> None:
    pytester.makeini(STRICT_INI)
    pytester.makepyfile(
        """
        import asyncio
        import gc
        import pytest

        async def load():
            raise ConnectionError("backend down")

        @pytest.mark.asyncio
        async def test_cache_drops_a_failed_entry():
            cache = {"key": asyncio.get_running_loop().create_task(load())}
            await asyncio.sleep(0)
            assert cache["key"].done()
            del cache["key"]  # the error path: the failed entry is dropped unread
            gc.collect()
            assert cache == {}
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, warnings=0)
    result.stdout.fnmatch_lines(["*::test_cache_drops_a_failed_entry: 1 loop exception"])


def test_a_helper_task_left_pending(pytester: pytest.Pytester, run_clean: RunClean) -> None:
    pytester.makeini(STRICT_INI)
    pytester.makepyfile(
        """
        import asyncio
        import pytest

        class Connection:
            async def open(self):
                self.ping = asyncio.get_running_loop().create_task(self.keep_alive())

            async def keep_alive(self):
                while True:
                    await asyncio.sleep(30)

        @pytest.mark.asyncio
        async def test_connects():
            connection = Connection()
            await connection.open()
        """
    )
    result = run_clean()
    result.assert_outcomes(passed=1, warnings=0)
    assert result.ret == 0
    result.stdout.fnmatch_lines(["*::test_connects: 1 leaked task"])


def test_report_sections_and_summary(pytester: pytest.Pytester) -> None:
    pytester.makeini(STRICT_INI)
    pytester.makepyfile(LEAKS_A_TASK)
    result = pytester.runpytest("-p", "no:cacheprovider", "-rA", "-v", "--junitxml=out.xml")
    result.assert_outcomes(passed=2, warnings=0)
    owner = _messages.loop_owner("event_loop", "function", "*::test_leaks")
    result.stdout.fnmatch_lines(
        [
            "*PASSES*",
            "*_ test_leaks _*",
            f"*- {_messages.DIAGNOSTICS_TITLE} -*",
            f"1 task still pending when {owner} was closed;*",
            "  pinger running forever() at *.py:5*",
            f"*= {_messages.DIAGNOSTICS_TITLE} =*",
            "*::test_leaks: 1 leaked task",
            "    1 task still pending when*",  # the details, under -v
            _messages.diagnostics_totals([("task", 1, 1, 0)]),
            "Reported only: no outcome changed (asyncio_diagnostics = report). Details: -v,",
        ]
    )
    assert "test_after:" not in result.stdout.str()
    xml = (pytester.path / "out.xml").read_text()
    assert f'<property name="{_messages.DIAGNOSTICS_TITLE}" value="1 task still pending' in xml


def test_a_clean_run_has_no_section(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.asyncio
        async def test_clean():
            pass
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "-rA")
    result.assert_outcomes(passed=1)
    assert _messages.DIAGNOSTICS_TITLE not in result.stdout.str()


def test_warn_mode_from_the_ini_file(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nasyncio_diagnostics = warn\n")
    pytester.makepyfile(LEAKS_A_TASK)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, warnings=1)
    result.stdout.fnmatch_lines(["*LeakedTaskWarning: 1 task still pending*"])
    assert f"= {_messages.DIAGNOSTICS_TITLE} =" not in result.stdout.str()


def test_error_mode_fails_the_test_at_teardown(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(LEAKS_A_TASK)
    result = run_clean("--asyncio-diagnostics=error")
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_leaks*",
            "E   pytest_asyncio.LeakedTaskError: 1 task still pending when*",
            "*pinger running forever()*",
        ]
    )


def test_error_mode_for_a_loop_exception_shows_its_cause(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makeini("[pytest]\nasyncio_diagnostics = error\n")
    pytester.makepyfile(
        """
        import asyncio
        import pytest

        def on_tick():
            raise ValueError("bad tick")

        @pytest.mark.asyncio
        async def test_callback_fails():
            asyncio.get_running_loop().call_soon(on_tick)
            await asyncio.sleep(0)
        """
    )
    result = run_clean()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "E       ValueError: bad tick",
            "*direct cause of the following exception*",
            "E   pytest_asyncio.LoopExceptionError: An exception reached*test_callback_fails*",
        ]
    )


def test_off_checks_nothing(pytester: pytest.Pytester, run_clean: RunClean) -> None:
    pytester.makepyfile(LEAKS_A_TASK)
    result = run_clean("--asyncio-diagnostics=off", "-rA")
    result.assert_outcomes(passed=2)
    assert _messages.DIAGNOSTICS_TITLE not in result.stdout.str()


def test_the_marker_keyword_beats_the_setting(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makeini("[pytest]\nasyncio_diagnostics = error\n")
    pytester.makepyfile(
        """
        import asyncio
        import pytest

        async def forever():
            await asyncio.sleep(60)

        @pytest.mark.asyncio(diagnostics="report")
        async def test_reported():
            asyncio.get_running_loop().create_task(forever())
            await asyncio.sleep(0)

        @pytest.mark.asyncio(diagnostics="off")
        async def test_unchecked():
            asyncio.get_running_loop().create_task(forever())
            await asyncio.sleep(0)

        @pytest.mark.asyncio
        async def test_failed():
            asyncio.get_running_loop().create_task(forever())
            await asyncio.sleep(0)
        """
    )
    result = run_clean()
    result.assert_outcomes(passed=3, errors=1)
    result.stdout.fnmatch_lines(
        ["*ERROR at teardown of test_failed*", "*::test_reported: 1 leaked*"]
    )
    assert "test_unchecked:" not in result.stdout.str()


@pytest.mark.parametrize(
    ("where", "named"),
    [
        ("ini", "asyncio_diagnostics"),
        ("cli", "--asyncio-diagnostics"),
    ],
)
def test_a_bad_value_is_a_usage_error(pytester: pytest.Pytester, where: str, named: str) -> None:
    if where == "ini":
        pytester.makeini("[pytest]\nasyncio_diagnostics = loud\n")
        result = pytester.runpytest("-p", "no:cacheprovider")
    else:
        result = pytester.runpytest("-p", "no:cacheprovider", "--asyncio-diagnostics=loud")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"ERROR: {_messages.invalid_severity(named, 'loud')}"])


def test_a_bad_marker_value_fails_the_test(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.asyncio(diagnostics="loud")
        async def test_one():
            pass
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    message = _messages.invalid_severity("*::test_one: diagnostics", "loud")
    result.stdout.fnmatch_lines([f"*{message}*"])


def test_a_filter_naming_the_class_is_obeyed_in_report_mode(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(LEAKS_A_TASK)
    result = run_clean("-W", "error::pytest_asyncio.LeakedTaskWarning")
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(["E   pytest_asyncio.LeakedTaskWarning: 1 task still pending*"])


def test_an_ignore_filter_keeps_it_a_report(pytester: pytest.Pytester, run_clean: RunClean) -> None:
    pytester.makepyfile(LEAKS_A_TASK)
    result = run_clean("-W", "ignore::pytest_asyncio.DiagnosticWarning")
    result.assert_outcomes(passed=2, warnings=0)
    result.stdout.fnmatch_lines(["*::test_leaks: 1 leaked task"])


def test_error_mode_raises_errors_not_warnings() -> None:
    """Each finding's class in ``error`` mode is an exception, never a warning."""
    names = ("LeakedTaskError", "LoopExceptionError", "LeakedLoopError", "LeakedProcessError")
    for name in (*names, "DiagnosticError"):
        assert name in pytest_asyncio.__all__
        error = getattr(pytest_asyncio, name)
        assert issubclass(error, pytest_asyncio.DiagnosticError)
        assert not issubclass(error, Warning)
        assert error.__module__ == "pytest_asyncio"


def test_the_warning_classes_share_a_base() -> None:
    for name in ("LeakedTaskWarning", "LoopExceptionWarning", "LeakedLoopWarning"):
        assert issubclass(getattr(pytest_asyncio, name), pytest_asyncio.DiagnosticWarning)
    assert issubclass(pytest_asyncio.LeakedProcessWarning, pytest_asyncio.DiagnosticWarning)
    assert issubclass(pytest_asyncio.DiagnosticWarning, pytest.PytestWarning)


def test_the_summary_gathers_xdist_workers(pytester: pytest.Pytester) -> None:
    pytester.makeini(STRICT_INI)
    pytester.makepyfile(LEAKS_A_TASK)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-n", "2")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["*::test_leaks: 1 leaked task"])


def test_a_setup_finding_is_shown_with_the_passed_test(pytester: pytest.Pytester) -> None:
    pytester.makeini(STRICT_INI)
    pytester.makepyfile(EXCEPTION_IN_FIXTURE_SETUP)
    result = pytester.runpytest("-p", "no:cacheprovider", "-rA")
    result.assert_outcomes(passed=1, warnings=0)
    header = _messages.loop_exception("setup", "*::test_uses_service", ["-"]).split("\n\n")[0]
    result.stdout.fnmatch_lines(
        [
            "*PASSES*",
            "*_ test_uses_service _*",
            f"*- {_messages.DIAGNOSTICS_TITLE} -*",
            header,
            "*::test_uses_service: 1 loop exception",
        ]
    )
    assert result.stdout.str().count(header.replace("*", "")[-40:]) == 1

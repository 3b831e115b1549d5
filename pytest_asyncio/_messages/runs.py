"""A test or fixture whose run on its loop ended badly: time limit, stop, cancel, close."""

from __future__ import annotations

from pytest_asyncio._messages.diagnostics import STOP_WHEN_CANCELLED


def test_timed_out(
    what: str, timeout: float, where: str, others: list[str], refused: str = ""
) -> str:
    lines = [f"{what} timed out after {timeout:g} s and was cancelled."]
    if where:
        lines.append("It was waiting here:")
        lines.append(where.rstrip())
    if refused:
        lines.append(refused)
    if others:
        lines.append("Other tasks still pending on the loop:")
        lines.extend(f"  {task}" for task in others)
    lines.append(
        "Raise the limit with @pytest.mark.asyncio(timeout=SECONDS), --asyncio-timeout "
        "or the ini option asyncio_timeout (0 means no limit)."
    )
    return "\n".join(lines)


def loop_scope_needs_loop_fixture(test: str, scope: str) -> str:
    return (
        f"{test}: no event loop of scope {scope!r} is available here. "
        "This is a bug in pytest-asyncio; please report it."
    )


def loop_stopped(what: str, refused: str = "") -> str:
    text = (
        f"The event loop stopped before {what} finished: something called "
        "loop.stop() on it (the test, a fixture, or code they call), so the "
        f"plugin cancelled {what}. The plugin starts and stops its loops "
        "itself; remove the loop.stop() call."
    )
    return f"{text}\n{refused}" if refused else text


def task_cancelled(what: str) -> str:
    return (
        f"{what} ended with asyncio.CancelledError, though the plugin did not "
        "cancel it (the traceback shows where it reached your code). Catch "
        "the cancellation, or let the task you awaited finish."
    )


def loop_closed_early(what: str) -> str:
    return (
        f"{what} cannot run: its event loop is already closed. Something closed "
        "it (loop.close() in the test, a fixture, or code they call) while it "
        "was still in use. Leave closing to the loop fixture, which closes the "
        "loop after every test and fixture using it has finished."
    )


def loop_already_running(what: str) -> str:
    return (
        f"{what} cannot run: its event loop is already running, and a loop "
        "cannot be run from inside itself. Do not request async fixtures "
        "with request.getfixturevalue() from async code; request them as "
        "arguments instead."
    )


def refused_to_stop(grace: float, where: str) -> str:
    lines = [
        f"It did not stop within {grace:g} s of being cancelled (it catches "
        "asyncio.CancelledError and goes on), so it was left running on its "
        "loop; let a cancelled task end (re-raise asyncio.CancelledError)."
    ]
    if where:
        lines += ["It was last suspended here:", where.rstrip()]
    return "\n".join(lines)


def tasks_refused_to_stop(owner: str, grace: float, tasks: list[str]) -> str:
    lines = [
        f"Closing {owner}: {len(tasks)} task(s) did not stop within {grace:g} s "
        "of being cancelled, so the loop was closed with them still pending:",
        *(f"  {task}" for task in tasks),
        STOP_WHEN_CANCELLED,
    ]
    return "\n".join(lines)

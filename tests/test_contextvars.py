"""contextvars set by async fixtures: seen by the test and later fixtures, reset at teardown.

Run on every supported Python: before 3.11 a task cannot be given a context,
so the plugin has to run a fixture's setup and teardown in one context by
other means, or ``var.reset(token)`` in the teardown fails.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from conftest import RunClean

VARIABLES = """
    import contextvars

    request_id = contextvars.ContextVar("request_id", default="unset")
    user = contextvars.ContextVar("user", default="nobody")
"""


def test_set_in_a_coroutine_fixture_seen_by_the_test(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(variables=VARIABLES)
    pytester.makepyfile(
        """
        import pytest
        from variables import request_id

        @pytest.fixture
        async def with_request_id():
            request_id.set("abc")

        @pytest.mark.asyncio
        async def test_sees_it(with_request_id):
            assert request_id.get() == "abc"

        def test_gone_afterwards():
            assert request_id.get() == "unset"
        """
    )
    run_clean("-p", "no:randomly").assert_outcomes(passed=2)


def test_set_in_a_generator_fixture_seen_by_later_fixtures_and_reset(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(variables=VARIABLES)
    pytester.makepyfile(
        """
        import pytest
        from variables import request_id, user

        @pytest.fixture
        async def with_request_id():
            token = request_id.set("abc")
            yield
            assert request_id.get() == "abc"
            request_id.reset(token)  # the idiom that needs one context for both halves

        @pytest.fixture
        async def with_user(with_request_id):
            assert request_id.get() == "abc"
            token = user.set("alice")
            yield
            user.reset(token)

        @pytest.fixture
        def sync_reader(with_user):
            return (request_id.get(), user.get())

        @pytest.mark.asyncio
        async def test_sees_both(sync_reader):
            assert sync_reader == ("abc", "alice")
            assert (request_id.get(), user.get()) == ("abc", "alice")

        @pytest.mark.asyncio
        async def test_fresh_values_next_time():
            assert (request_id.get(), user.get()) == ("unset", "nobody")

        def test_sync_test_sees_defaults():
            assert (request_id.get(), user.get()) == ("unset", "nobody")
        """
    )
    run_clean("-p", "no:randomly").assert_outcomes(passed=3)


def test_context_manager_in_a_generator_fixture(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    """A library's "with scope():" that sets a variable and resets it on exit."""
    pytester.makepyfile(variables=VARIABLES)
    pytester.makepyfile(
        """
        import contextlib
        import pytest
        from variables import user

        @contextlib.asynccontextmanager
        async def logged_in(name):
            token = user.set(name)
            try:
                yield
            finally:
                user.reset(token)

        @pytest.fixture
        async def alice():
            async with logged_in("alice"):
                yield

        @pytest.mark.asyncio
        async def test_logged_in(alice):
            assert user.get() == "alice"

        @pytest.mark.asyncio
        async def test_logged_out():
            assert user.get() == "nobody"
        """
    )
    run_clean("-p", "no:randomly").assert_outcomes(passed=2)


def test_module_fixture_value_lasts_for_the_module(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(variables=VARIABLES)
    pytester.makepyfile(
        test_a="""
        import pytest
        import pytest_asyncio
        from variables import user

        @pytest_asyncio.fixture(scope="module", loop_scope="module")
        async def module_user():
            token = user.set("module user")
            yield
            user.reset(token)

        @pytest.mark.asyncio(loop_scope="module")
        async def test_one(module_user):
            assert user.get() == "module user"

        @pytest.mark.asyncio(loop_scope="module")
        async def test_two(module_user):
            assert user.get() == "module user"
        """,
        test_b="""
        import pytest
        from variables import user

        @pytest.mark.asyncio
        async def test_other_module():
            assert user.get() == "nobody"
        """,
    )
    run_clean("-p", "no:randomly").assert_outcomes(passed=3)


def test_tasks_started_by_a_fixture_see_its_variables(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(variables=VARIABLES)
    pytester.makepyfile(
        """
        import asyncio
        import pytest
        from variables import request_id

        @pytest.fixture
        async def background():
            request_id.set("from fixture")
            task = asyncio.create_task(asyncio.sleep(0, request_id.get()))
            yield task
            await task

        @pytest.mark.asyncio
        async def test_task_value(background):
            assert await background == "from fixture"
            assert request_id.get() == "from fixture"
        """
    )
    run_clean().assert_outcomes(passed=1)


def test_a_value_equal_to_the_one_outside_is_still_the_fixtures_own(
    pytester: pytest.Pytester, run_clean: RunClean
) -> None:
    pytester.makepyfile(
        """
        import contextvars
        import pytest

        settings = contextvars.ContextVar("settings")
        settings.set([])

        @pytest.fixture
        async def own_settings():
            mine = []
            settings.set(mine)
            return mine

        @pytest.fixture
        async def own_settings_held():
            mine = []
            settings.set(mine)
            yield mine

        @pytest.mark.asyncio
        async def test_coroutine_fixture(own_settings):
            assert settings.get() is own_settings

        @pytest.mark.asyncio
        async def test_generator_fixture(own_settings_held):
            assert settings.get() is own_settings_held
        """
    )
    run_clean().assert_outcomes(passed=2)

"""``pytest_asyncio.is_async_test(item)``: which items the plugin runs, for users' hooks.

Suites of the 1.x era call it in their own ``pytest_collection_modifyitems``
(which runs before the plugin's) to add a marker to every async test.
"""

from __future__ import annotations

import json

import pytest

REPORTING_CONFTEST = """
    import json
    import pytest
    from pytest_asyncio import is_async_test

    pytest_plugins = ["anyio"]

    def pytest_collection_modifyitems(config, items):
        seen = {item.name: is_async_test(item) for item in items}
        (config.rootpath / "collected.json").write_text(json.dumps(seen))

    @pytest.hookimpl(trylast=True)
    def pytest_collection_finish(session):
        seen = {item.name: is_async_test(item) for item in session.items}
        (session.config.rootpath / "finished.json").write_text(json.dumps(seen))
"""

TESTS = """
    import pytest

    @pytest.mark.asyncio
    async def test_marked():
        pass

    async def test_unmarked():
        pass

    @pytest.mark.anyio
    async def test_anyio():
        pass

    def test_sync():
        pass

    @pytest.fixture
    def anyio_backend():
        return "asyncio"
"""


@pytest.mark.parametrize(
    ("mode", "unmarked"), [("strict", False), ("unset", False), ("auto", True)]
)
def test_answers_in_users_collection_hook_and_after(
    pytester: pytest.Pytester, mode: str, unmarked: bool
) -> None:
    pytest.importorskip("anyio")
    pytester.makeconftest(REPORTING_CONFTEST)
    pytester.makepyfile(TESTS)
    args = () if mode == "unset" else (f"--asyncio-mode={mode}",)
    pytester.runpytest("--collect-only", *args)
    expected = {
        "test_marked": True,
        "test_unmarked": unmarked,
        "test_anyio": False,
        "test_sync": False,
    }
    for report in ("collected.json", "finished.json"):
        assert json.loads((pytester.path / report).read_text()) == expected, report


def test_the_1x_recipe_moves_every_async_test_to_the_session_loop(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeconftest(
        """
        import pytest
        from pytest_asyncio import is_async_test

        def pytest_collection_modifyitems(items):
            session_loop = pytest.mark.asyncio(loop_scope="session")
            for item in items:
                if is_async_test(item):
                    item.add_marker(session_loop, append=False)
        """
    )
    pytester.makepyfile(
        test_a="""
        import asyncio
        import loops

        async def test_a():
            loops.SEEN.append(asyncio.get_running_loop())
        """,
        test_b="""
        import asyncio
        import loops

        async def test_b():
            loops.SEEN.append(asyncio.get_running_loop())
            assert loops.SEEN[0] is loops.SEEN[1]
        """,
        loops="SEEN = []",
    )
    result = pytester.runpytest("--asyncio-mode=auto", "-W", "error")
    result.assert_outcomes(passed=2)

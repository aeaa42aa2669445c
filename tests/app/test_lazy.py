"""OnDemand (widgets/lazy.py): mounted once however many ask at once, filled with the latest
data, and a failed mount is tried again by the next caller."""

from __future__ import annotations

import asyncio

from textual.app import App, ComposeResult
from textual.containers import Vertical
from textual.widgets import ContentSwitcher, Static

from usis_tui.widgets.lazy import OnDemand


class Host(App):
    def compose(self) -> ComposeResult:
        yield Vertical(id="box")
        yield ContentSwitcher(id="switch")


async def test_two_callers_at_once_mount_one_widget_filled_with_the_latest_data():
    app = Host()
    async with app.run_test() as pilot:
        made: list[Static] = []
        data = {"text": "first"}

        def factory() -> Static:
            made.append(Static(id="view"))
            return made[-1]

        view = OnDemand(app.screen, "#box", factory,
                        fill=lambda w: w.update(data["text"]))
        view.refill()  # nothing mounted yet: kept for later, no error
        assert view.widget is None
        data["text"] = "latest"
        first, second = await asyncio.gather(view.get(), view.get())
        assert first is second is made[0] and len(made) == 1
        assert view.widget is first
        assert str(first.render()) == "latest"
        data["text"] = "newer"
        view.refill()
        await pilot.pause()
        assert str(first.render()) == "newer"


async def test_into_a_content_switcher_the_view_is_added_hidden():
    app = Host()
    async with app.run_test() as pilot:
        view = OnDemand(app.screen, "#switch", lambda: Static("step", id="step"))
        widget = await view.get()
        await pilot.pause()
        assert widget.parent is app.query_one("#switch") and not widget.display
        app.query_one("#switch", ContentSwitcher).current = "step"
        await pilot.pause()
        assert widget.display


async def test_a_failed_mount_is_tried_again():
    app = Host()
    async with app.run_test():
        calls = 0

        def factory() -> Static:
            nonlocal calls
            calls += 1
            if calls == 1:
                raise RuntimeError("not this time")
            return Static("ok")

        view = OnDemand(app.screen, "#box", factory)
        # two callers at once: the first one's mount fails, the second one mounts (it must
        # not wait for ever for a mount that never comes)
        first, second = await asyncio.wait_for(
            asyncio.gather(view.get(), view.get(), return_exceptions=True), timeout=5)
        assert isinstance(first, RuntimeError)
        assert isinstance(second, Static) and view.widget is second and calls == 2
        assert await view.get() is second and calls == 2

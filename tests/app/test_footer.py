"""UsisFooter: rebuilt only when what it shows changes, each key styled with the Footer's
compactness from the start (widgets/footer.py)."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Button, Input
from textual.widgets._footer import FooterKey

from usis_tui.widgets.footer import UsisFooter


class Probe(App):
    BINDINGS = [Binding("f2", "noop", "Always", id="probe.always")]

    def compose(self) -> ComposeResult:
        yield Button("one", id="one")
        yield Button("two", id="two")
        yield Input(id="field")
        yield UsisFooter()

    def action_noop(self) -> None:
        pass


def keys(app: App) -> list[FooterKey]:
    """The keys of the bindings (the command palette's key keeps its own compact style)."""
    return [k for k in app.screen.query(FooterKey) if not k.has_class("-command-palette")]


async def test_moving_between_widgets_with_the_same_keys_keeps_the_footer():
    app = Probe()
    async with app.run_test() as pilot:
        await pilot.pause()
        app.query_one("#one").focus()
        await pilot.pause()
        before = keys(app)
        assert [k.description for k in before if k.description] == ["Always"]
        app.query_one("#two").focus()  # a Button again: the same bindings
        await pilot.pause()
        await pilot.pause()
        assert keys(app) == before  # the same FooterKey objects: not rebuilt


async def test_the_footer_follows_a_change_of_keys():
    app = Probe()
    async with app.run_test() as pilot:
        await pilot.pause()
        app.query_one("#one").focus()
        await pilot.pause()
        before = keys(app)
        app.query_one("#field").focus()  # an Input brings its own bindings
        await pilot.pause()
        await pilot.pause()
        after = keys(app)
        assert after != before
        app.query_one("#one").focus()
        await pilot.pause()
        await pilot.pause()
        assert [k.key for k in keys(app)] == [k.key for k in before]


async def test_keys_start_with_the_footers_compactness():
    app = Probe()
    async with app.run_test() as pilot:
        await pilot.pause()
        footer = app.query_one(UsisFooter)
        assert footer.compact is False
        assert all(not k.has_class("-compact") for k in keys(app))
        footer.compact = True
        await pilot.pause()
        assert all(k.has_class("-compact") for k in keys(app))

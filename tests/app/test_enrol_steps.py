"""The Add tab's step widgets (usis_tui/widgets/enrol_add.py) alone, each in a tiny App with no
services at all: a step checks its own form and posts a Message up; it never calls a service
(there is none to call here, and no worker is started)."""

from __future__ import annotations

from datetime import datetime

from enrol_helpers import plain
from textual.app import App, ComposeResult
from textual.message import Message
from textual.widget import Widget

from usis_tui.services.schemas import CartLine, ClassInfo
from usis_tui.widgets.enrol_add import (
    CLASS_NUMBER_ERROR,
    ConfirmStep,
    NumberStep,
    PrefsStep,
)
from usis_tui.widgets.literal import Button, Input

SIZE = (100, 30)


class StepApp(App[None]):
    """One step widget; every message that bubbles out of it is recorded."""

    def __init__(self, step: Widget) -> None:
        super().__init__()
        self.step = step
        self.posted: list[Message] = []

    def compose(self) -> ComposeResult:
        yield self.step

    def on_number_step_continue(self, message: NumberStep.Continue) -> None:
        self.posted.append(message)

    def on_number_step_open_search(self, message: NumberStep.OpenSearch) -> None:
        self.posted.append(message)

    def on_prefs_step_next(self, message: PrefsStep.Next) -> None:
        self.posted.append(message)

    def on_prefs_step_previous(self, message: PrefsStep.Previous) -> None:
        self.posted.append(message)

    def on_confirm_step_finish(self, message: ConfirmStep.Finish) -> None:
        self.posted.append(message)


def class_info(**changes: object) -> ClassInfo:
    values: dict[str, object] = dict(
        section_id=7, academic_year="2026-2027", class_number="1052",
        catalogue_number="4032DSAI", title="Data Science and Artificial Intelligence",
        component="Lecture", section="A", ec=5, level=400, honours=False, programme=None,
        instructor="Dr. Example", capacity=30, enrolled=3, waitlist_capacity=5, waitlisted=0,
        status="Open", enrol_opens_at=datetime(2026, 6, 1, 9), period_state="open",
        enrol_closes_at=datetime(2026, 9, 1, 9))
    values.update(changes)
    return ClassInfo.model_validate(values)


async def test_number_step_posts_continue_with_a_well_formed_number() -> None:
    app = StepApp(NumberStep(id="entry"))
    async with app.run_test(size=SIZE) as pilot:
        field = app.query_one("#class-number", Input)
        field.focus()
        await pilot.press("1", "0", "5", "enter")  # 3 digits: the step says so, posts nothing
        await pilot.pause()
        assert app.posted == []
        assert CLASS_NUMBER_ERROR in plain(app.query_one("#class-number-error"))
        await pilot.press("2")
        app.query_one("#number-continue", Button).press()
        await pilot.pause()
        [message] = app.posted
        assert isinstance(message, NumberStep.Continue)
        assert message.class_number == "1052"
        assert not app.query_one("#class-number-error").has_class("-shown")
        app.query_one("#search-continue", Button).press()
        await pilot.pause()
        assert isinstance(app.posted[-1], NumberStep.OpenSearch)
        assert len(app.workers) == 0  # services run only in workers: none was started


async def test_prefs_step_posts_next_with_the_preferences() -> None:
    app = StepApp(PrefsStep(id="prefs"))
    async with app.run_test(size=SIZE) as pilot:
        step = app.query_one(PrefsStep)
        step.submit()  # no class shown yet: nothing to post
        step.show(class_info(), origin="search", year_label="Studiejaar 2026-2027")
        await pilot.pause()
        assert str(app.query_one("#prefs-next").label) == "To shopping cart"
        step.toggle_waitlist()
        app.query_one("#prefs-permission", Input).focus()
        await pilot.press("P", "N", "1", "enter")
        await pilot.pause()
        [message] = app.posted
        assert isinstance(message, PrefsStep.Next)
        assert (message.cls.class_number, message.origin, message.wait_list_ok,
                message.permission_number) == ("1052", "search", True, "PN1")
        app.query_one("#prefs-previous", Button).press()
        await pilot.pause()
        assert isinstance(app.posted[-1], PrefsStep.Previous)
        assert len(app.workers) == 0


async def test_confirm_step_posts_finish_once() -> None:
    line = CartLine(item_id=11, cls=class_info(), wait_list_ok=False, permission_number=None,
                    added_at=datetime(2026, 5, 1, 12))
    app = StepApp(ConfirmStep(id="step2"))
    async with app.run_test(size=SIZE) as pilot:
        step = app.query_one(ConfirmStep)
        step.show([line])
        step.toggle_all_or_nothing()
        await pilot.pause()
        app.query_one("#confirm-finish", Button).press()
        step.submit()  # a second Finish while the first is processed: ignored
        await pilot.pause()
        [message] = app.posted
        assert isinstance(message, ConfirmStep.Finish)
        assert [chosen.item_id for chosen in message.lines] == [11]
        assert message.all_or_nothing is True
        step.allow_finish()  # the coordinator's answer to a refusal: Finish can be tried again
        step.submit()
        await pilot.pause()
        assert len(app.posted) == 2
        assert len(app.workers) == 0

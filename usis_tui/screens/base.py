"""The base every uSis page screen builds on: header, breadcrumb, body, footer; Escape goes back
one step; service calls run in a worker thread so the UI never freezes."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar, TypeVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget

from ..i18n import N_
from ..navigation import MAIN_MENU, breadcrumb
from ..widgets.act_as_banner import ActAsBanner
from ..widgets.breadcrumb import Breadcrumb
from ..widgets.footer import UsisFooter
from ..widgets.header import UsisHeader
from .calls import call_service

if TYPE_CHECKING:
    from ..app import UsisApp

T = TypeVar("T")


class UsisScreen(Screen):
    """A uSis page. Subclasses set PAGE (its name in navigation.py, which gives the
    breadcrumb) and implement ``compose_body``; a page opened on it (one petition) adds its own
    step to ``crumbs``."""

    PAGE: ClassVar[str] = MAIN_MENU
    BINDINGS = [Binding("escape", "back", N_("Back"), tooltip=N_("Go back one step"), id="back")]
    #: The registry's name of the page this screen shows (set by navigation.Page.build).
    usis_page: str | None = None
    crumbs: tuple[str, ...] = ()

    def breadcrumb(self) -> tuple[str, ...]:
        return breadcrumb(self.PAGE, *self.crumbs)

    @property
    def usis_app(self) -> UsisApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield UsisHeader()
        yield Breadcrumb(self.breadcrumb(), id="breadcrumb")
        yield ActAsBanner(id="act-as-banner")  # shown while support acts as a student
        yield from self.compose_body()
        yield UsisFooter()

    def compose_body(self) -> ComposeResult:
        yield from ()

    def on_screen_resume(self) -> None:
        # Subclasses' own on_screen_resume handlers run too (Textual dispatches along the MRO).
        for banner in self.query(ActAsBanner):
            banner.sync()

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()

    async def call(self, fn: Callable[..., T], *args, loading: Widget | None = None, **kwargs) -> T:
        """Run a (blocking) service call in a thread, from a ``service_worker`` (screens/calls.py).
        A refusal raises ServiceError; any other failure is logged and raised as a ServiceError
        with one sentence fit for a student."""
        return await call_service(self, fn, *args, loading=loading, **kwargs)

    async def fetch(self, fn: Callable[..., T], *args, loading: Widget | None = None,
                    **kwargs) -> T | None:
        """``call`` for a page with one ProblemList: a refusal is shown there and gives None,
        as does a page closed meanwhile; success clears the list and gives the result."""
        from ..errors import ServiceError
        from ..widgets.problems import ProblemList

        try:
            result = await self.call(fn, *args, loading=loading, **kwargs)
        except ServiceError as exc:
            if self.is_attached:
                self.query_one(ProblemList).show(exc.problems)
            return None
        if not self.is_attached:
            return None
        self.query_one(ProblemList).clear()
        return result


class PendingPage(Screen):
    """A page of the breadcrumb underneath the one that was opened, not built yet.

    Opening "Shopping cart" from the Main Menu puts Self Service and Student Center underneath
    it, so Escape walks back along the breadcrumb; composing those pages (and loading their
    data) would only slow the page the user asked for. This stand-in holds the place and the
    page name; when it comes to the top it is replaced by the real page, built then."""

    def __init__(self, page: str, build: Callable[[], Screen]) -> None:
        super().__init__()
        self.usis_page = page
        self._build = build

    def on_screen_resume(self) -> None:
        if self.app.screen is self:  # not while another page is being pushed on top of it
            self.app.switch_screen(self._build())

"""The base of every Course Portal page: a uSis page (breadcrumb, footer, Escape, ``fetch``)
whose header says it is Leiden University's Course Portal and who is logged in to it (the name,
or "Log in"), with the portal's styles (styles/portal.tcss)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.events import Resize

from ...i18n import N_, _
from ...navigation import COURSE_PORTAL
from ...widgets.literal import Input, clean
from ..base import UsisScreen

if TYPE_CHECKING:
    from ...services import Usis
    from ...services.portal.schemas import PortalIdentity

#: below this many columns the pages stack their panels and drop columns
NARROW = 100
LOGIN_PAGE = N_("Log in to the Course Portal")


def portal_user_label(identity: PortalIdentity | None) -> str:
    """What the header shows on the right of the title: who is logged in to the portal."""
    if identity is None:
        return _("Log in")
    return identity.name


class PortalScreen(UsisScreen):
    """A Course Portal page. Subclasses set PAGE (a registry name under "Course Portal")."""

    PAGE = COURSE_PORTAL
    CSS_PATH = "../../styles/portal.tcss"
    DEFAULT_CLASSES = "portal-page"

    def __init__(self) -> None:
        super().__init__()
        self.title = _("Leiden University · Course Portal")
        self.sub_title = ""  # who is logged in: set on mount (the app's uSis name is not it)

    # ------------------------------------------------------------------ who is logged in
    @property
    def identity(self) -> PortalIdentity | None:
        return self.usis_app.portal_identity

    @property
    def account_id(self) -> int | None:
        identity = self.usis_app.portal_identity
        return identity.account_id if identity is not None else None

    @property
    def facade(self) -> Usis:
        """The guarded services as the portal's user (app.portal): ``self.facade.portal``."""
        return self.usis_app.portal

    def sync_header(self) -> None:
        self.title = _("Leiden University · Course Portal")
        self.sub_title = clean(portal_user_label(self.identity), oneline=True)

    def on_mount(self) -> None:
        self.sync_header()
        if self.app.is_headless:  # steady cursors in tests and snapshots
            for field in self.query(Input):
                field.cursor_blink = False

    def on_screen_resume(self) -> None:
        self.sync_header()  # logged in or out on a page on top of this one

    def on_resize(self, event: Resize) -> None:
        self.set_class(event.size.width < NARROW, "-narrow")

    async def ask_login(self, then: str = COURSE_PORTAL, **options: Any) -> None:
        """Open the portal's Log in; after logging in, ``then`` (with ``options``) opens."""
        await self.usis_app.navigate(LOGIN_PAGE, then=then, **options)


__all__ = ["LOGIN_PAGE", "NARROW", "PortalScreen", "portal_user_label"]

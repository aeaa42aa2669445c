"""An account's own choices that follow it from terminal to terminal: its language (the
"nl | en" switch; messages the app sends it are written in it)."""

from __future__ import annotations

from ..i18n import Language, _, normalise
from .auth import AuthService
from .base import Context, fail


class PreferencesService:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def language(self, username: str) -> Language | None:
        """The language the account chose, or None (the configured default applies)."""
        with self.ctx.db.read() as session:
            account = AuthService._find(session, username)
            return normalise(account.language) if account is not None else None

    def set_language(self, username: str, language: str) -> Language:
        """Remember ``language`` ("nl" or "en") for the account; returns it."""
        chosen = normalise(language)
        if chosen is None:
            raise fail("bad_language", _("uSis does not speak \"{language}\".").format(
                language=language), _("Choose nl or en."))
        with self.ctx.db.write() as session:
            account = AuthService._find(session, username)
            if account is None:
                raise fail("unknown_user", _("There is no such account."))
            account.language = chosen
        return chosen

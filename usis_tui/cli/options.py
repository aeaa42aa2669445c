"""What every `usis` command shares: the invocation's settings (``Settings``) and the options
accepted before and after a subcommand (``--db``, ``--now``, ``--user``).

The options reach the rest of uSis as command-line overrides of the one configuration
(usis_tui/config.py): above the config file and the USIS_* environment, and never by writing
``os.environ``. Nothing here imports a command module.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import click

from ..errors import UsisError
from ..i18n import _

EXIT_ERROR = 1
EXIT_USAGE = 2


class Settings:
    """One `usis` invocation: the options given on its command line."""

    current: Settings | None = None  # the invocation's settings, for error messages

    def __init__(self) -> None:
        from .. import config

        self.db: str | None = None
        self.now: str | None = None
        self.demo = False  # usis --demo
        self.tour: str | None = None  # usis --tour NAME
        self.join: str | None = None  # usis --join CODE (a classroom)
        config.clear_overrides()  # a new invocation: no option of an earlier one applies
        Settings.current = self
        from ..i18n import set_language

        set_language(config.start_language())  # USIS_LANG, the config file; --lang below

    @property
    def url(self) -> str:
        from ..config import resolve_database_url

        return resolve_database_url(self.db)

    @property
    def frozen(self) -> datetime | None:
        from ..config import resolve_now

        return resolve_now(self.now)

    def moment(self) -> datetime:
        from ..clock import make_clock

        return make_clock(self.frozen)()

    @property
    def default_database(self) -> bool:
        """No --db and no database_url setting (USIS_DATABASE_URL, config file): the embedded
        database in the user data folder."""
        from ..config import settings

        return self.db is None and not settings().database_url

    def check(self) -> None:
        """Every setting that can be wrong, before any database is touched (ConfigError)."""
        from ..config import load
        from ..services.auth import scrypt_n

        loaded = load()  # the config file and the USIS_* environment
        try:
            self.frozen  # noqa: B018 - --now, else USIS_NOW, else the config file
        except UsisError as exc:
            if self.now is None:  # from the environment or the file: say where it came from
                raise type(exc)(f"{loaded.where('now')}: {exc}") from None
            raise
        scrypt_n()  # USIS_SCRYPT_N

    def wants_demo(self, db) -> bool:
        """Fill ``db`` with the demo data? Only when asked (``usis --demo``), or for the default
        embedded database on its first start (never used, not made empty on purpose)."""
        if self.demo:
            return True
        from ..bootstrap import first_start

        return self.default_database and first_start(db)


def invocation(ctx: click.Context) -> Settings:
    """The invocation's Settings; made on first use, and its overrides of the configuration
    forgotten when the command is done."""
    settings = ctx.find_object(Settings)
    if settings is None:
        root = ctx.find_root()
        settings = root.ensure_object(Settings)
        from ..config import clear_overrides

        root.call_on_close(clear_overrides)
        ctx.obj = settings
    return settings


def common_options(fn: Callable) -> Callable:
    """--db, --now and --lang, accepted both before and after a subcommand."""

    def remember(attr: str):
        def callback(ctx: click.Context, _param, value):
            if value is not None:
                from .. import config

                if attr == "now":  # checked at once: before any command opens a database
                    from ..clock import parse_now

                    parse_now(value)
                setattr(invocation(ctx), attr, value)
                config.override(**{"now" if attr == "now" else "database_url": value})
            return value
        return callback

    def language(ctx: click.Context, _param, value):
        if value is not None:
            from .. import config
            from ..i18n import normalise, set_language

            chosen = normalise(value)
            if chosen is None:
                raise click.BadParameter(_("\"{value}\": use nl or en.").format(value=value))
            invocation(ctx)  # made first: a new invocation forgets earlier overrides
            config.override(lang=chosen)
            set_language(chosen)
        return value

    fn = click.option("--lang", metavar="nl|en", expose_value=False, callback=language,
                      help="The language of uSis and of this command's output (default: "
                           "USIS_LANG, else the config file's lang, else English).")(fn)
    fn = click.option("--now", metavar="ISO-DATETIME", expose_value=False,
                      callback=remember("now"), envvar=None,
                      help="Freeze the clock (default: USIS_NOW, else the wall clock).")(fn)
    fn = click.option("--db", metavar="URL", expose_value=False, callback=remember("db"),
                      help="SQLAlchemy database URL (default: USIS_DATABASE_URL, else the "
                           "embedded SQLite database).")(fn)
    return fn


def _configured_user(_ctx: click.Context, _param, value: str | None) -> str | None:
    """--user, else the ``user`` setting (USIS_USER, config file)."""
    if value is not None:
        return value
    from ..config import settings

    return settings().user


def user_option(fn: Callable) -> Callable:
    """--user NAME: sign in as NAME (see cli/user.py); without it, the local administrator."""
    return click.option("--user", metavar="NAME", default=None, callback=_configured_user,
                        help="Sign in as this account (password: USIS_PASSWORD, else a hidden "
                             "prompt). Default: the local administrator.")(fn)


def open_db(settings: Settings):
    from ..db import Database

    return Database(settings.url)


def no_schema(url: str) -> UsisError:
    return UsisError(_("The database {url} has no uSis data yet: run `usis db init` first.")
                     .format(url=url))


def open_usis(settings: Settings) -> Any:
    """The service facade on the invocation's database; UsisError when it has no schema."""
    from ..services import Usis

    usis = Usis.open(settings.url, clock=lambda: settings.moment())
    if not usis.db.has_schema():
        usis.close()
        raise no_schema(settings.url)
    return usis

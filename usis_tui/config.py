"""One configuration for uSis: defaults < the config file < USIS_* environment < command line.

    ~/.config/usis/config.toml     (platformdirs.user_config_path("usis"); USIS_CONFIG=FILE
                                    names another file)

    database_url = "postgresql+psycopg://usis@db.example/usis"
    theme = "nord"
    max_sessions = 200
    lang = "nl"                    # the language before sign-in and for accounts that chose none
    mfa = "required"               # students need a second factor too (staff always do)
    smtp_host = "smtp.example.org" # the Course Portal's e-mail (none: kept in mail_outbox)
    mail_outbox = "/srv/usis/outbox"
    payment_provider = "mollie"    # "test" (the default: the provider's test mode) or "mollie"

    [keymap]                       # binding id = keys (Textual's App.set_keymap)
    quit = "ctrl+x"
    back = "escape,backspace"

Every key also comes from the environment as ``USIS_<KEY>`` (``USIS_KEYMAP`` as JSON) and some
from command-line options (``--db``, ``--now``, ``--max-sessions``), which the CLI hands over
with :func:`override` — never by writing ``os.environ``. ``settings()`` returns the effective
:class:`Settings`; it is cached, and read again whenever a ``USIS_*`` variable, the file or an
override changes (tests set variables with ``monkeypatch`` at any time). ``explain()`` says
where each value came from (``usis config show``).

Values that have their own checks and messages (``now``, ``max_sessions``, ``scrypt_n``) are kept
as the text given and checked where they are used (clock.parse_now, services.queue,
services.auth), so that a bad value is reported once, naming the setting, and breaks nothing
else. Importing this module is cheap (the app imports it before its first frame): pydantic-settings
(config_model.py) is imported when the settings are first read, never SQLAlchemy or Textual.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import tomllib
from collections.abc import Iterator, Mapping
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from .clock import parse_now, to_local
from .errors import ConfigError
from .i18n import _, use_configured_default

ENV_PREFIX = "USIS_"
CONFIG_ENV = "USIS_CONFIG"  # names the config file instead of the platformdirs one
APP_NAME = "usis"
CONFIG_FILE = "config.toml"
#: settings that never come from the config file (a file is copied, backed up, shared)
ENV_ONLY = frozenset({"password", "smtp_password", "mollie_api_key"})

Origin = Literal["default", "file", "environment", "option"]


#: The settings, in order (config_model.Settings has one field for each: a unit test checks it).
FIELDS: tuple[str, ...] = ("database_url", "now", "max_sessions", "log_dir", "scrypt_n", "user",
                           "password", "theme", "keymap", "lang", "mfa", "smtp_host",
                           "smtp_port", "smtp_user", "smtp_password", "smtp_starttls",
                           "mail_from", "mail_outbox", "payment_provider", "mollie_api_key",
                           "mollie_api_url")

if TYPE_CHECKING:
    from .config_model import Settings


def __getattr__(name: str) -> Any:
    """``config.Settings``: the pydantic-settings model, imported on first use."""
    if name == "Settings":
        from .config_model import Settings

        return Settings
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")



# ---------------------------------------------------------------------- the layers
def config_path() -> Path:
    """The config file: USIS_CONFIG, else ``<platformdirs user config folder>/config.toml``."""
    named = os.environ.get(CONFIG_ENV, "").strip()
    if named:
        return Path(named).expanduser()
    from platformdirs import user_config_path

    return user_config_path(APP_NAME, appauthor=False) / CONFIG_FILE


def read_file(path: Path | None = None) -> dict[str, Any]:
    """The config file's table ({} when there is none); ConfigError (one line) when it cannot be
    read, is not TOML, or names a setting uSis does not have."""
    path = config_path() if path is None else path
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        return {}
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(_("The config file {path} is not valid TOML: {error}.").format(
            path=path, error=exc)) from None
    except OSError as exc:
        raise ConfigError(_("Cannot read the config file {path}: {error}.").format(
            path=path, error=exc.strerror or exc)) from None
    unknown = sorted(set(data) - set(FIELDS))
    if unknown:
        raise ConfigError(_("The config file {path} has an unknown setting {name} (known: "
                            "{known}).").format(
            path=path, name=repr(unknown[0]),
            known=", ".join(f for f in FIELDS if f not in ENV_ONLY)))
    secret = sorted(set(data) & ENV_ONLY)
    if secret:
        raise ConfigError(_("The config file {path} holds {name}: a password belongs in "
                            "{variable} or the prompt, not in a file.").format(
            path=path, name=repr(secret[0]), variable=f"{ENV_PREFIX}{secret[0].upper()}"))
    return data


def read_environment() -> dict[str, Any]:
    """The USIS_* variables that name a setting, parsed (USIS_KEYMAP as JSON)."""
    try:
        from pydantic_settings import EnvSettingsSource

        from .config_model import Settings

        return dict(EnvSettingsSource(Settings, env_prefix=ENV_PREFIX)())
    except Exception as exc:  # noqa: BLE001 - pydantic-settings' SettingsError: bad JSON
        raise ConfigError(_("{variable} must be a JSON object such as {example}: {error}.")
                          .format(variable=f"{ENV_PREFIX}KEYMAP", example='{"quit": "ctrl+x"}',
                                  error=exc.__cause__ or exc)) from None


_overrides: dict[str, Any] = {}


def override(**values: Any) -> None:
    """Command-line options, above every other layer (None removes an override)."""
    for name, value in values.items():
        if name not in FIELDS:
            raise TypeError(f"no setting {name!r}")
        if value is None:
            _overrides.pop(name, None)
        else:
            _overrides[name] = value


def clear_overrides() -> None:
    """Forget every command-line option (each `usis` invocation starts with none)."""
    _overrides.clear()


def overrides() -> dict[str, Any]:
    return dict(_overrides)


# ---------------------------------------------------------------------- the effective settings
class Loaded:
    """The effective settings with the origin of each value and the layers they came from."""

    def __init__(self, path: Path, layers: list[tuple[Origin, dict[str, Any]]]) -> None:
        self.path = path
        merged: dict[str, Any] = {}
        self.origins: dict[str, Origin] = {name: "default" for name in FIELDS}
        for origin, values in layers:
            for name, value in values.items():
                if name == "keymap" and isinstance(value, Mapping) and \
                        isinstance(merged.get(name), Mapping):
                    value = {**merged[name], **value}  # a later layer adds or changes keys
                merged[name] = value
                self.origins[name] = origin
        from pydantic import ValidationError

        from .config_model import Settings

        try:
            self.settings = Settings(**merged)
        except ValidationError as exc:
            error = exc.errors()[0]
            name = str(error["loc"][0]) if error["loc"] else "?"
            raise ConfigError(_("Setting {name} ({where}): {error}.").format(
                name=repr(name), where=self.where(name), error=error["msg"])) from None

    def where(self, name: str) -> str:
        """Where ``name`` was set, as a person would look for it."""
        origin = self.origins.get(name, "default")
        if origin == "file":
            return _("config file {path}").format(path=self.path)
        if origin == "environment":
            return f"{ENV_PREFIX}{name.upper()}"
        return _("command line") if origin == "option" else _("default")


_cache: tuple[tuple[Any, ...], Loaded] | None = None


def _key(path: Path) -> tuple[Any, ...]:
    try:
        info = path.stat()
        stamp: tuple[int, int, int] | None = (info.st_mtime_ns, info.st_size, info.st_ino)
    except OSError:
        stamp = None
    environment = tuple(sorted((k, v) for k, v in os.environ.items() if k.startswith(ENV_PREFIX)))
    return (str(path), stamp, environment, repr(sorted(_overrides.items())))


def load() -> Loaded:
    """The settings with their origins (cached until a USIS_* variable, the file or an override
    changes)."""
    global _cache
    path = config_path()
    key = _key(path)
    if _cache is not None and _cache[0] == key:
        return _cache[1]
    loaded = Loaded(path, [("file", read_file(path)), ("environment", read_environment()),
                           ("option", dict(_overrides))])
    _cache = (key, loaded)
    return loaded


def settings() -> Settings:
    """The effective settings: defaults < config file < USIS_* environment < options."""
    return load().settings


def cache_clear() -> None:
    global _cache
    _cache = None


# ---------------------------------------------------------------------- usis config show
def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, Path):
        value = str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a valid TOML basic string
    raise ConfigError(_("Cannot write {type} values to the config file.").format(
        type=type(value).__name__))


def _toml_key(key: str) -> str:
    bare = key and all(c.isascii() and (c.isalnum() or c in "-_") for c in key)
    return key if bare else json.dumps(key, ensure_ascii=False)


def to_toml(data: Mapping[str, Any]) -> str:
    """TOML for a table of values and one level of tables (what config.toml holds)."""
    lines: list[str] = []
    tables: list[tuple[str, Mapping[str, Any]]] = []
    for key, value in data.items():
        if isinstance(value, Mapping):
            tables.append((key, value))
        else:
            lines.append(f"{_toml_key(key)} = {_toml_value(value)}")
    for key, table in tables:
        if lines:
            lines.append("")
        lines.append(f"[{_toml_key(key)}]")
        for name, value in table.items():
            if isinstance(value, Mapping):
                raise ConfigError(_("Cannot write the nested table {table} to the config "
                                    "file.").format(table=f"{key}.{name}"))
            lines.append(f"{_toml_key(name)} = {_toml_value(value)}")
    return "\n".join(lines) + "\n"


def describe() -> Iterator[tuple[str, Any, Origin]]:
    """(name, effective value, origin) of every setting, for `usis config show`. Secrets are
    masked (the password; a password in a database URL, via db.mask_url); unset values are
    None (database_url: the embedded default, named)."""
    loaded = load()
    values = loaded.settings
    for name in FIELDS:
        value = getattr(values, name)
        if name == "password":
            value = "***" if value is not None else None
        elif name == "database_url":
            from .db import mask_url

            value = mask_url(value) if value is not None else default_database_url()
        elif name in ("max_sessions", "scrypt_n") and value is not None and value.isdigit():
            value = int(value)  # as it would be written in the file
        yield name, value, loaded.origins[name]


def show() -> str:
    """The effective settings as TOML, each with where it came from (a comment)."""
    loaded = load()
    present = "" if loaded.path.exists() else ", not present"
    lines = [f"# The effective uSis settings (config file: {loaded.path}{present}).",
             "# Each value: default < file < environment (USIS_*) < option (command line)."]
    tables: list[tuple[str, Any, Origin]] = []
    for name, value, origin in describe():
        if isinstance(value, Mapping):
            tables.append((name, value, origin))
        elif value is None:
            lines.append(f"# {name} is not set  # {origin}")
        else:
            lines.append(f"{name} = {_toml_value(value)}  # {origin}")
    for name, table, origin in tables:
        lines += ["", f"[{name}]  # {origin}"]
        lines += [f"{_toml_key(k)} = {_toml_value(v)}" for k, v in table.items()]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------- saving a choice
def save(**values: Any) -> Path:
    """Write ``values`` into the config file, keeping every other key (read, change, write to a
    temporary file, rename: never a half-written file). Comments in the file are not kept.
    ConfigError (one line) when the file cannot be read or written."""
    path = config_path()
    data = read_file(path)
    for name, value in values.items():
        if name not in FIELDS or name in ENV_ONLY:
            raise ConfigError(_("{name} cannot be saved in the config file.").format(
                name=repr(name)))
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    text = to_toml(data)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(text)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError as exc:
        raise ConfigError(_("Cannot write the config file {path}: {error}.").format(
            path=path, error=exc.strerror or exc)) from None
    cache_clear()
    return path


__all__ = ["CONFIG_ENV", "ConfigError", "Loaded", "Settings", "cache_clear", "clear_overrides",
           "config_path", "describe", "load", "override", "overrides", "read_file", "save",
           "settings", "show", "to_toml"]


# ---------------------------------------------------------------------- checks before `usis` starts
#: scrypt N for new password hashes: a power of two in this range (services/auth.py)
SCRYPT_N_RANGE = (2**10, 2**20)
SCRYPT_N_DEFAULT = 2**17  # the OWASP minimum for scrypt (r=8, p=1)


def parse_scrypt_n(text: str | None, where: str = "USIS_SCRYPT_N") -> int:
    """The scrypt N a setting names (SCRYPT_N_DEFAULT when empty); ConfigError otherwise."""
    text = (text or "").strip()
    if not text:
        return SCRYPT_N_DEFAULT
    low, high = SCRYPT_N_RANGE
    n = int(text) if text.isascii() and text.isdigit() else 0
    if not (low <= n <= high and n & (n - 1) == 0):
        shown = "".join(ch for ch in text if ch.isprintable())[:20]
        raise ConfigError(_("{where} must be a power of two from {low} to {high} (default "
                            "{default}), not {value}.").format(
            where=where, low=low, high=high, default=SCRYPT_N_DEFAULT, value=repr(shown)))
    return n


_URL = re.compile(r"([A-Za-z][\w.+-]*)://")


def check_database_url(url: str) -> None:
    """What can be said of a database URL without SQLAlchemy (the app starts before it is
    imported): it looks like one, for a backend uSis supports. ConfigError otherwise."""
    match = _URL.match(url)
    if match is None:
        raise ConfigError(_("Not a database URL: {url} (expected e.g. sqlite:///usis.db or "
                            "postgresql+psycopg://user@host/db).").format(url=repr(url)))
    scheme = match.group(1)
    if scheme.split("+")[0].lower() not in ("sqlite", "postgresql", "postgres"):
        raise ConfigError(_("Unsupported database URL scheme {scheme}: use sqlite:/// or "
                            "postgresql+psycopg://.").format(scheme=repr(scheme)))


def check_before_start(*, now: str | None, database_url: str | None) -> None:
    """The settings `usis` needs to be right before the app takes the terminal, checked without
    pydantic or SQLAlchemy: the clock, the password-hash cost and the database URL, from the
    options (``now``, ``database_url``), else USIS_*, else the config file. A bad one is a
    ConfigError naming where it came from; the app checks everything again when it starts."""
    file = read_file()
    path = config_path()

    def value(name: str) -> tuple[str | None, str]:
        env = os.environ.get(f"{ENV_PREFIX}{name.upper()}", "").strip()
        if env:
            return env, f"{ENV_PREFIX}{name.upper()}"
        if name in file:
            return str(file[name]), _("config file {path}").format(path=path)
        return None, ""

    if now is None:
        text, where = value("now")
        if text:
            try:
                parse_now(text)
            except ConfigError as exc:
                raise ConfigError(f"{where}: {exc}") from None
    text, where = value("scrypt_n")
    parse_scrypt_n(text, where or "USIS_SCRYPT_N")
    url = database_url or value("database_url")[0]
    if url:
        check_database_url(url)


def explicit_language() -> str | None:
    """``--lang`` or USIS_LANG when given (they win over an account's own choice), else None."""
    value = _overrides.get("lang") or os.environ.get(f"{ENV_PREFIX}LANG") or None
    return value


def _configured_language() -> str:
    """The ``lang`` setting for i18n.account_language (English when the settings are bad:
    reading them reports that where it matters)."""
    try:
        return settings().lang
    except ConfigError:
        return start_language()


use_configured_default(_configured_language)


def start_language() -> str:
    """The language of the first frame, read without pydantic (the Login is shown before the
    settings are): ``--lang``, USIS_LANG, the config file's ``lang``, else English. A bad value
    falls back to English here; reading the settings reports it."""
    from .languages import DEFAULT, normalise

    value = explicit_language()
    if value is None:
        try:
            value = read_file().get("lang")
        except ConfigError:
            value = None
    return normalise(value) or DEFAULT


def resolve_now(now: datetime | str | None) -> datetime | None:
    """The frozen moment, from the argument or the ``now`` setting (--now, USIS_NOW, config
    file); None means the wall clock."""
    if isinstance(now, datetime):
        return to_local(now).replace(microsecond=0)
    if isinstance(now, str):
        return parse_now(now)
    configured = settings().now
    return parse_now(configured) if configured else None


def default_database_url() -> str:
    """The embedded database in the user's data directory (platformdirs)."""
    from platformdirs import user_data_dir

    return f"sqlite:///{Path(user_data_dir('usis-tui', appauthor=False)) / 'usis.db'}"


def resolve_database_url(url: str | None) -> str:
    """The argument, else the ``database_url`` setting (option, USIS_DATABASE_URL, config
    file), else the embedded default."""
    return url or settings().database_url or default_database_url()

"""The settings model (pydantic-settings), imported by usis_tui.config when the settings are
first read: see config.py for the layers and where each value comes from."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path
from typing import Any, Literal

from pydantic import SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """The effective settings. Build them with :func:`settings`, not directly."""

    # No environment source of its own: config.py reads USIS_* (EnvSettingsSource with its
    # ENV_PREFIX) and hands every layer to the model as arguments (settings_customise_sources),
    # knowing where each value came from.
    model_config = SettingsConfigDict(env_ignore_empty=True, extra="ignore",
                                      coerce_numbers_to_str=True, frozen=True)

    #: SQLAlchemy URL; None: the embedded SQLite database (config.default_database_url)
    database_url: str | None = None
    #: ISO date-time the clock is frozen at; None: the wall clock (checked by clock.parse_now)
    now: str | None = None
    #: the opening queue's limit; None: no limit (checked by services.queue.limit_from_env)
    max_sessions: str | None = None
    #: the folder of usis.log; None: the platformdirs user log folder
    log_dir: Path | None = None
    #: scrypt N for new password hashes; None: services.auth.ACCOUNT_N (checked there)
    scrypt_n: str | None = None
    #: `usis timetable|audit|user --user NAME` default
    user: str | None = None
    #: the password for --user (environment only)
    password: SecretStr | None = None
    #: the Textual theme the app starts with; the app saves the user's choice here
    theme: str = "usis"
    #: binding id -> keys ("ctrl+x" or "escape,backspace"), applied with App.set_keymap
    keymap: dict[str, str] = {}
    #: "nl" or "en": the language before sign-in and of accounts that did not choose one
    lang: str = "en"
    #: "optional": students may set up a second factor; "required": they must (staff always)
    mfa: Literal["optional", "required"] = "optional"

    #: the Course Portal's outgoing mail server; None: mail is kept in ``mail_outbox`` only
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_user: str | None = None
    #: (environment only)
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = False
    mail_from: str = "Course Portal Leiden University <courseportal@leidenuniv.nl>"
    #: the folder where every mail sent is also kept (.eml); None: the platformdirs data folder
    mail_outbox: Path | None = None
    #: "test": the built-in provider in test mode (the payer picks the outcome); "mollie"
    payment_provider: Literal["test", "mollie"] = "test"
    #: (environment only) the Mollie API key, e.g. test_...
    mollie_api_key: SecretStr | None = None
    #: the Mollie API's address (a local stub in tests); None: Mollie's own
    mollie_api_url: str | None = None

    @field_validator("lang", mode="before")
    @classmethod
    def _language(cls, value: Any) -> Any:
        from .languages import normalise

        language = normalise(value)
        if language is None:
            raise ValueError(f"{value!r} is not a language uSis speaks: use nl or en")
        return language

    @field_validator("now", mode="before")
    @classmethod
    def _toml_datetime(cls, value: Any) -> Any:
        """A TOML date-time (``now = 2026-11-23T09:30:00``) as ISO text."""
        return value.isoformat() if isinstance(value, (datetime, date, time)) else value

    @classmethod
    def settings_customise_sources(cls, settings_cls, init_settings, env_settings,
                                   dotenv_settings, file_secret_settings):
        return (init_settings,)  # the layers are merged by _load(), which knows their origins

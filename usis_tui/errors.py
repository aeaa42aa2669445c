"""Errors a user can cause; each carries a message fit to show as it is."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .services.schemas import Problem


class UsisError(Exception):
    """Base: ``str(error)`` is a complete, user-facing sentence."""


class ConfigError(UsisError):
    """Bad database URL, unwritable path, corrupt file, bad clock value."""


class ServiceError(UsisError):
    """A refused request; ``problems`` lists every reason (uSis wording + hint).

    Here rather than in services/ so that a screen can catch it without importing the services
    (SQLAlchemy, pydantic) before its first frame."""

    def __init__(self, problems: Problem | Iterable[Problem]) -> None:
        self.problems: list[Problem] = \
            [problems] if hasattr(problems, "code") else list(problems)  # type: ignore[list-item,arg-type]
        super().__init__(" ".join(p.message for p in self.problems))

    @property
    def code(self) -> str:
        return self.problems[0].code

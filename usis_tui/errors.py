"""Errors a user can cause; each carries a message fit to show as it is."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, cast

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
        # one Problem, or several (hasattr: a pydantic model is iterable too)
        if hasattr(problems, "code"):
            self.problems: list[Problem] = [cast("Problem", problems)]
        else:
            self.problems = list(cast("Iterable[Problem]", problems))
        super().__init__(" ".join(p.message for p in self.problems))

    @property
    def code(self) -> str:
        return self.problems[0].code

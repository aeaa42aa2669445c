"""Errors a user can cause; each carries a message fit to show as it is."""

from __future__ import annotations


class UsisError(Exception):
    """Base: ``str(error)`` is a complete, user-facing sentence."""


class ConfigError(UsisError):
    """Bad database URL, unwritable path, corrupt file, bad clock value."""

"""`usis config path|show`: where the config file is, and the effective settings."""

from __future__ import annotations

import click

from .options import common_options


@click.group("config")
def config_group() -> None:
    """The configuration: defaults < config file < USIS_* environment < options."""


@config_group.command("path")
def config_path() -> None:
    """Print the path of the config file (USIS_CONFIG names another)."""
    from ..config import config_path as path

    click.echo(str(path()))


@config_group.command("show")
@common_options
def config_show() -> None:
    """Print the effective settings as TOML, each with where it came from (default, file,
    environment or option); passwords are masked."""
    from ..config import show

    click.echo(show(), nl=False)

"""`usis audit`: a student's audit trail."""

from __future__ import annotations

import json
from datetime import datetime

import click

from ..i18n import _, ngettext
from .options import Settings, common_options, open_usis, user_option
from .user import sign_in


@click.command("audit")
@common_options
@click.option("--student", "student_number", required=True, metavar="SNUMBER",
              help="The student, e.g. s1234567.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option("--action", metavar="ACTION",
              help="Only this action, e.g. login, cart_add, enrol, drop, swap.")
@click.option("--outcome", type=click.Choice(["ok", "refused", "failed"]),
              help="Only steps with this outcome.")
@click.option("--since", metavar="ISO-DATETIME", help="Only steps at or after this moment.")
@click.option("--until", metavar="ISO-DATETIME", help="Only steps at or before this moment.")
@user_option
@click.pass_obj
def audit(settings: Settings, student_number: str, as_json: bool, action: str | None,
          outcome: str | None, since: str | None, until: str | None, user: str | None) -> None:
    """Audit trail: a student's steps (who, acting for whom, when, what, outcome)."""
    start, end = _iso(since, "--since"), _iso(until, "--until")
    usis = open_usis(settings)
    try:
        usis = sign_in(usis, user, student=student_number)
        rows = usis.audit.entries(student_number, action=action, since=start, until=end,
                                  outcome=outcome)
    finally:
        usis.close()
    if as_json:
        click.echo(json.dumps([{**r.model_dump(), "at": r.at.isoformat()} for r in rows],
                              indent=2, ensure_ascii=False))
        return
    student = student_number.strip().lower()
    click.echo(ngettext("{student} · Audit trail ({n} step)",
                        "{student} · Audit trail ({n} steps)", len(rows))
               .format(student=student, n=len(rows)))
    if not rows:
        click.echo("  " + _("No steps recorded."))
        return
    time, actor, acting_for, action, outcome, detail = (
        _("Time"), _("Actor"), _("Acting for"), _("Action"), _("Outcome"), _("Detail"))
    click.echo(f"  {time:<16}  {actor:<12} {acting_for:<12} {action:<12} {outcome:<8} {detail}")
    for r in rows:
        click.echo(f"  {r.at:%Y-%m-%d %H:%M}  {r.actor:<12} {r.acting_for or '-':<12} "
                   f"{r.action:<12} {r.outcome:<8} {r.detail}")

def _iso(value: str | None, option: str) -> datetime | None:
    from ..clock import parse_now

    return None if value is None else parse_now(value)

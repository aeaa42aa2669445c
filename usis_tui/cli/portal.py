"""`usis portal` and `usis mail`: the Course Portal's jobs and checks, run as the local
administrator (like `usis results import` without ``--user``).

    usis portal                    the app, opened on the Course Portal's course offering
    usis portal remind             the reminder one week before the start (never twice; from cron)
    usis portal expire             release the places whose payment did not come in time
    usis portal verify CODE        is a certificate's verification code real? (exit 1: not valid)
    usis portal offerings          the course offering (--json)
    usis mail flush                send the queued e-mail (SMTP when configured; the outbox)

`remind` and `expire` are safe to run at any time and as often as wanted (a crontab line such as
``*/15 * * * * usis portal remind``): every reminder is marked in the transaction that writes it,
so a second run, or two at once, sends none again.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import click

from ..i18n import N_, _, format_date, format_datetime, format_ec, format_money, ngettext
from .options import EXIT_ERROR, Settings, common_options, invocation, open_usis

if TYPE_CHECKING:
    from ..services.portal.schemas import OfferingInfo, Verification

#: what a record is, as the command says it (the data keeps the English codes)
KIND_LABELS = {"certificate": N_("Certificate"), "attendance": N_("Proof of attendance")}


@click.group("portal", invoke_without_command=True)
@common_options
@click.pass_context
def portal_group(ctx: click.Context) -> None:
    """The Course Portal: without a command, the app opens on the course offering; and its
    reminders, expired payments, certificates, the offering."""
    if ctx.invoked_subcommand is None:
        from .. import navigation
        from .root import launch

        launch(invocation(ctx), start_page=navigation.COURSE_PORTAL)


@portal_group.command("remind")
@common_options
@click.pass_obj
def remind_command(settings: Settings) -> None:
    """Send the reminder to every participant whose course starts within a week (each gets it
    once, however often this runs), and release the places whose payment did not come."""
    usis = open_usis(settings)
    try:
        result = usis.portal_jobs.remind()
    finally:
        usis.close()
    click.echo(_("{reminders}, {released}.").format(
        reminders=ngettext("{n} reminder sent", "{n} reminders sent",
                           result.reminded).format(n=result.reminded),
        released=ngettext("{n} place released", "{n} places released",
                          result.released).format(n=result.released)))


@portal_group.command("expire")
@common_options
@click.pass_obj
def expire_command(settings: Settings) -> None:
    """Release every place held for a payment that did not come in time (15 minutes)."""
    usis = open_usis(settings)
    try:
        released = usis.portal_jobs.expire()
    finally:
        usis.close()
    click.echo(ngettext("{n} place released.", "{n} places released.", released).format(
        n=released))


def _verification_json(v: Verification) -> dict[str, Any]:
    return v.model_dump(mode="json")


def _period(starts, ends) -> str:
    return format_date(starts) if starts == ends else \
        f"{format_date(starts)} – {format_date(ends)}"


@portal_group.command("verify")
@common_options
@click.argument("code")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@click.pass_obj
def verify_command(settings: Settings, code: str, as_json: bool) -> None:
    """Check a certificate's (or proof of attendance's) verification code, such as
    LU-7KQ4-M2XD-9RTA: exit 0 and what it certifies when it is valid, exit 1 when not."""
    usis = open_usis(settings)
    try:
        v = usis.portal.verify(code)
    finally:
        usis.close()
    if as_json:
        click.echo(json.dumps(_verification_json(v), indent=2, ensure_ascii=False))
    elif not v.valid:
        click.echo(_("{code}: not a valid code. No certificate or proof of attendance has "
                     "this verification code.").format(code=v.code or "–"))
    else:
        kind = _(KIND_LABELS[v.kind]) if v.kind in KIND_LABELS else (v.kind or "")
        click.echo(_("{code}: valid.").format(code=v.code))
        click.echo(f"  {kind}: {v.name}")
        facts = [v.title or "", _period(v.starts_on, v.ends_on) if v.starts_on and v.ends_on
                 else ""]
        if v.hours is not None:
            facts.append(ngettext("{n} hour", "{n} hours", v.hours).format(n=v.hours))
        if v.ec is not None:
            facts.append(format_ec(v.ec))
        click.echo("  " + ", ".join(f for f in facts if f))
        if v.issued_at is not None:
            click.echo("  " + _("Issued {when}").format(when=format_datetime(v.issued_at)))
    if not v.valid:
        raise SystemExit(EXIT_ERROR)


def _offering_json(o: OfferingInfo) -> dict[str, Any]:
    data = o.model_dump(mode="json", exclude={"policy"})
    data["places_taken"] = o.capacity - o.places_left
    return data


@portal_group.command("offerings")
@common_options
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.pass_obj
def offerings_command(settings: Settings, as_json: bool) -> None:
    """Print the course offering: dates, places taken and left, price and state."""
    from ..services.portal.schemas import OFFERING_STATE_LABELS

    usis = open_usis(settings)
    try:
        offerings = usis.portal_admin.offerings()
    finally:
        usis.close()
    if as_json:
        click.echo(json.dumps([_offering_json(o) for o in offerings], indent=2,
                              ensure_ascii=False))
        return
    if not offerings:
        click.echo(_("The Course Portal has no courses yet."))
        return
    states = [_(OFFERING_STATE_LABELS[o.state]) for o in offerings]
    prices = [format_money(o.price_cents) for o in offerings]
    dates = [_period(o.starts_on, o.ends_on) for o in offerings]
    code_w = max(len(_("Code")), *(len(o.code) for o in offerings))
    date_w = max(len(_("Dates")), *(len(d) for d in dates))
    taken_w = max(len(_("Taken")), *(len(f"{o.capacity - o.places_left}/{o.capacity}")
                                     for o in offerings))
    left_w = max(len(_("Left")), 4)
    price_w = max(len(_("Price")), *(len(p) for p in prices))
    state_w = max(len(_("State")), *(len(s) for s in states))
    click.echo(f"{_('Code'):<{code_w}}  {_('Dates'):<{date_w}}  {_('Taken'):>{taken_w}}  "
               f"{_('Left'):>{left_w}}  {_('Price'):>{price_w}}  {_('State'):<{state_w}}  "
               f"{_('Course')}")
    for o, when, price, state in zip(offerings, dates, prices, states, strict=True):
        taken = f"{o.capacity - o.places_left}/{o.capacity}"
        click.echo(f"{o.code:<{code_w}}  {when:<{date_w}}  {taken:>{taken_w}}  "
                   f"{o.places_left:>{left_w}}  {price:>{price_w}}  {state:<{state_w}}  "
                   f"{o.title}")


@click.group("mail")
@common_options
def mail_group() -> None:
    """The Course Portal's e-mail."""


@mail_group.command("flush")
@common_options
@click.pass_obj
def flush_command(settings: Settings) -> None:
    """Send the queued e-mail: to the SMTP server when one is configured (smtp_host), and
    always as an .eml file in the outbox folder (mail_outbox). A mail that cannot be sent stays
    queued for the next run."""
    from ..services.notify import outbox_folder

    usis = open_usis(settings)
    try:
        sent = usis.mail.flush()
        waiting = sum(1 for m in usis.mail.outbox(limit=1000) if m.sent_at is None)
    finally:
        usis.close()
    click.echo(ngettext("{n} e-mail sent", "{n} e-mails sent", sent).format(n=sent)
               + " " + _("(kept in {folder}).").format(folder=outbox_folder()))
    if waiting:
        click.echo(ngettext("{n} e-mail could not be sent and stays queued.",
                            "{n} e-mails could not be sent and stay queued.",
                            waiting).format(n=waiting), err=True)
        raise SystemExit(EXIT_ERROR)

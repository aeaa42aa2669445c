"""What the Course Portal's pages show alike: a course's state, dates, place, price and
cancellation policy, an enrolment's status and payment, and the facts tables.

Every value from the database goes into a Rich ``Text`` (never a markup string), so the pages
show it literally; labels come from services/portal/schemas.py (*_LABELS) and are translated
where shown."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from rich.table import Table
from rich.text import Text
from textual.containers import Horizontal
from textual.widget import Widget

from ...i18n import N_, _, format_date, format_datetime, format_ec, format_money
from ...services.portal.schemas import (
    ENROLMENT_STATUS_LABELS,
    METHOD_LABELS,
    OFFERING_STATE_LABELS,
    PAYMENT_STATUS_LABELS,
    RECORD_KIND_LABELS,
    WITHDRAWAL_STATUS_LABELS,
    EnrolmentInfo,
    OfferingInfo,
    PolicyStep,
)
from ...theme import BAD, GOOD, MUTED, PRIMARY, WARN

#: the seed's words, on every page about paying
FINAL_NOTE = N_("Your enrolment is only final once payment has been received.")
#: the languages of the offering as shown (the code stays in the data)
LANGUAGES = {"en": N_("English"), "nl": N_("Dutch")}
STATE_STYLES = {"open": f"bold {GOOD}", "nearly_full": f"bold {WARN}", "full": f"bold {BAD}",
                "started": MUTED, "finished": MUTED, "cancelled": f"italic {BAD}"}
STATE_MARKS = {"open": "●", "nearly_full": "▲", "full": "■", "started": "○",
               "finished": "○", "cancelled": "✗"}
STATUS_STYLES = {"pending": f"bold {WARN}", "enrolled": f"bold {GOOD}", "released": MUTED,
                 "withdrawn": MUTED}


def language_label(code: str) -> str:
    label = LANGUAGES.get(code)
    return _(label) if label else code


def state_text(o: OfferingInfo) -> Text:
    """"● Open", "▲ Nearly full", "■ Full" …: a mark and a colour (never colour only)."""
    return Text(f"{STATE_MARKS.get(o.state, '•')} {_(OFFERING_STATE_LABELS[o.state])}",
                style=STATE_STYLES.get(o.state, ""))


def dates_text(starts: date, ends: date, *, year: bool = True) -> str:
    """"30 Nov – 2 Dec 2026", one day: "30 Nov 2026"."""
    if starts == ends:
        return format_date(starts, year=year)
    return _("{start} – {end}").format(start=format_date(starts, year=False),
                                       end=format_date(ends, year=year))


def where_short(o: OfferingInfo) -> str:
    """The place column: "Online", else the town after the room ("Lipsius 011, Leiden")."""
    if o.online:
        return _("Online")
    return o.location.rsplit(",", 1)[-1].strip() or o.location


def where_text(o: OfferingInfo) -> str:
    return (_("Online: {link}") if o.online else _("On campus: {room}")).format(
        link=o.location, room=o.location)


def places_text(o: OfferingInfo) -> Text:
    if o.state in ("started", "finished", "cancelled"):
        return Text("–", style=MUTED)
    return Text(str(o.places_left), style=f"bold {BAD}" if o.places_left == 0 else "")


def price_text(o: OfferingInfo, *, vat: bool = True) -> str:
    """The price (what everybody pays, VAT included); ``vat``: say the VAT it includes."""
    amount = format_money(o.price_cents)
    if vat and o.vat_percent:
        return _("{amount} (including {vat}% VAT)").format(amount=amount, vat=o.vat_percent)
    return amount


def load_text(o: OfferingInfo) -> str:
    hours = _("{hours} hours").format(hours=o.hours)
    return f"{hours} · {format_ec(o.ec)}" if o.ec else hours


def policy_lines(policy_name: str, steps: Sequence[PolicyStep]) -> Text:
    """The cancellation policy as the learner reads it before enrolling and withdrawing."""
    text = Text()
    text.append(_("Cancellation policy: {name}").format(name=policy_name) + "\n", style="bold")
    for step in steps:
        if step.refund_percent <= 0:
            continue
        text.append("• ")
        text.append(_("Withdraw on or before {date} ({days} days before the start): "
                      "{percent}% of the price back.").format(
            date=format_date(step.until), days=step.days_before,
            percent=step.refund_percent) + "\n")
    text.append("• " + _("Later: no refund.") + "\n")
    text.append(_("A withdrawal is reviewed by the administration; the refund follows the "
                  "policy on the day you ask."), style="italic")
    return text


def facts(rows: Sequence[tuple[str, str | Text]], label_width: int | None = None) -> Table:
    """Label: value rows (the values literal); the labels' column as wide as the longest
    label (at least 16, at most 26 cells), unless ``label_width`` says."""
    width = label_width or min(max([16, *(len(label) for label, _value in rows)]), 26)
    table = Table.grid(padding=(0, 2), expand=True)
    table.add_column(style="bold", no_wrap=True, width=width)
    table.add_column(ratio=1, overflow="fold")
    for label, value in rows:
        table.add_row(Text(label), value if isinstance(value, Text) else Text(value))
    return table


def field_row(name: str, label: str, widget: Widget, hint: str = "") -> Horizontal:
    """A form's line: the label, then its (compact) field, and a hint beside it."""
    from ...widgets.literal import Label, Static

    children: list[Widget] = [Label(label, classes="field-label", id=f"label-{name}"), widget]
    if hint:
        children.append(Static(hint, classes="hint field-hint"))
    return Horizontal(*children, classes="field-row", id=f"row-{name}")


def offering_rows(o: OfferingInfo) -> list[tuple[str, str | Text]]:
    """The practical facts of a course."""
    rows: list[tuple[str, str | Text]] = [
        (_("Dates"), _("{start} – {end}").format(start=format_date(o.starts_on, weekday=True),
                                                 end=format_date(o.ends_on, weekday=True))),
        (_("Where"), where_text(o)),
        (_("Lecturer"), o.lecturer),
        (_("Language"), language_label(o.language)),
        (_("Study load"), load_text(o)),
        (_("Price"), price_text(o)),
        (_("Places left"), Text.assemble(places_text(o), "  ", state_text(o))),
        (_("You receive"), _(RECORD_KIND_LABELS[o.record_kind])),
        (_("Course code"), o.code),
    ]
    return rows


def status_text(e: EnrolmentInfo) -> Text:
    """The enrolment's status label; a withdrawal request shows beside it."""
    text = Text(_(ENROLMENT_STATUS_LABELS[e.status]), style=STATUS_STYLES.get(e.status, ""))
    if e.withdrawal is not None and e.status != "withdrawn":
        text.append(" · " + _("Withdrawal: {status}").format(
            status=_(WITHDRAWAL_STATUS_LABELS[e.withdrawal.status])),
            style=f"italic {PRIMARY}")
    return text


def payment_text(e: EnrolmentInfo, *, short: bool = False) -> Text:
    """How the enrolment is paid: "Paid (iDEAL)", "Invoice CP2026-000012: not paid yet" (or,
    ``short``, "Invoice: not paid yet"), …"""
    if e.payer == "employer":
        if e.invoice is None:
            return Text(_("Invoice to your employer"))
        number = e.invoice.number
        if e.invoice.paid_at is not None:
            return Text(_("Invoice: paid") if short else
                        _("Invoice {number}: paid").format(number=number), style=GOOD)
        return Text(_("Invoice: not paid yet") if short else
                    _("Invoice {number}: not paid yet").format(number=number), style=WARN)
    p = e.payment
    if p is None:
        return Text(_("Not paid yet"), style=WARN if e.status == "pending" else MUTED)
    label = _("{status} ({method})").format(status=_(PAYMENT_STATUS_LABELS[p.status]),
                                           method=_(METHOD_LABELS[p.method]))
    return Text(label, style={"paid": GOOD, "open": WARN}.get(p.status, MUTED))


def hold_text(e: EnrolmentInfo) -> Text:
    """While a place is held for paying: until when."""
    if e.status != "pending" or e.hold_until is None:
        return Text("")
    return Text(_("Your place is held for you until {time}.").format(
        time=format_datetime(e.hold_until)), style=f"bold {WARN}")


def enrolment_rows(e: EnrolmentInfo) -> list[tuple[str, str | Text]]:
    """The course page's facts about the enrolment."""
    o = e.offering
    rows: list[tuple[str, str | Text]] = [
        (_("Status"), status_text(e)),
        (_("Payment"), payment_text(e)),
        (_("Price"), format_money(e.price_cents)),
    ]
    if e.status == "pending" and e.hold_until is not None:
        rows.append((_("Place held until"), format_datetime(e.hold_until)))
    if e.enrolled_at is not None:
        rows.append((_("Enrolled on"), format_datetime(e.enrolled_at)))
    if e.invoice is not None:
        rows.append((_("Invoice"), _("{number} to {organisation}, {amount}, due {date}").format(
            number=e.invoice.number, organisation=e.invoice.organisation,
            amount=format_money(e.invoice.total_cents), date=format_date(e.invoice.due_on))))
    if e.withdrawal is not None:
        w = e.withdrawal
        line = _("{status}: asked on {date}, {percent}% back ({amount})").format(
            status=_(WITHDRAWAL_STATUS_LABELS[w.status]), date=format_date(w.requested_at),
            percent=w.refund_percent, amount=format_money(w.refund_cents))
        if w.note:
            line += "\n" + _("Note: {note}").format(note=w.note)
        rows.append((_("Withdrawal"), line))
    if e.record is not None:
        rows.append((_(RECORD_KIND_LABELS[e.record.kind]),
                     _("Verification code {code} (My Records)").format(code=e.record.code)))
    rows += [(_("Dates"), dates_text(o.starts_on, o.ends_on)),
             (_("Where"), where_text(o)),
             (_("Lecturer"), o.lecturer)]
    return rows


__all__ = ["FINAL_NOTE", "STATUS_STYLES", "dates_text", "enrolment_rows", "facts",
           "field_row", "hold_text", "language_label", "offering_rows", "payment_text",
           "places_text", "policy_lines", "price_text", "state_text", "status_text",
           "where_short", "where_text"]

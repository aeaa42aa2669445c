"""The Course Portal's PDF documents (fpdf2): an employer's invoice, a certificate or proof of
attendance. Made in memory; the app hands them over with Textual's delivery (a download under
``usis serve``), never to a path somebody typed.

The text is set in DejaVu Sans (usis_tui/data/fonts, embedded as a subset), which writes the
names of Latin, Greek and Cyrillic script (Łukasz, Ζωή, Анна); a character the font has no
glyph for is written without its accents, or as "?"; control characters are left out."""

from __future__ import annotations

import unicodedata
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from ...i18n import _in, account_language, format_date, format_money, format_number
from ...models import Invoice, PortalRecord

UNIVERSITY = "Leiden University"
ADDRESS = "Rapenburg 70, 2311 EZ Leiden, The Netherlands"
VAT_NUMBER = "NL002785449B01"
IBAN = "NL16 ABNA 0241 4054 32"


FONT = "DejaVu"
FONTS = Path(__file__).resolve().parents[2] / "data" / "fonts"


@lru_cache(maxsize=1)
def _glyphs() -> frozenset[int]:
    """The code points DejaVu Sans has a glyph for."""
    from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

    with TTFont(FONTS / "DejaVuSans.ttf", lazy=True) as font:
        return frozenset(font.getBestCmap())


def printable(text: str) -> str:
    """``text`` as the PDF's font can write it: no control characters; a character without a
    glyph as its base letter (NFKD) or "?"."""
    glyphs = _glyphs()
    out = []
    for ch in text:
        if ch in "\n\t":
            out.append(ch)
        elif not ch.isprintable():
            continue
        elif ord(ch) in glyphs:
            out.append(ch)
        else:
            base = "".join(c for c in unicodedata.normalize("NFKD", ch)
                           if ord(c) in glyphs and not unicodedata.combining(c))
            out.append(base or "?")
    return "".join(out)


def _pdf(title: str, moment: datetime):
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_font(FONT, "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_title(printable(title))
    pdf.set_author(UNIVERSITY)
    pdf.set_creator("uSis Course Portal")
    pdf.set_creation_date(moment.astimezone())  # the same document gives the same bytes
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.add_page()
    return pdf


def _line(pdf, text: str, *, size: float = 11, style: str = "", height: float = 6,
          align: str = "L") -> None:
    from fpdf.enums import XPos, YPos

    pdf.set_font(FONT, style, size)
    pdf.multi_cell(0, height, printable(text), align=align, new_x=XPos.LMARGIN,
                   new_y=YPos.NEXT)


def _money(cents: int, language: str) -> str:
    """"EUR 103.95" / "EUR 103,95" (the core fonts have no euro sign)."""
    return printable(format_money(cents, language=language).replace("€", "EUR ").replace(
        "  ", " ").replace("\xa0", " "))


def invoice_pdf(invoice: Invoice) -> tuple[str, bytes]:
    """(file name, PDF) of an employer's invoice: number, dates, billing address, reference,
    the course, the amount, the VAT line, the total and the due date."""
    enrolment = invoice.enrolment
    offering = enrolment.offering
    language = account_language(enrolment.account.language)
    pdf = _pdf(_in(language, "Invoice {number}").format(number=invoice.number),
               datetime.combine(invoice.issued_on, datetime.min.time()))
    _line(pdf, UNIVERSITY, size=16, style="B")
    _line(pdf, f"Course Portal · {ADDRESS}".replace("·", "-"), size=9)
    _line(pdf, _in(language, "VAT number: {number}").format(number=VAT_NUMBER), size=9)
    pdf.ln(8)
    _line(pdf, _in(language, "Invoice"), size=20, style="B")
    pdf.ln(2)
    for label, value in (
            (_in(language, "Invoice number"), invoice.number),
            (_in(language, "Invoice date"), format_date(invoice.issued_on, language=language)),
            (_in(language, "Due date"), format_date(invoice.due_on, language=language)),
            (_in(language, "Your reference"), invoice.reference or "-")):
        _line(pdf, f"{label}: {value}")
    pdf.ln(6)
    _line(pdf, _in(language, "Bill to"), style="B")
    _line(pdf, invoice.organisation)
    _line(pdf, invoice.address)
    _line(pdf, _in(language, "Attn. {name} ({email})").format(name=invoice.contact_name,
                                                   email=invoice.contact_email))
    pdf.ln(6)
    _line(pdf, _in(language, "Description"), style="B")
    _line(pdf, f"{offering.code} {offering.title}")
    _line(pdf, _in(language, "Participant: {name}").format(name=enrolment.account.name))
    _line(pdf, _in(language, "Dates: {start} – {end}").format(
        start=format_date(offering.starts_on, language=language),
        end=format_date(offering.ends_on, language=language)))
    pdf.ln(6)
    net = _in(language, "Amount excluding VAT: {amount}")
    vat = _in(language, "VAT {percent}%: {amount}")
    total = _in(language, "Total: {amount}")
    _line(pdf, net.format(amount=_money(invoice.net_cents, language)))
    _line(pdf, vat.format(percent=invoice.vat_percent,
                          amount=_money(invoice.vat_cents, language)))
    _line(pdf, total.format(amount=_money(invoice.total_cents, language)), style="B")
    pdf.ln(6)
    _line(pdf, _in(language, "Please pay {amount} before {date} to {iban}, stating invoice "
                             "number {number}.").format(
        amount=_money(invoice.total_cents, language),
        date=format_date(invoice.due_on, language=language), iban=IBAN, number=invoice.number),
          size=10)
    _line(pdf, _in(language, "The enrolment is only final once payment has been received."),
          size=10)
    return f"invoice-{invoice.number}.pdf", bytes(pdf.output())


def record_pdf(row: PortalRecord) -> tuple[str, bytes]:
    """(file name, PDF) of a certificate or proof of attendance: name, course, dates,
    hours / EC and the verification code (``usis portal verify CODE``)."""
    enrolment = row.enrolment
    offering = enrolment.offering
    language = account_language(enrolment.account.language)
    title = (_in(language, "Certificate") if row.kind == "certificate" else
             _in(language, "Proof of attendance"))
    pdf = _pdf(f"{title} {offering.title}", row.issued_at)
    pdf.ln(20)
    _line(pdf, UNIVERSITY, size=18, style="B", align="C")
    pdf.ln(10)
    _line(pdf, title, size=28, style="B", align="C", height=12)
    pdf.ln(10)
    _line(pdf, _in(language, "This is to certify that") if row.kind == "certificate" else
          _in(language, "This is to confirm that"), align="C")
    pdf.ln(2)
    _line(pdf, enrolment.account.name, size=20, style="B", align="C", height=10)
    pdf.ln(2)
    _line(pdf, _in(language, "has successfully completed the course")
          if row.kind == "certificate" else _in(language, "has attended the course"),
          align="C")
    pdf.ln(2)
    _line(pdf, offering.title, size=16, style="B", align="C", height=8)
    pdf.ln(4)
    _line(pdf, _in(language, "Dates: {start} – {end}").format(
        start=format_date(offering.starts_on, language=language),
        end=format_date(offering.ends_on, language=language)), align="C")
    load = _in(language, "Study load: {hours} hours").format(hours=offering.hours)
    if offering.ec:
        load += f" ({format_number(offering.ec, language=language)} EC)"
    _line(pdf, load, align="C")
    _line(pdf, _in(language, "Lecturer: {lecturer}").format(lecturer=offering.lecturer),
          align="C")
    pdf.ln(16)
    _line(pdf, _in(language, "Issued on {date}").format(
        date=format_date(row.issued_at, language=language)),
          align="C", size=10)
    _line(pdf, _in(language, "Verification code: {code}").format(code=row.code), align="C",
          size=10,
          style="B")
    _line(pdf, _in(language, "Check it with: usis portal verify {code}").format(code=row.code),
          align="C",
          size=9)
    kind = "certificate" if row.kind == "certificate" else "attendance"
    return f"{kind}-{offering.code}-{row.code}.pdf", bytes(pdf.output())


__all__ = ["invoice_pdf", "printable", "record_pdf"]

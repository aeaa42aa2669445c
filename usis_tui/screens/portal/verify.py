"""Verify a certificate (public): type the verification code printed on a certificate or proof
of attendance → whether Leiden University's Course Portal issued it, and to whom for what
(name, course, dates, hours/EC, issued), as ``usis portal verify CODE`` says."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical

from ...i18n import N_, _, format_datetime, format_ec
from ...services.portal.schemas import RECORD_KIND_LABELS, Verification
from ...theme import BAD, GOOD
from ...widgets.literal import Button, Input, Label, Static
from ...widgets.problems import ProblemList
from ..calls import service_worker
from .base import PortalScreen
from .common import dates_text, facts


def verification_text(v: Verification) -> Text:
    if not v.valid:
        return Text.assemble(("✗ ", f"bold {BAD}"), (_("Not valid."), f"bold {BAD}"), " ",
                             _("The Course Portal has not issued a document with the code "
                               "{code}. Check the code on the document.").format(code=v.code))
    kind = _(RECORD_KIND_LABELS[v.kind]) if v.kind else ""
    return Text.assemble(("✓ ", f"bold {GOOD}"), (_("Valid."), f"bold {GOOD}"), " ",
                         _("This {kind} was issued by Leiden University's Course "
                           "Portal.").format(kind=kind.lower()))


def verification_rows(v: Verification) -> list[tuple[str, str | Text]]:
    if not v.valid:
        return []
    load = _("{hours} hours").format(hours=v.hours) if v.hours else "–"
    if v.ec:
        load += f" · {format_ec(v.ec)}"
    rows: list[tuple[str, str | Text]] = [
        (_("Verification code"), v.code), (_("Name"), v.name or ""),
        (_("Course"), v.title or "")]
    if v.starts_on and v.ends_on:
        rows.append((_("Dates"), dates_text(v.starts_on, v.ends_on)))
    rows.append((_("Study load"), load))
    if v.issued_at:
        rows.append((_("Issued"), format_datetime(v.issued_at)))
    return rows


class VerifyScreen(PortalScreen):
    PAGE = N_("Verify a certificate")
    AUTO_FOCUS = "#verify-code"
    BINDINGS = [
        Binding("ctrl+s", "verify", N_("Verify"), tooltip=N_("Check the code"),
                id="portal_verify.verify"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.result: Verification | None = None

    def compose_body(self) -> ComposeResult:
        with Vertical(id="page"):
            yield Label(_("Verify a certificate"), classes="page-title")
            yield Static(_("Every certificate and proof of attendance of the Course Portal has a "
                           "verification code (e.g. LU-ABCD-EFGH-JKLM). Type it to check that "
                           "the document is real."), classes="intro")
            with Horizontal(id="verify-row"):
                yield Input(placeholder="LU-XXXX-XXXX-XXXX", id="verify-code", compact=True,
                            max_length=40)
                yield Button(_("Verify"), id="verify-button", variant="primary", compact=True)
            yield ProblemList(id="verify-problems")
            yield Static("", id="verify-result", classes="block")

    def on_mount(self) -> None:
        self.query_one("#verify-result").display = False

    @on(Input.Submitted, "#verify-code")
    @on(Button.Pressed, "#verify-button")
    def action_verify(self) -> None:
        self.verify(self.query_one("#verify-code", Input).value)

    @service_worker(group="verify", exclusive=True, problems="#verify-problems")
    async def verify(self, code: str) -> None:
        if not code.strip():
            from ...services.schemas import Problem

            self.query_one(ProblemList).show([Problem(
                code="code_missing", message=_("Type the verification code."),
                hint=_("It is printed on the certificate, e.g. LU-ABCD-EFGH-JKLM."))])
            return
        result = await self.fetch(self.facade.portal.verify, code)
        if result is None:
            return
        self.result = result
        block = self.query_one("#verify-result", Static)
        block.display = True
        block.set_class(not result.valid, "-alert")
        body = Text()
        body.append_text(verification_text(result))
        block.update(body)
        rows = verification_rows(result)
        if rows:
            from rich.console import Group

            block.update(Group(body, Text(""), facts(rows)))


__all__ = ["VerifyScreen", "verification_rows", "verification_text"]

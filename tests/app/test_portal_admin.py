"""The Course Portal's administration and the trainer's outbox, driven through the real app on
the demo database (clock 2026-11-23 09:30): courseadmin registers the payment of Pieter's
employer's invoice (LCP-DSP), marks a participant of the course that has started completed (the
record appears under their My Records), approves Pieter's withdrawal under review with the
policy's refund (he is told), creates a course — a bad field is one clear refusal and changes
nothing, a good one is saved — and a course cannot get fewer places than are taken; the trainer
reads the e-mails in the Outbox; a student and a guest open none of these pages."""

from __future__ import annotations

import pytest
from factories import dump
from helpers import DEMO_NOW, make_app, settle
from shell_helpers import SIZE, signed_in, text_of
from sqlalchemy import select

from usis_tui.models import PortalAccount
from usis_tui.screens.main_menu import MainMenuScreen
from usis_tui.services import Usis

PIETER = "pieter.bakker@example.com"
ADMIN_PAGES = ("Portal administration", "Withdrawal reviews", "Evaluation results")


@pytest.fixture(autouse=True)
def outbox(tmp_path, monkeypatch):
    """The mail of these tests goes to a folder of the test, not the user's data folder."""
    folder = tmp_path / "outbox"
    monkeypatch.setenv("USIS_MAIL_OUTBOX", str(folder))
    return folder


def account_id(app, email: str) -> int:
    with app.raw_usis.db.read() as session:
        found = session.scalar(select(PortalAccount.id).where(PortalAccount.email == email))
    assert found is not None
    return found


def rows(table) -> list[list[str]]:
    return [[str(getattr(c, "plain", c)) for c in table.get_row_at(i)]
            for i in range(table.row_count)]


async def highlight(pilot, table, first_cell: str) -> None:
    """Focus ``table`` and move its cursor to the row that starts with ``first_cell``."""
    table.focus()
    table.move_cursor(row=[r[0] for r in rows(table)].index(first_cell))
    await settle(pilot)


async def answer_yes(pilot, name: str) -> None:
    """Yes on the confirmation ``name`` (its button: a note field may have the focus)."""
    screen = pilot.app.screen
    assert screen.id == name, screen
    screen.query_one(f"#{name}-yes").press()
    await settle(pilot)


def dialog_text(screen) -> str:
    """What a confirmation says: its title, question and notes."""
    from usis_tui.widgets.literal import Static

    return "\n".join(text_of(w) for w in screen.query(Static) if not w.id or
                     not w.id.endswith(("-yes", "-no")))


def problems(screen) -> str:
    from usis_tui.widgets.problems import ProblemList

    found = screen.query_one(ProblemList)
    return text_of(found) if found.has_class("-shown") else ""


async def test_payment_completion_and_withdrawal_review(demo_db_url):
    from usis_tui.screens.portal.admin import PortalAdminScreen
    from usis_tui.screens.portal.admin_withdrawals import WithdrawalReviewsScreen

    app = make_app(demo_db_url)
    async with app.run_test(size=SIZE) as pilot:
        await signed_in(pilot, "courseadmin")
        assert "Portal administration" in text_of(app.screen.query_one("#link-portal-admin"))
        await pilot.press("d")
        await settle(pilot)
        page = app.screen
        assert isinstance(page, PortalAdminScreen)
        assert page.query_one("#breadcrumb").text == "Main Menu › Portal administration"
        offerings = page.query_one("#offerings-table")
        assert [r[0] for r in rows(offerings)][:5] == ["LCP-MUS", "LCP-PHI", "LCP-NEG",
                                                      "LCP-NL2", "LCP-DSP"]
        assert rows(offerings)[3][3:] == ["16/16", "0", "€450.00", "Full"]

        # Register payment: Pieter's employer paid the invoice of Data Science
        await highlight(pilot, offerings, "LCP-DSP")
        enrolments = page.query_one("#enrolments-table")
        assert rows(enrolments)[0][:4] == ["Pieter Bakker", PIETER, "Pending payment",
                                           "Employer"]
        assert "invoice CP2026-000121, not paid" in text_of(page.query_one("#enrolment-detail"))
        await highlight(pilot, enrolments, "Pieter Bakker")
        await pilot.press("p")
        await settle(pilot)
        await answer_yes(pilot, "confirm-register-payment")
        assert app.screen is page
        assert text_of(page.query_one("#portal-admin-result")) == (
            "✓ Payment of invoice CP2026-000121 registered: the enrolment of Pieter Bakker in "
            "LCP-DSP is final.")
        assert rows(enrolments)[0][2:5] == ["Enrolled", "Employer", "Invoice paid"]
        pieter = account_id(app, PIETER)
        [confirmation] = app.raw_usis.portal.messages(pieter)[:1]
        assert confirmation.subject == ("Bevestiging van inschrijving: Data Science for "
                                        "Professionals")  # in his language, Dutch
        await pilot.press("p")  # again: one clear refusal, nothing asked
        await settle(pilot)
        assert app.screen is page
        assert problems(page).startswith("✗ Pieter Bakker has no unpaid invoice.")

        # Mark completed: a participant of the philosophy lectures, which have started
        await highlight(pilot, offerings, "LCP-PHI")
        first = rows(enrolments)[0][0]
        await highlight(pilot, enrolments, first)
        await pilot.press("c")
        await settle(pilot)
        assert "gets a proof of attendance under My Records" in dialog_text(app.screen)
        await answer_yes(pilot, "confirm-complete")
        row = page.enrolment
        assert row is not None and row.completion == "completed" and row.record_code
        assert text_of(page.query_one("#portal-admin-result")) == (
            f"✓ {first}: Completed; verification code {row.record_code}.")
        [record] = app.raw_usis.portal.records(account_id(app, row.email))
        assert (record.code, record.kind) == (row.record_code, "attendance")
        before = dump(app.raw_usis.db)
        await pilot.press("c")  # again: refused by the rules, shown once
        await settle(pilot)
        await answer_yes(pilot, "confirm-complete")
        assert problems(page) == "✗ This participant has been marked completed already."
        assert dump(app.raw_usis.db) == before

        # Withdrawal reviews: Pieter asked to withdraw from Leadership in the Public Sector
        await pilot.press("w")
        await settle(pilot)
        reviews = app.screen
        assert isinstance(reviews, WithdrawalReviewsScreen)
        table = reviews.query_one("#withdrawals-table")
        assert rows(table) == [["LCP-LPS", "28 Dec 2026", "Pieter Bakker",
                                "Mijn werkgever heeft mijn opleidingsbudget voor dit jaar "
                                "ingetrokken.", "Self", "100% · €1,250.00"]]
        await pilot.press("r")  # reject without a note: refused, still under review
        await settle(pilot)
        await answer_yes(pilot, "confirm-decide-withdrawal")
        assert problems(reviews) == "✗ Say in the note why the withdrawal is rejected."
        assert len(rows(table)) == 1
        await pilot.press("a")
        await settle(pilot)
        assert "gets 100% back: €1,250.00" in dialog_text(app.screen)
        await pilot.press(*"Approved under the policy.")
        await answer_yes(pilot, "confirm-decide-withdrawal")
        assert text_of(reviews.query_one("#portal-admin-result")) == (
            "✓ Withdrawal approved: Pieter Bakker, LCP-LPS; €1,250.00 refunded (RF-000001).")
        assert rows(table) == []
        told = app.raw_usis.portal.messages(pieter)[0]
        assert "Leadership in the Public Sector" in told.subject
        assert "€\xa01.250,00 wordt binnen 14 dagen" in told.body  # Dutch, his language
        assert "Approved under the policy." in told.body
        await pilot.press("f")  # the decided ones
        await settle(pilot)
        assert rows(table)[0][-1] == "Approved"
        assert "refund RF-000001" in text_of(reviews.query_one("#withdrawal-detail"))
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is page
        assert text_of(page.query_one("#portal-admin-reviews")).startswith(
            "w Withdrawal reviews")


def fill(screen, **values: str) -> None:
    for name, value in values.items():
        screen.query_one(f"#f-{name}").value = value


GOOD = {"code": "LCP-WEB", "title": "Accessible Websites", "lecturer": "Dr. J. de Wit",
        "location": "Lipsius 011, Leiden", "starts_on": "2027-03-01", "ends_on": "2027-03-03",
        "hours": "18", "ec": "", "price": "595.50", "vat": "21", "capacity": "24"}


async def test_create_a_course_bad_fields_change_nothing(demo_db_url):
    from usis_tui.screens.portal.admin import OfferingFormScreen, PortalAdminScreen

    app = make_app(demo_db_url)
    async with app.run_test(size=SIZE) as pilot:
        await signed_in(pilot, "courseadmin")
        assert await app.navigate("Portal administration")
        await settle(pilot)
        page = app.screen
        db = app.raw_usis.db
        before = dump(db)
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, OfferingFormScreen)
        assert form.query_one("#breadcrumb").text == (
            "Main Menu › Portal administration › New course")
        assert form.query_one("#f-policy").value == "Standard"
        # what the form itself cannot read: every problem at once
        fill(form, **{**GOOD, "starts_on": "1 March", "price": "€ lots", "capacity": "-3"})
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert problems(form) == ("✗ Start date: write a date as 2027-03-01.\n"
                                  "✗ Price: an amount in euros, such as 495 or 495.50.\n"
                                  "✗ Places: a whole number, such as 20.")
        # what the rules refuse: one clear refusal
        fill(form, **{**GOOD, "ends_on": "2027-02-27"})
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert problems(form) == "✗ The course cannot end before it starts."
        fill(form, **{**GOOD, "code": "LCP-DSP"})
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert problems(form) == "✗ Code LCP-DSP is in use by another course."
        assert dump(db) == before
        # a good one
        fill(form, **GOOD)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is page and isinstance(page, PortalAdminScreen)
        assert text_of(page.query_one("#portal-admin-result")) == (
            "✓ Course LCP-WEB Accessible Websites saved.")
        offerings = page.query_one("#offerings-table")
        assert page.offering is not None and page.offering.code == "LCP-WEB"
        saved = page.offering
        assert (saved.price_cents, saved.vat_percent, saved.capacity, saved.ec,
                saved.policy_name, saved.state) == (59550, 21, 24, None, "Standard", "open")
        assert rows(offerings)[offerings.cursor_row][2:] == [
            "1 Mar – 3 Mar 2027", "0/24", "24", "€595.50", "Open"]
        # editing: fewer places than are taken is refused
        await highlight(pilot, offerings, "LCP-NL2")
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert form.query_one("#f-title").value == "Nederlands voor academici (A2)"
        assert form.query_one("#f-policy").value == "Flexible"
        fill(form, capacity="12")
        before = dump(db)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert problems(form) == "✗ Places: at least 16, the places taken."
        assert dump(db) == before
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is page


async def test_the_trainer_reads_the_outbox(demo_db_url, outbox):
    from usis_tui.screens.outbox import OutboxScreen

    usis = Usis.open(demo_db_url, clock=lambda: DEMO_NOW)
    try:
        [invoice] = [e.invoice_number for e in usis.portal_admin.enrolments()
                     if e.invoice_number and not e.invoice_paid]
        usis.portal_admin.register_payment(invoice, actor="courseadmin")
        usis.portal_accounts.create("new.learner@example.com", "Nieuwe Cursist",
                                    "a good password")
    finally:
        usis.close()
    app = make_app(demo_db_url)
    async with app.run_test(size=SIZE) as pilot:
        await signed_in(pilot, "trainer")
        assert "Outbox" in text_of(app.screen.query_one("#link-outbox"))
        assert not app.may_open("Portal administration")
        await pilot.press("e")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, OutboxScreen)
        assert str(outbox) in text_of(screen.query_one("#outbox-folder"))
        table = screen.query_one("#outbox-table")
        assert [r[:2] for r in rows(table)] == [
            ["new.learner@example.com", "Course Portal: your confirmation code "
             + rows(table)[0][1].rsplit(" ", 1)[-1]],
            [PIETER, "Bevestiging van inschrijving: Data Science for Professionals"]]
        code = rows(table)[0][1].rsplit(" ", 1)[-1]
        assert f"Your confirmation code is: {code}" in text_of(screen.query_one("#outbox-text"))
        await pilot.press("down")
        await settle(pilot)
        body = text_of(screen.query_one("#outbox-text"))
        assert body.startswith(f"To: {PIETER}\nSubject: Bevestiging van inschrijving")
        assert "Beste Pieter Bakker," in body


async def test_a_student_and_a_guest_open_none_of_these_pages(demo_db_url):
    app = make_app(demo_db_url)
    async with app.run_test(size=SIZE) as pilot:
        from shell_helpers import wait_ready

        await wait_ready(pilot)
        for page in (*ADMIN_PAGES, "Outbox"):  # not signed in
            assert await app.navigate(page) is False, page
        await signed_in(pilot, "s1234567")
        assert not app.screen.query("#link-portal-admin") and not app.screen.query(
            "#link-outbox")
        for key in ("d", "e"):
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, MainMenuScreen), key
        for page in (*ADMIN_PAGES, "Outbox"):
            assert not app.may_open(page)
            assert await app.navigate(page) is False, page
        assert isinstance(app.screen, MainMenuScreen)


HOSTILE = "[/] [@click=app.quit]AIR[/] \x1b]0;PWNED\x07 [bold red]Red[/]"


def visible(app) -> str:
    """Every cell of the current screen, without styles."""
    update = app.screen._compositor.render_full_update()
    return "\n".join("".join(seg.text for strip in line for seg in strip)
                     for line in update.strips)


async def test_stored_text_is_shown_literally(demo_db_url):
    """A learner's name, a course title, a withdrawal reason and an evaluation comment holding
    markup and a terminal escape (written straight into the database, as another program could)
    are shown as they are, and the pages keep working."""
    import json

    from sqlalchemy import update

    from usis_tui.db import Database
    from usis_tui.models import EvaluationResponse, Offering, Withdrawal

    db = Database(demo_db_url)
    try:
        with db.write() as session:
            session.execute(update(PortalAccount).where(PortalAccount.email == PIETER)
                            .values(name=HOSTILE))
            session.execute(update(Offering).where(Offering.code == "LCP-DSP")
                            .values(title=HOSTILE))
            session.execute(update(Withdrawal).values(reason=HOSTILE))
            response = session.scalars(select(EvaluationResponse)).first()
            assert response is not None
            answers = json.loads(response.answers)
            session.execute(update(EvaluationResponse)
                            .where(EvaluationResponse.id == response.id)
                            .values(answers=json.dumps({**answers, "comment": HOSTILE})))
            offering_id = response.offering_id
    finally:
        db.dispose()
    shown = "[/] [@click=app.quit]AIR[/] ␛]0;PWNED"
    app = make_app(demo_db_url)
    async with app.run_test(size=SIZE) as pilot:
        await signed_in(pilot, "courseadmin")
        assert await app.navigate("Portal administration")
        await settle(pilot)
        await highlight(pilot, app.screen.query_one("#offerings-table"), "LCP-DSP")
        assert visible(app).count(shown) >= 3  # the course, the heading, Pieter's name
        assert await app.navigate("Withdrawal reviews")
        await settle(pilot)
        assert visible(app).count(shown) >= 2  # his name and his reason
        assert await app.navigate("Evaluation results", offering_id=offering_id)
        await settle(pilot)
        assert f"• {shown}" in visible(app)
        assert app.is_running and app.return_code is None


async def test_the_administration_page_asks_for_an_offerings_enrolments_once(demo_db_url,
                                                                           monkeypatch):
    """Opening the page and moving to another course load each course's enrolments once: the
    row highlight that filling the table sends does not start (and cancel) a second load."""
    from usis_tui.services.portal.admin import PortalAdminService

    asked: list[int] = []
    original = PortalAdminService.enrolments

    def counting(self, offering_id, *args, **kwargs):
        asked.append(offering_id)
        return original(self, offering_id, *args, **kwargs)

    monkeypatch.setattr(PortalAdminService, "enrolments", counting)
    app = make_app(demo_db_url)
    async with app.run_test(size=SIZE) as pilot:
        await signed_in(pilot, "courseadmin")
        await pilot.press("d")
        await settle(pilot)  # a cancelled load would raise WorkerCancelled here
        page = app.screen
        assert len(asked) == 1
        offerings = page.query_one("#offerings-table")
        await highlight(pilot, offerings, "LCP-DSP")
        assert len(asked) == 2 and asked[0] != asked[1]


async def test_support_follows_a_portal_learner_in_the_audit_trail(demo_db_url):
    """Support finds Pieter (eduID, no uSis account) in Find a student by his e-mail address;
    Enter opens the Audit trail with his Course Portal steps (he has no uSis pages to act on)."""
    from shell_helpers import find_student

    from usis_tui.screens.audit import AuditTrailScreen

    app = make_app(demo_db_url)
    async with app.run_test(size=SIZE) as pilot:
        # Pieter signs in to the Course Portal and enrols in Sustainable Cities
        learner = app.raw_usis.portal_accounts.login(PIETER, "demo")
        [course] = [o for o in app.raw_usis.portal.offerings() if o.code == "LCP-SUS"]
        app.raw_usis.portal.enrol(learner.account_id, course.id)
        await signed_in(pilot, "support")
        pieter = f"portal:{account_id(app, PIETER)}"
        await pilot.press("f")
        await settle(pilot)
        await find_student(pilot, "pieter.bakker@")
        found = app.screen.query_one("#find-results")
        assert rows(found) == [[pieter, "Pieter Bakker", f"Course Portal: {PIETER}", "eduID"]]
        await pilot.press("enter")
        await settle(pilot)
        page = app.screen
        assert isinstance(page, AuditTrailScreen) and app.student_number is None
        assert page.query_one("#audit-student").value == pieter
        steps = rows(page.query_one("#audit-table"))
        assert steps and all(r[2] == pieter for r in steps)
        assert any("LCP-SUS" in r[5] for r in steps)


async def test_completed_the_participant_downloads_the_certificate_and_verify_accepts_it(
        demo_db_url, capsys, monkeypatch):
    """The acceptance's last step end to end: courseadmin marks a participant of the philosophy
    lectures (started; they give a proof of attendance) completed → that participant, logged in
    to the Course Portal, downloads it from My Records (the PDF's text: name, course, hours,
    code) → `usis portal verify CODE` accepts the code (exit 0) and names the same person and
    course."""
    import io
    import sys

    from portal_helpers import downloads, learner, pdf_text, wait_for_pdf

    from usis_tui.cli import main
    from usis_tui.screens.portal.records import MyRecordsScreen

    app = make_app(demo_db_url)
    async with app.run_test(size=SIZE) as pilot:
        await signed_in(pilot, "courseadmin")
        await pilot.press("d")
        await settle(pilot)
        page = app.screen
        await highlight(pilot, page.query_one("#offerings-table"), "LCP-PHI")
        enrolments = page.query_one("#enrolments-table")
        waiting = [r[0] for r in rows(enrolments) if r[2] == "Enrolled" and r[-1] == "–"]
        await highlight(pilot, enrolments, waiting[0])
        await pilot.press("c")
        await settle(pilot)
        await answer_yes(pilot, "confirm-complete")
        done = page.enrolment
        assert done is not None and done.completion == "completed" and done.record_code
        name, email, code = done.name, done.email, done.record_code

    app = make_app(demo_db_url)
    async with app.run_test(size=SIZE) as pilot:
        await learner(pilot, email, page="My Records")
        records = app.screen
        assert isinstance(records, MyRecordsScreen)
        mine = [r for r in records.records if r.code == code]
        assert mine and mine[0].kind == "attendance"
        table = records.query_one("#records-table")
        table.focus()
        table.move_cursor(row=records.records.index(mine[0]))
        await pilot.press("enter")
        await settle(pilot)
        text = pdf_text(await wait_for_pdf(pilot, downloads() / records.last_download))
        for fact in (name, "Introduction to Chinese Philosophy", code, "20 hours"):
            assert fact in text, fact

    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    exit_code = 0
    try:
        main(["portal", "verify", code, "--db", demo_db_url, "--now", "2026-11-23T09:30"])
    except SystemExit as exc:
        exit_code = exc.code or 0
    out = capsys.readouterr().out
    assert exit_code == 0, out
    lines = out.splitlines()
    assert lines[:2] == [f"{code}: valid.", f"  Proof of attendance: {name}"]
    assert lines[2].startswith("  Introduction to Chinese Philosophy, ") and "20 hours" in lines[2]

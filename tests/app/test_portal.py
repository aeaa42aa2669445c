"""The Course Portal's pages for the people who take its courses (screens/portal/), driven with
the keyboard as a person would, on the demo database (clock DEMO_NOW): the seed's labels are
what the walks look for and press."""

from __future__ import annotations

import pytest
from factories import dump
from helpers import make_app, settle
from portal_helpers import (
    SANNE,
    code_in,
    downloads,
    guest_at_portal,
    learner,
    offering_id,
    outbox_mails,
    page_text,
    pdf_text,
    type_into,
    wait_for_pdf,
)
from shell_helpers import signed_in, text_of

from usis_tui.screens.portal.course import CourseScreen
from usis_tui.screens.portal.home import PortalHomeScreen
from usis_tui.screens.portal.login import PortalLoginScreen
from usis_tui.screens.portal.messages import PortalMessagesScreen
from usis_tui.screens.portal.my_courses import (
    EvaluationScreen,
    ManageCourseScreen,
    MyCoursesScreen,
    WithdrawScreen,
)
from usis_tui.screens.portal.pay import PaymentScreen
from usis_tui.screens.portal.records import MyRecordsScreen

SIZE = (120, 40)
FINAL = "Your enrolment is only final once payment has been received."


@pytest.fixture(autouse=True)
def outbox(tmp_path, monkeypatch):
    """The portal's e-mail goes to a folder of the test, never the real data folder."""
    folder = tmp_path / "outbox"
    monkeypatch.setenv("USIS_MAIL_OUTBOX", str(folder))
    return folder


async def pick(pilot, title_words: str) -> CourseScreen:
    """On "Pick a course": search for the course, open it with Enter."""
    app = pilot.app
    assert isinstance(app.screen, PortalHomeScreen)
    assert "Pick a course" in page_text(app.screen)
    await pilot.press("s")
    await type_into(pilot, "#offer-search", title_words, keys=True)
    await settle(pilot)
    await pilot.press("enter")  # the search field: to the table
    await pilot.press("enter")  # the table: open the course
    await settle(pilot)
    assert isinstance(app.screen, CourseScreen), app.screen
    return app.screen


async def test_acceptance_walk_create_an_account_pick_a_course_pay_by_ideal(demo_db_url,
                                                                         outbox, smtp):
    """A guest from the uSis Login: "Create an account" ("Other login"), the code from the
    e-mail in the outbox, a course picked, iDEAL with the outcome paid → the "Enrolment
    confirmation", in Portal messages and by e-mail: to the (local) SMTP server and kept in
    the outbox."""
    app = make_app(demo_db_url)
    async with app.run_test(size=SIZE) as pilot:
        await guest_at_portal(pilot)
        assert "Log in" in app.screen.sub_title  # nobody is logged in to the portal
        await pilot.press("l")
        await settle(pilot)
        login = app.screen
        assert isinstance(login, PortalLoginScreen)
        assert "Create an account" in page_text(login)
        await type_into(pilot, "#new-email", "Joost.Visser@Example.org")
        await pilot.press("enter")
        await type_into(pilot, "#new-name", "Joost Visser")
        await pilot.press("enter")
        await type_into(pilot, "#new-password", "a long password")
        await pilot.press("enter")  # the last field sends the form
        await settle(pilot)
        assert "joost.visser@example.org" in text_of(login.query_one("#code-sent"))
        [mail] = outbox_mails(outbox, "joost.visser@example.org")
        assert "confirmation code" in mail["Subject"]
        await type_into(pilot, "#code", code_in(mail))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PortalHomeScreen)
        assert app.portal_identity is not None and app.portal_identity.login == "other"
        assert "Joost Visser" in app.screen.sub_title

        course = await pick(pilot, "Leadership")
        assert course.offering.title == "Leadership in the Public Sector"
        assert "Cancellation policy" in page_text(course)
        await pilot.press("e")
        await settle(pilot)
        pay = app.screen
        assert isinstance(pay, PaymentScreen)
        text = page_text(pay)
        assert "Are you paying yourself?" in text and "Is your employer paying?" in text
        assert FINAL in text
        pay.query_one("#pay-bank").value = "ideal_RABONL2U"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert pay.view == "checkout" and pay.payment is not None
        assert "Rabobank" in text_of(pay.query_one("#checkout-facts"))
        held = app.portal.portal.offering(course.offering.id).places_left
        await pilot.press("1")  # test mode: paid
        await settle(pilot)
        assert pay.view == "result" and pay.enrolment.status == "enrolled"
        assert "Enrolment confirmation" in text_of(pay.query_one("#result-title"))
        assert "Wijnhaven 3.21, The Hague" in text_of(pay.query_one("#result-facts"))
        assert app.portal.portal.offering(course.offering.id).places_left == held

        assert await app.navigate("Portal messages")
        await settle(pilot)
        messages = app.screen
        assert isinstance(messages, PortalMessagesScreen)
        assert messages.messages[0].subject == ("Enrolment confirmation: Leadership in the "
                                                "Public Sector")
        await pilot.press("enter")
        await settle(pilot)
        assert "Prof.dr. S. Groeneveld" in text_of(messages.query_one("#message-body"))
        assert messages.messages[0].read
        subjects = [m["Subject"] for m in outbox_mails(outbox, "joost.visser@example.org")]
        assert subjects[-1] == "Enrolment confirmation: Leadership in the Public Sector"
        sent = [m for m in smtp.handler.messages() if m["To"] == "joost.visser@example.org"]
        assert [m["Subject"] for m in sent] == subjects  # the code, then the confirmation
        assert "Prof.dr. S. Groeneveld" in sent[-1].get_content()


async def test_a_failed_payment_keeps_the_place_then_an_expired_one_frees_it(demo_db_url):
    """Writing a Research Grant has one place left: paying holds it; "failed" keeps it held
    (until when is shown, "Try again"); "expired" frees it."""
    app = make_app(demo_db_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await learner(pilot)
        grant = offering_id(app, "LCP-GRT")
        assert app.portal.portal.offering(grant).places_left == 1
        assert await app.navigate("Course Portal", offering=grant, pay=True)
        await settle(pilot)
        pay = app.screen
        assert isinstance(pay, PaymentScreen) and pay.offering.id == grant
        pay.query_one("#method-creditcard").value = True
        await settle(pilot)
        assert not pay.query_one("#row-bank").display  # no bank for a card
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.portal.portal.offering(grant).places_left == 0  # held while paying
        await pilot.press("2")  # failed
        await settle(pilot)
        message = text_of(pay.query_one("#result-message"))
        assert "The payment failed" in message
        assert "Your place is held for you until 23 Nov 2026 09:45." in message
        assert app.portal.portal.offering(grant).places_left == 0
        await pilot.press("t")  # Try again
        await settle(pilot)
        assert pay.view == "form"
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("4")  # expired
        await settle(pilot)
        assert pay.enrolment.status == "released"
        assert "your place has been released" in text_of(pay.query_one("#result-message"))
        assert app.portal.portal.offering(grant).places_left == 1
        assert not pay.check_action("try_again", ())  # nothing is held any more
        await pilot.press("escape", "escape")
        await settle(pilot)
        assert isinstance(app.screen, PortalHomeScreen)
        assert "Not enrolled: Writing a Research Grant" in [
            m.subject for m in app.portal.portal.messages(app.portal_identity.account_id)]


async def test_withdraw_with_a_reason_goes_to_the_administration_for_review(demo_db_url):
    """My courses → the course → Manage Course → Withdraw → the policy's quote, shown before
    Complete → no reason: refused, nothing changed → the reason → Complete → under review."""
    app = make_app(demo_db_url)
    async with app.run_test(size=SIZE) as pilot:
        await learner(pilot, page="My courses")
        mine = app.screen
        assert isinstance(mine, MyCoursesScreen)
        titles = [e.offering.title for e in mine.enrolments]
        mine.query_one("#mine-table").move_cursor(
            row=titles.index("Negotiation Skills for Professionals"))
        await pilot.press("enter")
        await settle(pilot)
        manage = app.screen
        assert isinstance(manage, ManageCourseScreen)
        assert str(manage.query_one("#manage-withdraw").label) == "Withdraw"
        await pilot.press("w")
        await settle(pilot)
        withdraw = app.screen
        assert isinstance(withdraw, WithdrawScreen)
        quote = text_of(withdraw.query_one("#withdraw-quote-text"))
        assert "6 days before the start, gives 0% back: €0.00" in quote
        assert "Withdraw on or before 1 Nov 2026 (28 days before the start): 100%" in quote
        before = dump(app.raw_usis.db)
        await pilot.press("ctrl+s")  # Complete, without a reason
        await settle(pilot)
        assert "Enter the reason for your withdrawal." in text_of(
            withdraw.query_one("#withdraw-problems"))
        assert dump(app.raw_usis.db) == before
        await type_into(pilot, "#withdraw-reason", "I changed jobs.")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "sent to the administration for review" in text_of(
            withdraw.query_one("#withdraw-done"))
        assert "Under review" in text_of(withdraw.query_one("#withdraw-done-facts"))
        await pilot.press("enter")  # "Back to My courses"
        await settle(pilot)
        assert app.screen is mine
        assert "Withdrawal: Under review" in text_of(mine.query_one("#mine-detail-text"))
        await pilot.press("enter")  # Manage Course again: Withdraw is gone (asked once)
        await settle(pilot)
        manage = app.screen
        assert isinstance(manage, ManageCourseScreen) and not manage.check_action("withdraw", ())
        assert not manage.query_one("#manage-withdraw").display


async def test_my_records_downloads_the_certificate_and_the_evaluation_is_submitted_once(
        demo_db_url):
    """My Records: Enter delivers the certificate's PDF (its verification code in it). The
    finished summer school's "Evaluation": an unanswered statement is refused and nothing is
    stored; answered → "Submit" → thank you, and it cannot be submitted again."""
    from usis_tui.models import EvaluationResponse

    app = make_app(demo_db_url)
    async with app.run_test(size=SIZE) as pilot:
        await learner(pilot, page="My Records")
        records = app.screen
        assert isinstance(records, MyRecordsScreen)
        [record] = records.records
        assert record.title == "Museum Studies Summer School"
        await pilot.press("enter")
        await settle(pilot)
        assert records.last_download is not None
        data = await wait_for_pdf(pilot, downloads() / records.last_download)
        text = pdf_text(data)
        assert record.code in text and "Sanne de Vries" in text

        assert await app.navigate("My courses")
        await settle(pilot)
        mine = app.screen
        titles = [e.offering.title for e in mine.enrolments]
        mine.query_one("#mine-table").move_cursor(row=titles.index("Museum Studies Summer "
                                                                   "School"))
        await pilot.press("enter")
        await settle(pilot)
        manage = app.screen
        assert isinstance(manage, ManageCourseScreen) and manage.enrolment.can_evaluate
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, EvaluationScreen) and form.form is not None

        def responses() -> int:
            with app.raw_usis.db.read() as session:
                return session.query(EvaluationResponse).count()

        count = responses()
        form.query_one("#q-content").value = 4
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Answer every statement (4 not answered)." in text_of(
            form.query_one("#evaluation-problems"))
        assert responses() == count
        for key, answer in (("lecturer", 5), ("organisation", 4), ("materials", 3),
                            ("recommend", 5)):
            form.query_one(f"#q-{key}").value = answer
        await type_into(pilot, "#evaluation-comment", "More museum visits, please.")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert form.done and responses() == count + 1
        assert "your evaluation has been submitted" in text_of(form.query_one("#evaluation-done"))
        assert not form.check_action("submit", ())
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is manage and not manage.enrolment.can_evaluate
        assert not manage.query_one("#manage-evaluation").display
        await pilot.press("e")  # the key is gone: nothing opens
        await settle(pilot)
        assert app.screen is manage


async def test_a_guest_browses_but_my_courses_asks_to_log_in_and_bad_input_is_refused(
        demo_db_url, outbox):
    """A guest sees the offering (filters too) and, through the command palette, Verify a
    certificate; My courses asks to log in, and opens after it; a wrong password, a bad
    address for a new account and an employer's missing billing details are refused on the
    page and change nothing."""
    from usis_tui.screens.portal.verify import VerifyScreen

    app = make_app(demo_db_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await guest_at_portal(pilot)
        home = app.screen
        assert len(home.offerings) == 10
        # the command palette offers the portal's pages before any sign-in
        await pilot.press("ctrl+p")
        await pilot.press(*"Verify a cert")
        for _attempt in range(40):
            if app.screen.query("CommandList") and app.screen.query_one(
                    "CommandList").option_count:
                break
            await pilot.pause(0.05)
        await pilot.press("enter")
        await settle(pilot)
        verify = app.screen
        assert isinstance(verify, VerifyScreen)
        await type_into(pilot, "#verify-code", "LU-AAAA-BBBB-CCCC")
        await pilot.press("enter")
        await settle(pilot)
        assert "Not valid." in text_of(verify.query_one("#verify-result"))
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is home
        await pilot.press("a")  # only courses with places
        await settle(pilot)
        assert {o.state for o in home.offerings} <= {"open", "nearly_full"}
        home.query_one("#offer-where").value = "online"
        await settle(pilot)
        assert home.offerings and all(o.online for o in home.offerings)
        await pilot.press("m")
        await settle(pilot)
        login = app.screen
        assert isinstance(login, PortalLoginScreen) and login.then == "My courses"
        before = dump(app.raw_usis.db)
        await type_into(pilot, "#new-email", "not an address")
        await type_into(pilot, "#new-name", "Someone")
        await type_into(pilot, "#new-password", "a long password")
        await pilot.press("enter")
        await settle(pilot)
        assert "E-mail address: enter an address like name@example.com." in text_of(
            login.query_one("#login-problems"))
        assert dump(app.raw_usis.db) == before and not list(outbox.glob("*.eml"))
        await type_into(pilot, "#login-email", SANNE)
        await pilot.press("enter")
        await type_into(pilot, "#login-password", "wrong")
        await pilot.press("enter")
        await settle(pilot)
        refusal = text_of(login.query_one("#login-problems"))
        assert refusal and app.portal_identity is None
        await type_into(pilot, "#login-password", "demo")
        await pilot.press("ctrl+s")
        await settle(pilot)
        mine = app.screen
        assert isinstance(mine, MyCoursesScreen)
        assert {e.offering.title for e in mine.enrolments} == {
            "Museum Studies Summer School", "Negotiation Skills for Professionals"}
        assert "Sanne de Vries" in mine.sub_title

        # an employer's invoice without its billing details: refused, nothing enrolled
        cities = offering_id(app, "LCP-SUS")
        assert await app.navigate("Course Portal", offering=cities, pay=True)
        await settle(pilot)
        pay = app.screen
        assert isinstance(pay, PaymentScreen)
        pay.query_one("#payer-employer").value = True
        await settle(pilot)
        before = dump(app.raw_usis.db)
        await type_into(pilot, "#bill-organisation", "Gemeente Leiden")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Billing address: fill this in." in text_of(pay.query_one("#pay-problems"))
        assert dump(app.raw_usis.db) == before and pay.view == "form"
        # ... with them: the invoice's summary and "Download invoice"
        pay.query_one("#bill-address").text = "Stadhuisplein 1\n2311 EJ Leiden"
        await type_into(pilot, "#bill-reference", "PO-77")
        await type_into(pilot, "#bill-contact_name", "K. Bakker")
        await type_into(pilot, "#bill-contact_email", "k.bakker@leiden.nl")
        await pilot.press("enter")  # the last field sends it
        await settle(pilot)
        assert pay.view == "result" and pay.enrolment.invoice is not None
        summary = text_of(pay.query_one("#result-facts"))
        assert "Gemeente Leiden" in summary and "€495.00" in summary  # VAT included
        assert FINAL in text_of(pay.query_one("#result-final"))
        await pilot.press("d")
        await settle(pilot)
        [invoice] = list(downloads().glob("*.pdf"))
        assert pay.enrolment.invoice.number in pdf_text(await wait_for_pdf(pilot, invoice))


async def test_the_portal_is_reached_from_the_main_menu_and_a_ulcn_user_continues_as_themself(
        demo_db_url):
    """Every signed-in uSis user has "Course Portal" on the Main Menu (c); its Log in offers
    "Continue as" the uSis user (ULCN), whose portal account is made at the first visit."""
    from usis_tui.screens.main_menu import MainMenuScreen

    app = make_app(demo_db_url)
    async with app.run_test(size=SIZE) as pilot:
        await signed_in(pilot, "s1234567")
        assert isinstance(app.screen, MainMenuScreen)
        assert "Course Portal" in text_of(app.screen.query_one("#link-course-portal"))
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, PortalHomeScreen)
        assert app.screen.query_one("#breadcrumb").text == "Course Portal"
        await pilot.press("l")
        await settle(pilot)
        login = app.screen
        assert isinstance(login, PortalLoginScreen)
        assert str(login.query_one("#ulcn-continue").label) == "Continue as Eva de Vries " \
                                                               "(s1234567)"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, PortalHomeScreen)
        identity = app.portal_identity
        assert identity is not None and (identity.login, identity.username) == (
            "ulcn", "s1234567")
        assert "Eva de Vries" in app.screen.sub_title
        await pilot.press("o")  # Log out of the portal; uSis stays signed in
        await settle(pilot)
        assert app.portal_identity is None and app.identity is not None
        assert "Log in" in app.screen.sub_title


async def test_ulcn_with_a_password_and_a_two_step_account_is_sent_to_the_usis_login(
        demo_db_url):
    """"Leiden University / LUMC (ULCN)" without a uSis sign-in: the uSis password check; an
    account with two-step sign-in (staff) is asked to sign in to uSis first; a student's
    ULCN account gets its portal account (and uSis itself stays signed out)."""
    app = make_app(demo_db_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await guest_at_portal(pilot)
        await pilot.press("l")
        await settle(pilot)
        login = app.screen
        login.query_one("#way-ulcn").value = True
        await settle(pilot)
        assert login.query_one("#ulcn-fields").display
        assert not login.query_one("#email-fields").display
        await type_into(pilot, "#ulcn-username", "board")
        await pilot.press("enter")
        await type_into(pilot, "#ulcn-password", "demo")
        await pilot.press("enter")
        await settle(pilot)
        problems = text_of(login.query_one("#login-problems"))
        assert "Your ULCN account uses two-step sign-in." in problems
        assert "Sign in to uSis first" in problems and app.portal_identity is None
        await type_into(pilot, "#ulcn-username", "s7654321")
        await type_into(pilot, "#ulcn-password", "demo")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, PortalHomeScreen)
        assert app.portal_identity is not None and app.portal_identity.username == "s7654321"
        assert app.identity is None


async def test_text_from_the_database_is_shown_literally(demo_db_url):
    """A course whose title and description hold markup and a control character: shown as
    typed on Pick a course, the course and its breadcrumb; nothing is run."""
    from sqlalchemy import update

    from usis_tui.db import Database
    from usis_tui.models import Offering

    hostile = "[@click=app.quit]Evil[/] \x1b[2J[b]course"
    db = Database(demo_db_url)
    with db.write() as session:
        session.execute(update(Offering).where(Offering.code == "LCP-SUS")
                        .values(title=hostile, description="[/]" + hostile))
    db.dispose()
    app = make_app(demo_db_url)
    async with app.run_test(size=SIZE) as pilot:
        await learner(pilot, course="LCP-SUS")
        course = app.screen
        assert isinstance(course, CourseScreen) and app.is_running
        shown = "[@click=app.quit]Evil[/] ␛[2J[b]course"
        assert text_of(course.query_one("#course-title")) == shown
        assert text_of(course.query_one("#breadcrumb")).endswith(shown)
        assert text_of(course.query_one("#course-description")).startswith("[/]" + shown)
        await pilot.click("#course-title")
        await pilot.press("escape")
        await settle(pilot)
        home = app.screen
        assert isinstance(home, PortalHomeScreen) and app.is_running
        assert shown in text_of(home.query_one("#offer-detail-text"))


async def test_a_guest_switches_the_language_on_a_portal_page(demo_db_url, tmp_path,
                                                               monkeypatch):
    """F2 on a Course Portal page without a uSis sign-in: the page built again in Dutch with
    its data loaded (before, only its widgets were: an empty table), the uSis Login (in Dutch
    too) underneath as the guest came."""
    from usis_tui import i18n
    from usis_tui.screens.login import LoginScreen

    # before sign-in the choice is kept in the config file: this test's own
    monkeypatch.setenv("USIS_CONFIG", str(tmp_path / "config.toml"))
    app = make_app(demo_db_url, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await guest_at_portal(pilot)
        before = app.screen
        await pilot.press("f2")
        await settle(pilot)
        assert i18n.get_language() == "nl"
        home = app.screen
        assert isinstance(home, PortalHomeScreen) and home is not before
        assert len(home.offerings) == 10 and home.query_one("#offer-table").row_count == 10
        assert home.query_one("#breadcrumb").text == i18n._("Course Portal")
        await pilot.press("escape")
        await settle(pilot)
        login = app.screen
        assert isinstance(login, LoginScreen)
        assert str(login.query_one("#sign-in").label) == i18n._("Sign In") != "Sign In"


async def test_a_real_providers_payment_shows_its_link_and_checks_its_status(demo_db_url):
    """A payment provider that is not the test mode (as Mollie): the checkout link is shown
    instead of the test outcomes; "Check payment status" asks the provider (portal.refresh):
    still open → stay; paid → the Enrolment confirmation."""
    from usis_tui.services.portal.payments import ProviderPayment

    class Provider:  # a provider's answers, as services/portal/payments.py expects them
        name, test_mode = "mollie", False
        status_now = "open"

        def create(self, **_payment) -> ProviderPayment:
            return ProviderPayment(reference="tr_WDqYK6vllg", status="open",
                                   checkout_url="https://www.mollie.com/checkout/test-mode")

        def status(self, reference: str) -> str:
            return self.status_now

    provider = Provider()
    app = make_app(demo_db_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await learner(pilot)
        app.raw_usis.portal._provider = lambda: provider
        assert await app.navigate("Course Portal", offering=offering_id(app, "LCP-LPS"),
                                  pay=True)
        await settle(pilot)
        pay = app.screen
        pay.query_one("#method-creditcard").value = True
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert pay.view == "checkout" and not pay.query_one("#checkout-test").display
        assert "https://www.mollie.com/checkout/test-mode" in text_of(
            pay.query_one("#checkout-link"))
        assert not pay.check_action("outcome", ())
        await pilot.press("s")  # Check payment status: still open
        await settle(pilot)
        assert pay.view == "checkout" and pay.enrolment.status == "pending"
        provider.status_now = "paid"
        await pilot.press("s")
        await settle(pilot)
        assert pay.view == "result" and pay.enrolment.status == "enrolled"
        assert "Enrolment confirmation" in text_of(pay.query_one("#result-title"))


async def test_usis_portal_opens_the_app_on_the_course_offering(demo_db_url):
    """`usis portal` (UsisApp(start_page="Course Portal")): the course offering over the Login,
    once the database is ready; Escape goes back to the Login."""
    from helpers import DEMO_NOW

    from usis_tui.app import UsisApp
    from usis_tui.screens.login import LoginScreen

    app = UsisApp(database_url=demo_db_url, now=DEMO_NOW, start_page="Course Portal")
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(200):
            if isinstance(app.screen, PortalHomeScreen):
                break
            await pilot.pause(0.05)
        await settle(pilot)
        assert isinstance(app.screen, PortalHomeScreen)
        assert "Negotiation Skills for Professionals" in page_text(app.screen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)


async def test_the_command_palette_offers_the_portals_learner_pages(demo_db_url):
    """A uSis student finds "My Records" in the command palette (it asks for the portal's Log
    in first); before sign-in the palette offers the portal's pages only, its learner pages too."""
    from usis_tui.app import UsisCommands

    app = make_app(demo_db_url)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        before = UsisCommands(app.screen)._pages()
        assert "Course Portal" in before and "My Records" in before
        assert "Enrol" not in before and "Student Center" not in before
        await signed_in(pilot, "s1234567")
        pages = UsisCommands(app.screen)._pages()
        assert {"My Records", "My courses", "Enrol", "Course Portal"} <= set(pages)
        assert "Portal administration" not in pages
        await app.navigate("My Records")
        await settle(pilot)
        assert isinstance(app.screen, PortalLoginScreen)

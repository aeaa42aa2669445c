"""The Enrol page in Dutch (i18n.set_language("nl") before the pages are built): both ways of
uSis's enrolment walked by the uSis Dutch labels, as a trainer would read them out.

Option 1: "Inschrijven met het nummer van de studieactiviteit" › Studiejaar › Doorgaan › the
preferences step › Winkelwagen › Inschrijven › the 3 steps to "Resultaten bekijken".
Option 2: "Inschrijven door de cursus te zoeken" › Doorgaan › the search fields › Zoeken › the
results › "Naar winkelwagen" › the same 3 steps.

The service messages (the uSis result lines) are another area's: these tests read the labels of
the page itself."""

from __future__ import annotations

import pytest
from enrol_helpers import SIZE, STUDENT, open_enrol, plain, screen_text, settle_until_idle
from helpers import make_app

from usis_tui import i18n
from usis_tui.widgets.literal import Button, Input, Label

YEAR = "2026-2027"


@pytest.fixture
def app(demo_db_url, demo_now):
    i18n.set_language("nl")  # before the app and its pages are built (conftest resets it)
    return make_app(demo_db_url, now=demo_now)


def shown(widget) -> bool:
    """On the screen: displayed, and every container above it too."""
    return widget.display and all(getattr(a, "display", True) for a in widget.ancestors)


def button(screen, label: str, *, nth: int = 0) -> Button:
    """The ``nth`` button in sight that reads ``label``."""
    found = [b for b in screen.query(Button) if str(b.label) == label and shown(b)]
    assert len(found) > nth, (f"no button {label!r} in sight; there are "
                              f"{[str(b.label) for b in screen.query(Button) if shown(b)]}")
    return found[nth]


def labels(screen) -> list[str]:
    return [plain(label) for label in screen.query(Label) if shown(label)]


async def press(pilot, screen, label: str, *, nth: int = 0) -> None:
    button(screen, label, nth=nth).press()
    await settle_until_idle(pilot)


def cart_numbers(usis) -> list[str]:
    return [line.cls.class_number for line in usis.cart.list(STUDENT, YEAR)]


def status_of(usis, number: str) -> str | None:
    for line in usis.enrolment.schedule(STUDENT, YEAR):
        if line.cls.class_number == number:
            return line.status
    return None


async def finish_in_dutch(pilot, screen) -> str:
    """Winkelwagen › Inschrijven › step 2 › Inschrijving voltooien › step 3; what step 3 shows."""
    pane = screen.add_pane
    assert "Winkelwagen · Studiejaar 2026-2027" in labels(screen)
    await press(pilot, screen, "Inschrijven")
    assert pane.view == "step2"
    assert "Studieactiviteiten bevestigen" in labels(screen)
    assert "2. Studieactiviteiten bevestigen" in screen_text(pilot.app)
    assert "Alles of niets" in str(screen.query_one("#confirm-all-or-nothing").label)
    confirm = plain(screen.query_one("#confirm-table"))
    assert "Omschrijving" in confirm and "Inschrijfcontrole" in confirm
    assert "Kan inschrijven" in confirm
    await press(pilot, screen, "Inschrijving voltooien")
    assert pane.view == "step3"
    assert "Resultaten bekijken" in labels(screen)
    text = screen_text(pilot.app)
    assert "3. Resultaten bekijken" in text
    assert "1 ingeschreven" in plain(screen.query_one("#results-summary"))
    assert button(screen, "Nog een studieactiviteit toevoegen")
    assert button(screen, "Mijn studierooster")
    return text


async def test_option1_by_the_class_number_in_dutch(app, demo_usis, demo_summary):
    number = demo_summary.highlights["minor_open"]
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_enrol(pilot)
        text = screen_text(pilot.app)
        assert "Inschrijven met het nummer van de studieactiviteit" in text
        assert "Inschrijven door de cursus te zoeken" in text
        assert "Studiejaar" in labels(screen) and "Studiejaar 2026-2027" in text
        assert "Studieactiviteitnummer" in labels(screen)
        assert "1. Studieactiviteiten selecteren om toe te voegen" in text
        assert "Je winkelwagen is leeg." in text
        # a number of 3 digits: the page says so in Dutch
        field = screen.query_one("#class-number", Input)
        field.value = "105"
        await press(pilot, screen, "Doorgaan")
        assert "Een studieactiviteitnummer heeft precies 4 cijfers" in plain(
            screen.query_one("#class-number-error"))
        field.value = number
        await press(pilot, screen, "Doorgaan")  # the first: the class number's
        pane = screen.add_pane
        assert pane.view == "prefs"
        assert "Inschrijfvoorkeuren · Studiejaar 2026-2027" in labels(screen)
        detail = plain(screen.query_one("#prefs-detail"))
        for word in ("Cursus", "Studieactiviteit", "Status", "Docent", "Inschrijving",
                     "Dagen en tijden", "Zaal", "plaatsen bezet", "(nu open)", "ma 13:45-15:30",
                     "Hoorcollege"):
            assert word in detail, word
        assert str(screen.query_one("#prefs-waitlist").label) == \
            "Wachtlijst als studieactiviteit vol is"
        assert "Toestemmingsnummer" in labels(screen)
        assert "Er zijn plaatsen vrij" in plain(screen.query_one("#prefs-note"))
        await press(pilot, screen, "Volgende")
        assert cart_numbers(demo_usis) == [number]
        assert pane.view == "entry"
        note = plain(screen.query_one("#entry-note"))
        assert f"Studieactiviteit {number} 4000MDSAIN" in note and "winkelwagen" in note
        cart = plain(screen.query_one("#cart-plan"))
        assert "1 studieactiviteit in je winkelwagen" in cart
        check = plain(screen.query_one("#cart-check"))
        assert "Inschrijven zet deze studieactiviteit in je rooster." in check
        await finish_in_dutch(pilot, screen)
    assert status_of(demo_usis, number) == "enrolled"
    assert cart_numbers(demo_usis) == []


async def test_option2_by_searching_the_course_in_dutch(app, demo_usis):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_enrol(pilot)
        await press(pilot, screen, "Doorgaan", nth=1)  # "Inschrijven door de cursus te zoeken"
        pane = screen.add_pane
        assert pane.view == "search"
        found = labels(screen)
        for label in ("Studieactiviteit zoeken · Studiejaar 2026-2027", "Catalogusnummer",
                      "Trefwoord in cursustitel", "Onderdeel", "Dagen van de week",
                      "Begintijd", "Eindtijd", "Docent", "Niveau"):
            assert label in found, label
        assert screen.query_one("#search-open").value is True
        assert str(screen.query_one("#search-open").label) == \
            "Alleen open studieactiviteiten tonen"
        assert str(screen.query_one("#search-day-0").label) == "ma"
        screen.query_one("#search-catalogue", Input).value = "4000MDSAIN"
        await press(pilot, screen, "Zoeken")
        results = screen.query_one("#search-results")
        assert results.display and results.row_count >= 1
        summary = plain(screen.query_one("#search-summary"))
        assert summary.startswith("Zoekresultaten: ") and "gevonden" in summary
        headers = [str(c.label) for c in results.columns.values()]
        assert headers[:3] == ["Catalogusnummer", "Cursustitel", "Studieactiviteit"]
        row = results.get_row_at(0)
        assert row[0] == "4000MDSAIN" and row[2] == "1052"
        await pilot.press("enter")  # the row: the class and its preferences
        await settle_until_idle(pilot)
        assert pane.view == "prefs"
        await press(pilot, screen, "Naar winkelwagen")
        assert cart_numbers(demo_usis) == ["1052"]
        await finish_in_dutch(pilot, screen)
    assert status_of(demo_usis, "1052") == "enrolled"


async def test_a_search_without_criteria_or_with_a_bad_time_in_dutch(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_enrol(pilot)
        await press(pilot, screen, "Doorgaan", nth=1)
        screen.query_one("#search-start", Input).value = "25:00"
        screen.query_one("#search-catalogue", Input).value = "4031"
        await press(pilot, screen, "Zoeken")
        problems = plain(screen.query_one("#search-problems"))
        assert "Begintijd: '25:00' is geen tijd." in problems
        assert "Vul een tijd in zoals 09:00 of 13:45." in problems


async def test_the_other_tabs_in_dutch(app, demo_usis, demo_summary):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_enrol(pilot, tab="schedule")
        text = screen_text(pilot.app)
        for tab in ("Toevoegen", "Uitschrijven", "Ruilen", "Mijn studierooster"):
            assert tab in text, tab
        assert "Mijn studierooster · Studiejaar 2026-2027" in labels(screen)
        summary = plain(screen.query_one("#schedule-summary"))
        assert "ingeschreven" in summary and "op een wachtlijst" in summary
        await screen.show_tab("drop")
        await settle_until_idle(pilot)
        assert button(screen, "Uitschrijven voor selectie")
        await screen.show_tab("swap")
        await settle_until_idle(pilot)
        assert "Deze ruilen" in labels(screen) and "Met deze" in labels(screen)

"""services/auth.py in Dutch: the Login's refusal gives nothing away in Dutch either (the same
message for an unknown name and a wrong password), the throttle's time, the password rules and
the account errors of `usis user` (needs the merged catalogue: /work/i18n/rest.json)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from factories import NOW, PASSWORD

from usis_tui.services import ServiceError
from usis_tui.services.auth import MAX_FAILURES

INVALID_NL = "Je gebruikersnaam en/of wachtwoord is ongeldig."
NEW = "new password 1"


@pytest.fixture
def fast_accounts(monkeypatch):
    monkeypatch.setenv("USIS_SCRYPT_N", "1024")


def refusal(call) -> ServiceError:
    with pytest.raises(ServiceError) as err:
        call()
    return err.value


def shown(err: ServiceError) -> list[tuple[str, str, str]]:
    return [(p.code, p.message, p.hint) for p in err.problems]


@pytest.mark.parametrize("user", ["s7654321", "nobody", "x" * 5000])
def test_unknown_user_and_wrong_password_say_the_same_in_dutch(sc, usis, dutch, user):
    s = sc.student("s1000001")
    wrong = refusal(lambda: usis.auth.login(s.number, "wrong password"))
    unknown = refusal(lambda: usis.auth.login(user, PASSWORD))
    assert shown(unknown) == shown(wrong) == [("invalid_credentials", INVALID_NL, "")]


def test_throttle_and_missing_credentials_in_dutch(sc, usis, dutch):
    s = sc.student()
    for _ in range(MAX_FAILURES - 1):
        refusal(lambda: usis.auth.login(s.number, "wrong"))
    err = refusal(lambda: usis.auth.login(s.number, "wrong"))
    until = NOW + timedelta(minutes=1)
    assert (err.code, str(err)) == (
        "throttled", "Te veel mislukte inlogpogingen voor deze gebruikersnaam; probeer het "
                     f"opnieuw na {until:%H:%M}.")
    err = refusal(lambda: usis.auth.login("", PASSWORD))
    assert str(err) == "Vul je studentnummer (bijv. s1234567) en wachtwoord in."


def test_locked_account_in_dutch(sc, usis, dutch):
    s = sc.student()
    usis.auth.set_locked(s.number)
    err = refusal(lambda: usis.auth.login(s.number, PASSWORD))
    assert shown(err) == [("locked", "Je account is geblokkeerd.",
                           "Vraag de helpdesk om het te deblokkeren.")]


def test_account_errors_and_password_rules_in_dutch(sc, usis, dutch, fast_accounts):
    sc.programme("BSc-INF", "Computer Science")
    sc.student("s1000001")
    assert shown(refusal(lambda: usis.auth.add_user("bob", "trainer", "short"))) == [
        ("weak_password", "Een wachtwoord heeft minstens 8 tekens.", "")]
    assert shown(refusal(lambda: usis.auth.add_user("s1000001", "student", NEW,
                                                    programme="BSc-INF"))) == [
        ("user_exists", "Er bestaat al een account s1000001.",
         "Stel het wachtwoord in met `usis user passwd s1000001`.")]
    assert shown(refusal(lambda: usis.auth.add_user("s1111111", "student", NEW,
                                                    programme="Physics"))) == [
        ("bad_programme", "Er is geen opleiding 'Physics'.", "Opleidingen: Computer Science.")]
    assert shown(refusal(lambda: usis.auth.set_password("nobody", NEW))) == [
        ("unknown_user", "Er is geen account 'nobody'.", "Maak het aan met `usis user add`.")]
    assert shown(refusal(lambda: usis.auth.add_user("bob", "trainer", NEW,
                                                    name="Bob\u202eEvil"))) == [
        ("bad_name", "Naam: geen tekens voor tekstrichting (U+202E): die veranderen hoe de "
                     "tekst leest.", "Typ de naam zoals die getoond moet worden, op één regel.")]

"""`usis portal remind|expire|verify|offerings` and `usis mail flush` on the demo database (clock
2026-11-23 09:30), as the local administrator: the reminder goes once however often the job runs
(cron), a certificate's code verifies (exit 0, its facts; --json) and a made-up one does not
(exit 1), the offering as a table and as JSON, queued mail is sent into the outbox folder."""

from __future__ import annotations

import io
import json
import sys

import pytest
from helpers import DEMO_NOW

from usis_tui.cli import main
from usis_tui.services import Usis

NOW = "2026-11-23T09:30"


@pytest.fixture(autouse=True)
def outbox(tmp_path, monkeypatch):
    """The mail of these tests goes to a folder of the test, not the user's data folder."""
    folder = tmp_path / "outbox"
    monkeypatch.setenv("USIS_MAIL_OUTBOX", str(folder))
    return folder


def run(capsys, monkeypatch, *args: str) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    code = 0
    try:
        main([*args, "--now", NOW])
    except SystemExit as exc:
        code = exc.code or 0
    out, err = capsys.readouterr()
    return code, out, err


def reminders(url: str) -> list[str]:
    """The reminder e-mails queued or sent, by address."""
    from sqlalchemy import select

    from usis_tui.models import OutgoingMail

    usis = Usis.open(url, clock=lambda: DEMO_NOW)
    try:
        with usis.db.read() as session:
            return sorted(session.scalars(select(OutgoingMail.to_address).where(
                OutgoingMail.subject.like("Your course starts soon%"))))
    finally:
        usis.close()


def test_remind_twice_sends_each_reminder_once(demo_db_url, capsys, monkeypatch, outbox):
    code, out, err = run(capsys, monkeypatch, "portal", "remind", "--db", demo_db_url)
    # Negotiation Skills starts in six days: its eleven participants, Sanne among them
    assert (code, out, err) == (0, "11 reminders sent, 0 places released.\n", "")
    sent = reminders(demo_db_url)
    assert len(sent) == 11 and "sanne.devries@example.com" in sent
    assert len(list(outbox.glob("*.eml"))) == 11
    code, out, err = run(capsys, monkeypatch, "portal", "remind", "--db", demo_db_url)
    assert (code, out, err) == (0, "0 reminders sent, 0 places released.\n", "")
    assert reminders(demo_db_url) == sent
    code, out, err = run(capsys, monkeypatch, "portal", "expire", "--db", demo_db_url)
    assert (code, out, err) == (0, "0 places released.\n", "")


def test_verify_a_valid_and_a_made_up_code(demo_db_url, demo_summary, capsys, monkeypatch):
    certificate = demo_summary.highlights["portal_certificate"]
    code, out, err = run(capsys, monkeypatch, "portal", "verify", certificate.lower(),
                         "--db", demo_db_url)
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        f"{certificate}: valid.",
        "  Certificate: Sanne de Vries",
        "  Museum Studies Summer School, 30 Oct 2026 – 10 Nov 2026, 72 hours, 5 EC",
        "  Issued 10 Nov 2026 17:00"]
    code, out, err = run(capsys, monkeypatch, "portal", "verify", certificate, "--json",
                         "--db", demo_db_url)
    facts = json.loads(out)
    assert code == 0 and facts["valid"] is True and facts["name"] == "Sanne de Vries"
    assert (facts["kind"], facts["hours"], facts["starts_on"]) == ("certificate", 72,
                                                                   "2026-10-30")
    code, out, err = run(capsys, monkeypatch, "portal", "verify", "LU-XXXX-XXXX-XXXX",
                         "--db", demo_db_url)
    assert code == 1
    assert out == ("LU-XXXX-XXXX-XXXX: not a valid code. No certificate or proof of "
                   "attendance has this verification code.\n")
    code, out, err = run(capsys, monkeypatch, "portal", "verify", "nope", "--json",
                         "--db", demo_db_url)
    assert code == 1 and json.loads(out)["valid"] is False


def test_offerings_as_a_table_and_as_json(demo_db_url, capsys, monkeypatch):
    code, out, err = run(capsys, monkeypatch, "portal", "offerings", "--db", demo_db_url)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].split() == ["Code", "Dates", "Taken", "Left", "Price", "State", "Course"]
    assert len(lines) == 11
    assert lines[4].split()[:10] == ["LCP-NL2", "7", "Dec", "2026", "–", "4", "Feb", "2027",
                                     "16/16", "0"]
    assert lines[4].endswith("Full         Nederlands voor academici (A2)")
    code, out, err = run(capsys, monkeypatch, "portal", "offerings", "--json", "--db",
                         demo_db_url)
    offerings = {o["code"]: o for o in json.loads(out)}
    assert len(offerings) == 10
    expected = {"state": "nearly_full", "places_left": 2, "places_taken": 18,
                "price_cents": 189500}
    assert {key: offerings["LCP-DSP"][key] for key in expected} == expected


def test_mail_flush_sends_what_is_queued(demo_db_url, capsys, monkeypatch, outbox):
    from usis_tui.models import OutgoingMail

    usis = Usis.open(demo_db_url, clock=lambda: DEMO_NOW)
    try:
        with usis.db.write() as session:
            session.add(OutgoingMail(to_address="anna@example.com", subject="Queued",
                                     body="Hello", created_at=DEMO_NOW, attempts=0))
    finally:
        usis.close()
    code, out, err = run(capsys, monkeypatch, "mail", "flush", "--db", demo_db_url)
    assert (code, out, err) == (0, f"1 e-mail sent (kept in {outbox}).\n", "")
    [kept] = outbox.glob("*.eml")
    assert "Subject: Queued" in kept.read_text()
    code, out, err = run(capsys, monkeypatch, "mail", "flush", "--db", demo_db_url)
    assert (code, out) == (0, f"0 e-mails sent (kept in {outbox}).\n")

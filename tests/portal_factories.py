"""Course Portal test data: a cancellation policy, offerings and accounts on a Scenario's database,
and a clock that tests move."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from factories import password_hash

from usis_tui.models import (
    CancellationPolicy,
    Offering,
    OutgoingMail,
    PolicyRule,
    PortalAccount,
)

PORTAL_NOW = datetime(2027, 1, 11, 10, 0)  # a Monday


class MovingClock:
    """The services' clock: frozen at ``now`` until a test moves it."""

    def __init__(self, now: datetime = PORTAL_NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def move(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class PortalData:
    policy_id: int
    open_id: int  # starts in 6 weeks, 20 places
    last_place_id: int  # one place
    soon_id: int  # starts in 5 days (the reminder is due)
    finished_id: int  # ended yesterday


def seed_policy(db) -> int:
    with db.write() as s:
        policy = CancellationPolicy(name="Standard")
        policy.rules = [PolicyRule(days_before=28, refund_percent=100),
                        PolicyRule(days_before=7, refund_percent=50),
                        PolicyRule(days_before=0, refund_percent=0)]
        s.add(policy)
        s.flush()
        return policy.id


def offering(db, policy_id: int, code: str, *, starts: date, days: int = 5, capacity: int = 20,
             price: int = 49500, vat: int = 21, title: str | None = None,
             record_kind: str = "certificate", online: bool = False) -> int:
    with db.write() as s:
        row = Offering(code=code, title=title or f"Course {code}",
                       description="A course for professionals.", language="en",
                       lecturer="Dr. A. de Vries", online=online,
                       location="https://brightspace.example/c/1" if online else
                       "Lipsius 011, Leiden",
                       starts_on=starts, ends_on=starts + timedelta(days=days - 1), hours=30,
                       ec=None, price_cents=price, vat_percent=vat, capacity=capacity,
                       record_kind=record_kind, status="published", policy_id=policy_id,
                       created_at=PORTAL_NOW)
        s.add(row)
        s.flush()
        return row.id


def seed_portal(db, now: datetime = PORTAL_NOW) -> PortalData:
    policy = seed_policy(db)
    today = now.date()
    return PortalData(
        policy_id=policy,
        open_id=offering(db, policy, "CP-OPEN", starts=today + timedelta(weeks=6),
                         title="Leading Change"),
        last_place_id=offering(db, policy, "CP-LAST", starts=today + timedelta(weeks=3),
                               capacity=1, title="Data Ethics"),
        soon_id=offering(db, policy, "CP-SOON", starts=today + timedelta(days=5),
                         title="Writing Grants", online=True),
        finished_id=offering(db, policy, "CP-DONE", starts=today - timedelta(days=10),
                             title="Negotiation", record_kind="attendance"),
    )


def account(db, email: str = "anna@example.com", *, name: str = "Anna Jansen",
            confirmed: bool = True, language: str | None = None) -> int:
    """A confirmed "Other login" account (password "correct horse")."""
    with db.write() as s:
        row = PortalAccount(email=email, name=name, login="other",
                            password_hash=password_hash(),
                            created_at=PORTAL_NOW,
                            confirmed_at=PORTAL_NOW if confirmed else None,
                            confirm_failures=0, language=language)
        s.add(row)
        s.flush()
        return row.id


def mails(db, to: str | None = None) -> list[OutgoingMail]:
    from sqlalchemy import select

    with db.read() as s:
        stmt = select(OutgoingMail).order_by(OutgoingMail.id)
        if to:
            stmt = stmt.where(OutgoingMail.to_address == to)
        out = list(s.scalars(stmt))
        s.expunge_all()
        return out


def code_from(mail: OutgoingMail) -> str:
    import re

    found = re.search(r"\b(\d{6})\b", mail.body)
    assert found, mail.body
    return found.group(1)

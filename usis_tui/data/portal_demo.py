"""The Course Portal's demo data: cancellation policies, a realistic offering (open, nearly full,
full, started, finished, cancelled; on campus and online; English and Dutch), two demo learners
with their enrolments, payments, an employer's invoice, a withdrawal under review, a certificate,
evaluations, messages — all relative to the demo clock, like the rest of the demo.

    courseadmin / demo                 the Course Portal's administration (Main Menu)
    sanne.devries@example.com / demo   "Other login": a certificate, a course next week
    pieter.bakker@example.com / demo   eduID: an employer's invoice, a withdrawal under review
"""

from __future__ import annotations

import json
import random
from datetime import date, datetime, time, timedelta
from typing import Any

from .. import models as m

PORTAL_ADMIN = ("courseadmin", "Course Portal Administration (Leiden)", "portal")
DEMO_LEARNER = "sanne.devries@example.com"
DEMO_EMPLOYEE = "pieter.bakker@example.com"

POLICIES = {
    "Standard": [(28, 100), (7, 50), (0, 0)],
    "Flexible": [(7, 100), (1, 50)],
    "Summer school": [(56, 100), (28, 50), (0, 0)],
}

#: (code, title, language, lecturer, online, location, start offset (days), days, hours, ec,
#:  price (cents), VAT %, places, taken, record kind, policy, status, description)
OFFERINGS: list[tuple[Any, ...]] = [
    ("LCP-NEG", "Negotiation Skills for Professionals", "en", "Dr. L. M. de Groot", False,
     "Lipsius 011, Leiden", 6, 3, 18, None, 79500, 0, 20, 11, "attendance", "Standard",
     "published", "Three days of practice in principled negotiation, with role plays and "
     "personal feedback. For professionals who negotiate contracts, budgets or partnerships."),
    ("LCP-DSP", "Data Science for Professionals", "en", "Prof.dr. T. H. W. Bäck", True,
     "https://brightspace.universiteitleiden.nl/d2l/home/90210", 21, 35, 60, 5, 189500, 0, 20,
     18, "certificate", "Standard", "published",
     "An online course in Python, statistics and machine learning for people who work with "
     "data. Weekly live sessions; about eight hours of study a week."),
    ("LCP-NL2", "Nederlands voor academici (A2)", "nl", "Drs. M. Jansen", False,
     "P.J. Veth 1.01, Leiden", 14, 60, 40, None, 45000, 0, 16, 16, "attendance", "Flexible",
     "published", "Een cursus Nederlands voor internationale medewerkers en onderzoekers: "
     "spreken en schrijven op A2-niveau, twee avonden per week."),
    ("LCP-LPS", "Leadership in the Public Sector", "en", "Prof.dr. S. Groeneveld", False,
     "Wijnhaven 3.21, The Hague", 35, 5, 24, None, 125000, 0, 25, 4, "certificate", "Standard",
     "published", "For managers in government and public organisations: leading change, "
     "accountability and working with politics. Five days in The Hague."),
    ("LCP-SUS", "Sustainable Cities", "en", "Dr. P. Pinho", True,
     "https://brightspace.universiteitleiden.nl/d2l/home/90344", 56, 42, 84, 3, 49500, 21, 60,
     7, "certificate", "Summer school", "published",
     "How cities become greener, fairer and more resilient: an online course with case studies "
     "from Rotterdam, Copenhagen and Singapore."),
    ("LCP-MST", "Medical Statistics (LUMC)", "en", "Prof.dr. S. le Cessie", False,
     "LUMC, Building 2, room J1-82, Leiden", 70, 4, 28, None, 98000, 0, 30, 12, "attendance",
     "Standard", "published",
     "Regression, survival analysis and mixed models for clinicians and researchers; with "
     "computer practicals in R."),
    ("LCP-GRT", "Writing a Research Grant", "en", "Dr. K. van der Berg", False,
     "Kamerlingh Onnes A0.44, Leiden", 28, 2, 12, None, 39500, 0, 12, 11, "attendance",
     "Flexible", "published",
     "From idea to proposal: writing for NWO and ERC calls, with feedback on your own draft."),
    ("LCP-PHI", "Introduction to Chinese Philosophy", "en", "Prof.dr. C. Defoort", False,
     "Arsenaal 0.01, Leiden", -3, 10, 20, None, 35000, 0, 30, 22, "attendance", "Standard",
     "published", "Confucius, Laozi and Zhuangzi in their time and ours: ten evening lectures."),
    ("LCP-MUS", "Museum Studies Summer School", "en", "Dr. F. Huysmans", False,
     "Rijksmuseum van Oudheden, Leiden", -24, 12, 72, 5, 145000, 0, 25, 21, "certificate",
     "Summer school", "published",
     "Collections, exhibitions and audiences, taught in Leiden's museums by curators and "
     "researchers."),
    ("LCP-LAI", "Law and Artificial Intelligence", "en", "Prof.mr. B. Custers", True,
     "https://brightspace.universiteitleiden.nl/d2l/home/90512", 42, 30, 45, None, 69500, 21,
     40, 0, "certificate", "Standard", "cancelled",
     "Regulation of AI in the EU: the AI Act, liability and data protection. Cancelled: too "
     "few enrolments; a new date follows."),
]
FIRST_NAMES = ["Anna", "Bram", "Chloé", "Daan", "Emma", "Farah", "Guus", "Hanna", "Ilse", "Joris",
               "Karim", "Lotte", "Mila", "Noah", "Olga", "Pim", "Quinten", "Roos", "Sem",
               "Tess", "Umut", "Vera", "Wout", "Yara", "Zoë"]
LAST_NAMES = ["de Jong", "Jansen", "de Vries", "van den Berg", "Bakker", "Visser", "Smit",
              "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks"]
ORGANISATIONS = ["Gemeente Leiden", "Rijkswaterstaat", "Naturalis Biodiversity Center",
                 "LUMC", "Ministerie van Binnenlandse Zaken"]


def seed_portal(add, now: datetime, demo_hash: str, seed: int = 1575) -> dict[str, str]:
    """Add the Course Portal's rows with ``add(model, **values)`` (the demo builder); returns
    the highlights a trainer can show (the demo summary)."""
    rng = random.Random(seed)
    today = now.date()
    policy_ids: dict[str, int] = {}
    for name, rules in POLICIES.items():
        policy_ids[name] = add(m.CancellationPolicy, name=name)
        for days, percent in rules:
            add(m.PolicyRule, policy_id=policy_ids[name], days_before=days,
                refund_percent=percent)
    offerings: dict[str, tuple[int, date, date, int]] = {}
    for (code, title, language, lecturer, online, location, offset, days, hours, ec, price,
         vat, places, _taken, kind, policy, status, description) in OFFERINGS:
        starts = today + timedelta(days=offset)
        ends = starts + timedelta(days=days - 1)
        offerings[code] = (add(m.Offering, code=code, title=title, description=description,
                               language=language, lecturer=lecturer, online=online,
                               location=location, starts_on=starts, ends_on=ends, hours=hours,
                               ec=ec, price_cents=price, vat_percent=vat, capacity=places,
                               record_kind=kind, status=status, policy_id=policy_ids[policy],
                               created_at=datetime.combine(today - timedelta(days=60),
                                                           time(9))),
                           starts, ends, price)

    def account(email: str, name: str, login: str = "other", language: str | None = None) -> int:
        created = datetime.combine(today - timedelta(days=rng.randint(20, 90)), time(12))
        return add(m.PortalAccount, email=email, name=name, login=login, username=None,
                   password_hash=demo_hash, created_at=created, confirmed_at=created,
                   confirm_hash=None, confirm_sent_at=created, confirm_failures=0,
                   language=language)

    payment_seq = iter(range(1, 100000))

    def enrol(account_id: int, code: str, *, status: str = "enrolled", payer: str = "self",
              days_ago: int = 10, **extra: Any) -> int:
        offering_id, starts, _ends, price = offerings[code]
        at = datetime.combine(min(today, starts) - timedelta(days=days_ago), time(10, 5))
        enrolment_id = add(m.PortalEnrolment, offering_id=offering_id, account_id=account_id,
                           status=status, payer=payer, price_cents=price, created_at=at,
                           hold_until=None, enrolled_at=at if status == "enrolled" else None,
                           released_at=None, completion=extra.get("completion"),
                           completed_at=extra.get("completed_at"),
                           confirmed_at=at if status == "enrolled" else None,
                           reminded_at=extra.get("reminded_at"),
                           evaluated_at=extra.get("evaluated_at"))
        if payer == "self" and status == "enrolled":
            method = rng.choice(["ideal", "ideal", "creditcard"])
            payment_id = add(m.Payment, enrolment_id=enrolment_id, provider="test",
                             test_mode=True, reference=f"tr_demo{next(payment_seq):05d}",
                             method=method,
                             issuer="ideal_INGBNL2A" if method == "ideal" else None,
                             amount_cents=price, status="paid", checkout_url=None,
                             created_at=at, expires_at=at + timedelta(minutes=15), paid_at=at)
            add(m.PaymentEvent, payment_id=payment_id, at=at, status="open", detail=method)
            add(m.PaymentEvent, payment_id=payment_id, at=at, status="paid",
                detail="test checkout")
        return enrolment_id

    # everybody else in the courses: the places taken
    fillers = 0
    for (code, *_rest) in OFFERINGS:
        taken = _rest[12]
        past = offerings[code][2] < today
        for _ in range(taken - (1 if code in ("LCP-MUS", "LCP-NEG") else 0)
                       - (1 if code in ("LCP-DSP", "LCP-LPS") else 0)):
            fillers += 1
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            email = f"participant{fillers:03d}@example.org"
            who = account(email, name, login=rng.choice(["other", "eduid"]))
            evaluated = past and rng.random() < 0.7
            enrolment = enrol(who, code, days_ago=rng.randint(5, 40),
                              completion="completed" if past else None,
                              completed_at=datetime.combine(offerings[code][2], time(17))
                              if past else None,
                              evaluated_at=datetime.combine(offerings[code][2], time(18))
                              if evaluated else None)
            if past:
                add(m.PortalRecord, enrolment_id=enrolment, kind="certificate",
                    code=_code(rng), issued_at=datetime.combine(offerings[code][2], time(17)),
                    issued_by=PORTAL_ADMIN[0])
            if evaluated:
                add(m.EvaluationResponse, id=f"{rng.getrandbits(128):032x}",
                    offering_id=offerings[code][0], answers=json.dumps(
                        {**{k: max(1, min(5, round(rng.gauss(4.1, 0.8))))
                            for k in ("content", "lecturer", "organisation", "materials",
                                      "recommend")},
                         "comment": rng.choice(["", "", "More time for questions, please.",
                                                "Excellent lecturer.",
                                                "The museum visits were the best part."])},
                        sort_keys=True))
    # Sanne ("Other login"): a certificate of the summer school, the negotiation course next
    # week (the reminder is due), messages
    sanne = account(DEMO_LEARNER, "Sanne de Vries")
    mus_end = offerings["LCP-MUS"][2]
    done = enrol(sanne, "LCP-MUS", days_ago=50, completion="completed",
                 completed_at=datetime.combine(mus_end, time(17)))
    certificate = _code(rng)
    add(m.PortalRecord, enrolment_id=done, kind="certificate", code=certificate,
        issued_at=datetime.combine(mus_end, time(17)), issued_by=PORTAL_ADMIN[0])
    enrol(sanne, "LCP-NEG", days_ago=12)
    for subject, body, when in (
            ("Enrolment confirmation: Negotiation Skills for Professionals",
             "Dear Sanne de Vries,\n\nYour enrolment for Negotiation Skills for Professionals "
             "is final.", today - timedelta(days=12)),
            ("Your certificate for Museum Studies Summer School",
             f"Dear Sanne de Vries,\n\nYour certificate is ready under My Records.\n\n"
             f"Verification code: {certificate}", mus_end)):
        add(m.PortalMessage, account_id=sanne, category="confirmation", subject=subject,
            body=body, created_at=datetime.combine(when, time(10, 5)), read_at=None)
    # Pieter (eduID): his employer pays Data Science (an invoice, not paid yet); he asked to
    # withdraw from Leadership in the Public Sector (under review)
    pieter = account(DEMO_EMPLOYEE, "Pieter Bakker", login="eduid", language="nl")
    pending = enrol(pieter, "LCP-DSP", status="pending", payer="employer", days_ago=3)
    issued = today - timedelta(days=3)
    price = offerings["LCP-DSP"][3]
    add(m.Invoice, number=f"CP{issued:%Y}-{pending:06d}", enrolment_id=pending,
        organisation="Rijkswaterstaat", address="Griffioenlaan 2\n3526 LA Utrecht",
        reference="PO-4500123987", contact_name="Mw. J. de Boer",
        contact_email="crediteuren@rws.example.nl", net_cents=price, vat_percent=0,
        vat_cents=0, total_cents=price, issued_on=issued, due_on=issued + timedelta(days=30),
        paid_at=None, paid_registered_by=None)
    leadership = enrol(pieter, "LCP-LPS", days_ago=20)
    refund = 100 if offerings["LCP-LPS"][1] - today >= timedelta(days=28) else 50
    add(m.Withdrawal, enrolment_id=leadership,
        reason="Mijn werkgever heeft mijn opleidingsbudget voor dit jaar ingetrokken.",
        requested_at=datetime.combine(today - timedelta(days=1), time(16, 40)),
        status="under_review", refund_percent=refund,
        refund_cents=offerings["LCP-LPS"][3] * refund // 100, settlement=None,
        settlement_number=None, decided_at=None, decided_by=None, note="")
    return {"portal_learner": DEMO_LEARNER, "portal_employee": DEMO_EMPLOYEE,
            "portal_admin": PORTAL_ADMIN[0], "portal_certificate": certificate,
            "portal_open": "LCP-LPS", "portal_nearly_full": "LCP-GRT",
            "portal_full": "LCP-NL2", "portal_soon": "LCP-NEG"}


def _code(rng: random.Random) -> str:
    from ..services.portal.admin import CODE_ALPHABET

    raw = "".join(rng.choice(CODE_ALPHABET) for _ in range(12))
    return f"LU-{raw[:4]}-{raw[4:8]}-{raw[8:]}"


__all__ = ["DEMO_EMPLOYEE", "DEMO_LEARNER", "OFFERINGS", "PORTAL_ADMIN", "seed_portal"]

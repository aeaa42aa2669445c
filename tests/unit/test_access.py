"""services/access.py: the access matrix (every service method × who calls it), the POLICY
completeness check, actor injection, and ids that belong to another student."""

from __future__ import annotations

import inspect
from datetime import datetime

import pytest
from factories import dump, unchanged

from usis_tui.db import Database
from usis_tui.services import ServiceError, Usis, access
from usis_tui.services.access import (
    OTHER_STUDENT,
    POLICY,
    GuardedUsis,
    Principal,
    guard,
    public_methods,
    services,
)

OWN, OTHER, SUPPORT, BOARD, TRAINER = "s1234567", "s7654321", "support", "board", "trainer"
YEAR = "2026-2027"

PRINCIPALS = {
    "own student": Principal(username=OWN, role="student"),
    "other student": Principal(username=OTHER, role="student"),
    "support acting for": Principal(username=SUPPORT, role="support", acting_for=OWN),
    "support not acting": Principal(username=SUPPORT, role="support"),
    "board": Principal(username=BOARD, role="board"),
    "trainer": Principal(username=TRAINER, role="trainer"),
    # the Course Portal: an e-mail account's learner (account 7), another learner, its
    # administration, and somebody browsing the offering without signing in
    "learner": Principal(username="portal:7", role="learner", portal_account=7),
    "other learner": Principal(username="portal:8", role="learner", portal_account=8),
    "portal admin": Principal(username="courseadmin", role="portal"),
    "guest": Principal(username="(guest)", role="guest"),
}
ACCOUNT = 7
EVERYONE = set(PRINCIPALS)
# Who gets through, per rule. Written out here (not derived from the rules' code) so that a
# rule that lets too much through fails.
ALLOWED = {
    "ANYONE": EVERYONE,
    "OWN_STUDENT": {"own student", "support acting for"},
    "OWN_OR_SUPPORT": {"own student", "support acting for", "support not acting"},
    "SUPPORT": {"support acting for", "support not acting"},
    "BOARD": {"board"},
    "BOARD_ROLE": {"board"},
    "TRAINER": {"trainer"},
    "TRAINER_SELF": {"trainer"},
    "SELF": {"own student"},
    "SUPPORT_STUDENT_ACCOUNT": {"support acting for", "support not acting"},
    "SELF_OR_SUPPORT": {"own student", "support acting for", "support not acting"},
    "SUPPORT_STUDENT_MFA": {"support acting for", "support not acting"},
    "OWN_LOG": {"own student", "support acting for"},
    "OWN_ACCOUNT": {"learner"},
    "PORTAL_ADMIN": {"portal admin"},
    "NOBODY": set(),
}


def _facade_methods() -> list[str]:
    usis = Usis(Database("sqlite://"), clock=lambda: datetime(2026, 11, 23, 9, 30))
    try:
        return sorted(f"{name}.{method}" for name, service in services(usis).items()
                      for method in public_methods(service))
    finally:
        usis.close()


METHODS = _facade_methods()


def method_of(usis: Usis, key: str):
    service, method = key.split(".")
    return getattr(services(usis)[service], method)


# ---------------------------------------------------------------------------- the policy
def test_every_public_service_method_has_a_policy_entry():
    missing = [key for key in METHODS if key not in POLICY]
    assert not missing, f"add these to POLICY in services/access.py: {missing}"
    assert len(METHODS) > 50  # the enumeration really finds the services


def test_the_policy_names_only_existing_methods():
    assert not sorted(set(POLICY) - set(METHODS))


def test_rules_only_where_their_parameters_exist():
    usis = Usis(Database("sqlite://"), clock=datetime.now)
    try:
        for key, rule in POLICY.items():
            params = inspect.signature(method_of(usis, key)).parameters
            assert set(rule.needs) <= set(params), (key, rule, list(params))
    finally:
        usis.close()


def test_student_data_is_never_public():
    """A method that names a student, a staff member or an account is never open to anyone."""
    usis = Usis(Database("sqlite://"), clock=datetime.now)
    try:
        for key in METHODS:
            params = inspect.signature(method_of(usis, key)).parameters
            rule = POLICY[key].name
            if "student_number" in params:
                assert rule in {"OWN_STUDENT", "OWN_OR_SUPPORT", "SUPPORT", "BOARD_ROLE",
                                "NOBODY"}, key
            if "staff_username" in params:
                assert rule == "BOARD", key
            if "username" in params and key != "auth.login":  # login: the password is the proof
                assert rule in {"SELF", "SUPPORT_STUDENT_ACCOUNT", "SELF_OR_SUPPORT",
                                "SUPPORT_STUDENT_MFA", "NOBODY"}, key
            if "acting_for" in params:
                assert rule in {"OWN_LOG", "NOBODY"}, key
            if "account_id" in params:
                assert rule in {"OWN_ACCOUNT", "NOBODY"}, key
    finally:
        usis.close()


def test_every_rule_has_an_expected_row():
    assert {rule.name for rule in POLICY.values()} <= set(ALLOWED)


# ---------------------------------------------------------------------------- the matrix
def example_arguments(signature: inspect.Signature) -> dict:
    """Arguments that name the own student (s1234567), the board member "board", and fill
    every other required parameter with a placeholder (the stub never looks at it)."""
    args: dict = {}
    for name, p in signature.parameters.items():
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        if name in ("student_number", "username", "acting_for"):
            args[name] = OWN
        elif name == "staff_username":
            args[name] = BOARD
        elif name == "trainer":
            args[name] = TRAINER
        elif name == "account_id":
            args[name] = ACCOUNT
        elif name == "actor":
            if p.default is p.empty:
                args[name] = None  # the guard fills it in
        elif p.default is p.empty:
            args[name] = "x"
    return args


@pytest.mark.sqlite_only  # the guard's decision does not depend on the database
@pytest.mark.parametrize("key", METHODS)
def test_access_matrix(key, demo_usis, monkeypatch):
    """Every method, called by each kind of principal about the own student s1234567 (the
    service itself is replaced by a recorder: this checks the guard's decision only)."""
    service_name, method = key.split(".")
    service = services(demo_usis)[service_name]
    signature = inspect.signature(getattr(service, method))
    calls: list[dict] = []

    def recorder(*args, **kwargs):
        calls.append(signature.bind(*args, **kwargs).arguments)
        return "done"

    recorder.__signature__ = signature  # type: ignore[attr-defined]
    monkeypatch.setattr(service, method, recorder)
    rule = POLICY[key].name
    for who, principal in PRINCIPALS.items():
        calls.clear()
        call = getattr(getattr(guard(demo_usis, principal), service_name), method)
        args = example_arguments(signature)
        if who in ALLOWED[rule]:
            assert call(**args) == "done", (key, who)
            [seen] = calls
            if "student_number" in args:
                assert seen["student_number"] == OWN
            if "actor" in signature.parameters:
                assert seen["actor"] == principal.username, (key, who)
        else:
            with pytest.raises(ServiceError) as err:
                call(**args)
            assert err.value.code == "not_authorised", (key, who)
            assert calls == [], (key, who)
            if rule == "OWN_STUDENT":
                assert str(err.value) == OTHER_STUDENT


def test_refusal_changes_nothing_and_is_audited(demo_usis):
    refused = sorted(EVERYONE - {"own student", "support acting for"})
    before = dump(demo_usis.db)
    for who in refused:
        with pytest.raises(ServiceError) as err:
            guard(demo_usis, PRINCIPALS[who]).cart.add(OWN, YEAR, "1052")
        assert (err.value.code, str(err.value)) == ("not_authorised", OTHER_STUDENT)
        assert err.value.problems[0].hint
    assert dump(demo_usis.db) == before
    entries = demo_usis.audit.entries(OWN)[-len(refused):]
    assert [(e.actor, e.acting_for, e.action, e.outcome) for e in entries] == [
        (PRINCIPALS[who].username, OWN, "access", "refused") for who in refused]
    assert all("cart.add" in e.detail for e in entries)


def test_a_student_sees_only_their_own_data(demo_usis):
    eva = guard(demo_usis, PRINCIPALS["own student"])
    assert eva.enrolment.schedule(OWN)  # her own: fine
    assert eva.cart.list(" S1234567 ") == demo_usis.cart.list(OWN)  # same student, any case
    for call in (lambda: eva.enrolment.schedule(OTHER), lambda: eva.cart.list(OTHER),
                 lambda: eva.timetable.week(OTHER), lambda: eva.student.messages(OTHER),
                 lambda: eva.petitions.petitions(OTHER), lambda: eva.audit.entries(OWN),
                 lambda: eva.petitions.queue(BOARD), lambda: eva.auth.add_user(
                     "s1111111", "student", "long enough", programme="Computer Science")):
        with pytest.raises(ServiceError) as err:
            call()
        assert err.value.code == "not_authorised"


def test_support_acting_for_a_student_is_recorded_as_support(demo_usis):
    helpdesk = guard(demo_usis, PRINCIPALS["support acting for"])
    line = helpdesk.cart.add(OWN, YEAR, "1052")
    helpdesk.cart.remove(OWN, line.item_id)
    steps = [(r.actor, r.acting_for, r.action) for r in demo_usis.audit.entries(OWN)][-2:]
    assert steps == [(SUPPORT, OWN, "cart_add"), (SUPPORT, OWN, "cart_remove")]
    with pytest.raises(ServiceError) as err:  # acting for Eva, not for Jan
        helpdesk.cart.list(OTHER)
    assert err.value.code == "not_authorised"
    assert helpdesk.audit.entries(OTHER) is not None  # the audit trail: any student


def test_nobody_writes_in_somebody_elses_name(demo_usis):
    eva = guard(demo_usis, PRINCIPALS["own student"])
    with unchanged(demo_usis.db), pytest.raises(ServiceError) as err:
        eva.cart.add(OWN, YEAR, "1052", actor="support")
    assert err.value.code == "not_authorised"
    eva.cart.add(OWN, YEAR, "1052", actor=OWN)  # her own name is fine
    with pytest.raises(ServiceError):
        eva.audit.log(SUPPORT, OWN, "navigate", "Main Menu")
    eva.audit.log(None, OWN, "navigate", "Main Menu")
    assert demo_usis.audit.entries(OWN)[-1].actor == OWN


def test_board_handles_petitions_only_as_itself(demo_usis):
    board = guard(demo_usis, PRINCIPALS["board"])
    assert isinstance(board.petitions.queue(BOARD), list)
    with pytest.raises(ServiceError) as err:
        board.petitions.queue("someone-else")
    assert err.value.code == "not_authorised"
    with pytest.raises(ServiceError) as err:
        board.enrolment.schedule(OWN)
    assert (err.value.code, str(err.value)) == ("not_authorised", OTHER_STUDENT)


def test_a_method_without_a_policy_entry_is_refused(demo_usis, monkeypatch):
    monkeypatch.delitem(access.POLICY, "catalogue.years")
    with pytest.raises(ServiceError) as err:
        guard(demo_usis, PRINCIPALS["own student"]).catalogue.years()
    assert err.value.code == "not_authorised"
    assert "catalogue.years has no access rule" in err.value.problems[0].hint


# ---------------------------------------------------------------------------- other ids
def test_ids_of_another_student_are_refused(demo_usis):
    raw = demo_usis
    jan_item = raw.cart.add(OTHER, YEAR, "1052").item_id
    petition = raw.petitions.submit(OTHER, {
        "petition_type": "Elective course", "source": "external",
        "course_name": "Advanced Information Retrieval", "institution": "University of Amsterdam",
        "institution_type": "University", "level": "500", "ec": "6",
        "course_start": "01-02-2027",
        "motivation": "Search engines are the subject of my graduation project.",
        "documents": "~/Documents/uva-air-course-description.pdf",
        "course_url": "https://studiegids.uva.nl/air"}).id
    jan_message = raw.student.messages(OTHER)[0].id
    eva_sections = {line.cls.section_id for line in raw.enrolment.schedule(OWN)}
    jan_lines = [line for line in raw.enrolment.schedule(OTHER)
                 if line.cls.section_id not in eva_sections]
    assert jan_lines, "the demo gives Jan classes Eva is not in"
    jan_section, jan_enrolment = jan_lines[0].cls.section_id, jan_lines[0].enrolment_id

    eva = guard(raw, PRINCIPALS["own student"])
    refusals = {
        "cart.update": (lambda: eva.cart.update(OWN, jan_item, wait_list_ok=True), "not_in_cart"),
        "cart.remove": (lambda: eva.cart.remove(OWN, jan_item), "not_in_cart"),
        "cart.enrol": (lambda: eva.cart.enrol(OWN, [jan_item]), "not_in_cart"),
        "petitions.petition": (lambda: eva.petitions.petition(OWN, petition), "unknown_petition"),
        "petitions.withdraw": (lambda: eva.petitions.withdraw(OWN, petition, "mine now"),
                               "unknown_petition"),
        "student.mark_read": (lambda: eva.student.mark_read(OWN, jan_message), "unknown_message"),
        "enrolment.drop": (lambda: eva.enrolment.drop(OWN, jan_section), "not_enrolled"),
        "enrolment.swap": (lambda: eva.enrolment.swap(OWN, jan_section, jan_section),
                           "same_class"),
        "exams.confirm": (lambda: eva.exams.confirm(OWN, jan_enrolment), "not_enrolled"),
        "enrolment.edit": (lambda: eva.enrolment.edit(OWN, jan_section, permission_number="PN1"),
                           "not_enrolled"),
    }
    with unchanged(raw.db):
        for key, (call, code) in refusals.items():
            with pytest.raises(ServiceError) as err:
                call()
            assert err.value.code == code, key
            assert "Jan" not in str(err.value) and OTHER not in str(err.value), key
        assert eva.cart.validate(OWN, [jan_item]) == []  # someone else's item: not looked at
    other_class = next(iter(eva_sections))
    with unchanged(raw.db), pytest.raises(ServiceError) as err:
        eva.enrolment.swap(OWN, jan_section, other_class)
    assert err.value.code == "not_enrolled"
    assert raw.cart.list(OTHER)[0].item_id == jan_item  # Jan's cart is as it was


# ---------------------------------------------------------------------------- the facade
def test_the_guarded_facade_forwards_db_now_close_and_hides_the_rest(demo_usis):
    gu = guard(demo_usis, PRINCIPALS["own student"])
    assert isinstance(gu, GuardedUsis)
    assert gu.db is demo_usis.db and gu.now() == demo_usis.now()
    assert {"cart", "enrolment", "student", "timetable", "petitions", "catalogue", "audit",
            "auth"} <= set(dir(gu))
    assert gu.principal == PRINCIPALS["own student"]
    for name in ("ctx", "_usis_", "nothing"):
        with pytest.raises(AttributeError):
            getattr(gu, name)
    for name in ("_item", "enrolment", "ctx", "nothing"):  # private helpers, inner services
        with pytest.raises(AttributeError):
            getattr(gu.cart, name)
    assert gu.cart.list.__name__ == "list"


def test_principal_rules():
    assert Principal(username=" S1234567 ", role="student").username == OWN
    assert Principal(username="support", role="support", acting_for=" S1234567").acting_for == OWN
    assert Principal(username="support", role="support", acting_for="").acting_for is None
    for bad in ({"username": OWN, "role": "student", "acting_for": OTHER},
                {"username": "board", "role": "board", "acting_for": OWN},
                {"username": " ", "role": "student"},
                {"username": "x", "role": "admin"}):
        with pytest.raises(ValueError):
            Principal(**bad)
    p = PRINCIPALS["support acting for"]
    with pytest.raises(ValueError):  # frozen
        p.acting_for = OTHER  # type: ignore[misc]
    assert (p.student_number, PRINCIPALS["board"].student_number) == (OWN, None)


def test_a_petition_submitted_by_support_is_recorded_as_theirs(demo_usis):
    helpdesk = guard(demo_usis, Principal(username=SUPPORT, role="support", acting_for=OTHER))
    petition = helpdesk.petitions.submit(OTHER, {
        "petition_type": "Elective course", "source": "external",
        "course_name": "Advanced Information Retrieval", "institution": "University of Amsterdam",
        "institution_type": "University", "level": "500", "ec": "6",
        "course_start": "01-02-2027", "motivation": "Search engines are my graduation project.",
        "course_url": "https://studiegids.uva.nl/air"})
    helpdesk.petitions.withdraw(OTHER, petition.id, "Submitted by mistake")
    steps = [(r.actor, r.acting_for, r.action) for r in demo_usis.audit.entries(OTHER)][-2:]
    assert steps == [(SUPPORT, OTHER, "petition_submit"), (SUPPORT, OTHER, "petition_withdrawn")]
    events = demo_usis.petitions.petition(OTHER, petition.id).events
    assert {e.actor for e in events} == {SUPPORT}

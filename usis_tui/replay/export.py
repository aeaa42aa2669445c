"""The audit export: ``steps_from_audit`` turns a student's audit entries into a steps file."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from ..navigation import PAGES, canonical_page
from .parser import quote

# ---------------------------------------------------------------------- audit → steps
NAVIGATION_ACTIONS = {"navigate", "open", "open_page", "page", "view", "navigation"}
_CLASS = re.compile(r"\bclass (\d{4})\b", re.IGNORECASE)


def _get(entry: Any, name: str, default: Any = None) -> Any:
    if isinstance(entry, Mapping):
        return entry.get(name, default)
    return getattr(entry, name, default)


def _at(entry: Any) -> str:
    at = _get(entry, "at")
    if isinstance(at, datetime):
        return f"{at:%Y-%m-%d %H:%M}"
    return str(at or "")[:16].replace("T", " ")


def _message(detail: str) -> str:
    """The uSis message of an entry detail such as "class 1052: Success: …"."""
    match = re.match(
        r"\s*class \d{4}(?: \([^)]*\))?(?: for class \d{4})?:\s*(.*)", detail, re.DOTALL
    )
    text = (match.group(1) if match else detail).strip()
    text = text.split(" Reason: ")[0]
    # the first sentence is what the screen shows in one piece
    sentence = re.match(r"(.+?[.!?])(\s|$)", text)
    return (sentence.group(1) if sentence else text).strip()


def _page_of(detail: str) -> str | None:
    name = canonical_page(detail)
    if name:
        return name
    hits = [p for p in PAGES if p.lower() in detail.lower()]
    return max(hits, key=len) if hits else None


def _drop_reason_steps(detail: str) -> list[str]:
    """The drop confirmation's reason (a choice, and the explanation) from " Reason: …"."""
    if " Reason: " not in detail:
        return []
    reason = detail.split(" Reason: ", 1)[1].strip()
    try:
        from ..screens.enrol_manage import DROP_REASONS, OTHER_REASON
    except ImportError:  # pragma: no cover - the screens are part of the package
        DROP_REASONS, OTHER_REASON = (), "Other"
    for choice in DROP_REASONS:
        if choice != OTHER_REASON and reason.startswith(choice):
            steps = [f"type \"Reason\" {quote(choice, True)}"]
            rest = reason[len(choice):].lstrip(": ").strip()
            if rest:
                steps.append(f"type \"Explanation\" {quote(rest, True)}")
            return steps
    return [f"type \"Reason\" {quote(OTHER_REASON, True)}",
            f"type \"Explanation\" {quote(reason, True)}"]


def steps_from_audit(entries: Iterable[Any], student_number: str, *,
                     password: str = "demo") -> str:
    """A steps file that repeats a student's session from their audit entries.

    ``entries`` are ``AuditRow`` objects (``usis.audit.entries``) or the dicts of
    ``usis audit --json``. Logins become ``login``, page visits ``open``, cart additions
    ``enter class`` + Next, enrolments Enrol + Finish enrolling with an ``expect`` per class, drops
    and swaps their tab's steps; every uSis message the student saw becomes an ``expect``.
    Passwords are not in the audit trail: ``password`` is used (the demo password by default).
    Entries that cannot be replayed are kept as comments.
    """
    student = (student_number or "").strip().lower()
    rows = [e for e in entries if (_get(e, "acting_for") or student) == student]
    out: list[str] = []
    first, last = (_at(rows[0]), _at(rows[-1])) if rows else ("", "")
    out.append(f"# Steps from the audit trail of {student} ({len(rows)} entr"
               f"{'y' if len(rows) == 1 else 'ies'}{', ' + first if first else ''}"
               f"{' – ' + last[11:] if last and last != first else ''}).")
    if first:
        out.append(f"# Replay: usis replay FILE --now {first.replace(' ', 'T')}")
    signed_in = False
    page: str | None = None
    i = 0

    def ensure_login() -> None:
        nonlocal signed_in, page
        if not signed_in:
            out.append(f"login {quote(student)} {quote(password)}")
            signed_in, page = True, "Main Menu"

    def ensure_page(name: str) -> None:
        nonlocal page
        ensure_login()
        if page != name:
            out.append(f"open {quote(name, True)}")
            page = name

    while i < len(rows):
        e = rows[i]
        action = str(_get(e, "action", "")).lower()
        outcome = str(_get(e, "outcome", "ok"))
        detail = str(_get(e, "detail", "") or "")
        actor = str(_get(e, "actor", "") or student)
        comment = f"# {_at(e)} {action} {outcome}: {detail}".rstrip(": ")
        if actor != student:
            comment += f" (by {actor})"
        numbers = _CLASS.findall(detail)
        i += 1
        if action == "mfa" and detail.startswith("Password accepted"):
            out.append(comment)  # two-step sign-in: its "login" entry follows the code
            continue
        if action == "login":
            out.append(comment)
            if outcome == "ok":
                signed_in = False
                ensure_login()
                if "; " in detail:  # "Logged in; with a code": the code step after the login
                    out.append("code")
            continue
        if action in NAVIGATION_ACTIONS:
            name = _page_of(detail)
            if name is None:
                out.append(comment)
            else:
                ensure_page(name)
            continue
        if action == "cart_add" and numbers:
            out.append(comment)
            ensure_login()
            out.append(f"enter class {numbers[0]}")
            out.append('press "Next"')
            page = "Enrol"
            if outcome == "ok":
                out.append(f'expect {quote(f"Class {numbers[0]}", True)}')
                out.append('expect "has been added to your Shopping cart"')
            else:
                out.append(f"expect {quote(_message(detail), True)}")
            continue
        if action == "enrol":
            group = [e]
            while (i < len(rows) and str(_get(rows[i], "action", "")).lower() == "enrol"
                   and _CLASS.findall(str(_get(rows[i], "detail", "")))
                   and not any(_CLASS.findall(str(_get(g, "detail", ""))) ==
                               _CLASS.findall(str(_get(rows[i], "detail", ""))) for g in group)):
                group.append(rows[i])
                i += 1
            if not numbers:  # refused as a whole (e.g. nothing selected)
                out.append(comment)
                continue
            for g in group:
                out.append(f"# {_at(g)} enrol {_get(g, 'outcome', 'ok')}: {_get(g, 'detail', '')}")
            if page != "Enrol":
                ensure_page("Shopping cart")
            out.append('press "Enrol"')
            out.append('press "Finish enrolling"')
            for g in group:
                out.append(f"expect {quote(_message(str(_get(g, 'detail', ''))), True)}")
            page = "Enrol"
            continue
        if action == "drop" and numbers:
            out.append(comment)
            ensure_page("Drop")
            out.append(f"select {quote(numbers[0], True)}")
            out.append('press "Drop selected class"')
            out.extend(_drop_reason_steps(detail))
            out.append('press "Yes"')
            out.append(f"expect {quote(_message(detail), True)}")
            continue
        if action == "swap" and len(numbers) >= 2:
            out.append(comment)
            ensure_page("Swap")
            out.append(f"type \"Swap this class\" {quote(numbers[0], True)}")
            out.append(f"type \"With this class\" {quote(numbers[1], True)}")
            out.append('press "Continue"')
            out.append('press "Finish swapping"')
            out.append(f"expect {quote(_message(detail), True)}")
            continue
        if action == "cart_remove" and numbers:
            out.append(comment)
            ensure_page("Shopping cart")
            out.append(f"select {quote(numbers[0], True)}")
            out.append('press "Delete"')
            out.append(f'expect "Class {numbers[0]} deleted from your Shopping cart."')
            continue
        out.append(comment + "  (not replayed)")
    return "\n".join(out) + "\n"

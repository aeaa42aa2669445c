"""The one way a screen calls the services.

    class MyPage(UsisScreen):
        @service_worker(group="load", exclusive=True, problems="#my-problems")
        async def load(self) -> None:
            rows = await self.call(self.usis.cart.list, self.student)   # in a thread
            ...

- ``call_service(node, fn, *args)`` (``UsisScreen.call``) runs a blocking service call in a
  thread, so the UI never freezes. A refusal by the rules (``ServiceError``) passes through for
  the screen to show or handle. Anything else — "database is locked", a full disk, a lost
  connection, a bug — is written to the log file with a reference (usis_tui/failures.py) and
  raised as a ``ServiceError`` with one sentence a student can act on, so the screen's own
  ``except ServiceError`` shows it where it shows every refusal. No SQL, no URL, no traceback.
- ``service_worker`` turns a method into a Textual worker with ``exit_on_error=False`` (harlequin's
  pattern): whatever escapes it — a ServiceError nobody caught, a bug in the screen — becomes one
  message on that screen (in its ProblemList when ``problems`` names one, else a notification).
  The app never exits because of a worker, and a worker is never killed halfway by an error.
- Service calls run only inside a worker: ``call_service`` from an event handler raises at once
  under tests (the app is headless), so a handler that forgot the decorator fails its test
  instead of crashing a student's app the day the database is locked.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any, TypeVar

from textual import work
from textual.dom import DOMNode
from textual.widget import Widget
from textual.worker import NoActiveWorker, Worker, get_current_worker

from ..errors import ServiceError, UsisError
from ..failures import MESSAGES, PAGE, kind_of, log_failure
from ..i18n import N_, _

if TYPE_CHECKING:
    from ..services.schemas import Problem
    from ..widgets.problems import ProblemList

T = TypeVar("T")
ProblemsTarget = "ProblemList | str | None"


#: what failures.py says for each kind of failure (failures.MESSAGES, PAGE), marked for the
#: catalogue here, where the sentence is shown (tests/unit/test_messages_dutch.py checks that
#: they are the same texts)
FAILURE_MESSAGES = {
    "busy": N_("uSis is busy: the database is in use. Nothing was changed; try again in a "
               "moment."),
    "full": N_("uSis could not save: the database's disk is full. Nothing was changed; please "
               "tell the uSis helpdesk."),
    "read_only": N_("uSis cannot write to its database at the moment. Nothing was changed; "
                    "please tell the uSis helpdesk."),
    "connection": N_("uSis has lost its connection to the database. Nothing was changed; try "
                     "again in a moment."),
    "unexpected": N_("Something went wrong in uSis. Nothing was changed; try again, and if it "
                     "keeps happening, contact the uSis helpdesk."),
    "page": N_("Something went wrong on this page. Check what you see before you try again; if "
               "it keeps happening, contact the uSis helpdesk."),
}


def failure_message(kind: str) -> str:
    """The sentence for a kind of failure (busy, full, read_only, connection, unexpected,
    page), in the current language."""
    english = PAGE if kind == "page" else MESSAGES.get(kind, MESSAGES["unexpected"])
    return _(english)


def describe(exc: BaseException, where: str = "") -> tuple[str, str, str]:
    """failures.describe in the current language: (kind, message, hint), the detail logged
    under the reference the hint names."""
    reference = log_failure(exc, where)
    if isinstance(exc, UsisError):
        return "error", str(exc), _("Reference {reference}.").format(reference=reference)
    kind = kind_of(exc)
    return kind, failure_message(kind), _(
        "Reference {reference} (the details are in the uSis log).").format(reference=reference)


class OutsideWorker(RuntimeError):
    """A service was called from an event handler instead of a service worker (a bug)."""


def unexpected_problem(exc: BaseException, where: str = "") -> Problem:
    """One Problem for a failure that is not a rule's refusal (logged with a reference)."""
    from ..services.schemas import Problem  # pydantic: not before a page's first frame

    kind, message, hint = describe(exc, where)
    return Problem(code=f"failure_{kind}", message=message, hint=hint)


def is_failure(exc: ServiceError) -> bool:
    """True when the ServiceError stands for an unexpected failure (the database busy or
    unreachable, a bug), not for a refusal by the rules."""
    return exc.code.startswith("failure_")


def _in_handler() -> bool:
    """True inside an event handler of the app (a message pump's task, not a worker): a
    failure there would stop the widget's message loop and the app."""
    try:
        get_current_worker()
    except NoActiveWorker:
        task = asyncio.current_task()
        return task is not None and task.get_name().startswith("message pump ")
    return False


async def call_service(node: DOMNode, fn: Callable[..., T], *args: Any,
                       loading: Widget | None = None, **kwargs: Any) -> T:
    """Run the blocking service call ``fn(*args, **kwargs)`` in a thread (see the module doc)."""
    if _in_handler():
        name = getattr(fn, "__qualname__", repr(fn))
        if node.app.is_headless:
            raise OutsideWorker(f"{name} called from an event handler, not a service worker")
        log_failure(OutsideWorker(name), "service call outside a worker")
    if loading is not None:
        loading.loading = True
    try:
        return await asyncio.to_thread(fn, *args, **kwargs)
    except (ServiceError, asyncio.CancelledError):
        raise
    except Exception as exc:  # noqa: BLE001 - every other failure: one sentence, logged
        raise ServiceError(unexpected_problem(exc, getattr(fn, "__qualname__", ""))) from exc
    finally:
        if loading is not None:
            loading.loading = False


def _problem_list(node: DOMNode, target: Any) -> ProblemList | None:
    from ..widgets.problems import ProblemList

    if target is None:
        return None
    if isinstance(target, ProblemList):
        return target if target.is_attached else None
    for root in (node, getattr(node, "screen", None)):
        if root is None:
            continue
        try:
            found = root.query(target)
        except Exception:  # noqa: BLE001 - a node that is being removed
            continue
        for widget in found:
            if isinstance(widget, ProblemList) and widget.is_attached:
                return widget
    return None


def report(node: DOMNode, exc: BaseException, problems: Any = None, *,
           title: str | None = None) -> None:
    """Show ``exc`` once on ``node``'s screen: a ServiceError's problems (uSis wording and
    hints), or one sentence for anything else (the detail goes to the log)."""
    from ..services.schemas import Problem

    title = _("Not processed") if title is None else title
    if isinstance(exc, ServiceError):
        items = exc.problems
    elif isinstance(exc, UsisError):
        items = [Problem(code="error", message=str(exc))]
    else:
        kind, message, hint = describe(exc, f"{type(node).__name__}")
        items = [Problem(code=f"failure_{kind}", message=failure_message("page"), hint=hint)]
        title = _("Unexpected error")
    target = _problem_list(node, problems)
    if target is not None:
        target.show(items)
        return
    text = "\n".join(f"{p.message} {p.hint}".strip() for p in items)
    try:  # a widget's (or screen's) own notification; any other node's goes to the app
        (node if isinstance(node, Widget) else node.app).notify(
            text, title=title, severity="error", timeout=12)
    except Exception:  # noqa: BLE001 - a node already removed: tell the app instead
        try:
            node.app.notify(text, title=title, severity="error", timeout=12)
        except Exception:  # noqa: BLE001
            pass


async def _guarded(node: DOMNode, coro: Coroutine[Any, Any, T], problems: Any) -> T | None:
    try:
        return await coro
    except asyncio.CancelledError:
        raise
    except Exception as exc:  # noqa: BLE001 - the one handler
        report(node, exc, problems)
        return None


def service_worker(method: Callable[..., Coroutine[Any, Any, Any]] | None = None, *,
                   group: str = "default", exclusive: bool = False, problems: Any = None,
                   description: str | None = None) -> Any:
    """Decorate an ``async`` method of a screen or widget: calling it starts a worker (returns
    the ``Worker``); failures are shown by :func:`report`. ``problems`` is the CSS selector of the
    ProblemList where they go (searched in the node, then its screen)."""

    def decorate(fn: Callable[..., Coroutine[Any, Any, Any]]) -> Any:
        @functools.wraps(fn)
        async def run(self: DOMNode, *args: Any, **kwargs: Any) -> Any:
            return await _guarded(self, fn(self, *args, **kwargs), problems)

        run.__usis_service_worker__ = True  # type: ignore[attr-defined]
        return work(run, group=group, exclusive=exclusive, exit_on_error=False,
                    description=description)

    return decorate(method) if method is not None else decorate


def start(node: DOMNode, coro: Coroutine[Any, Any, Any], *, problems: Any = None,
          group: str = "default", exclusive: bool = False) -> Worker:
    """Run ``coro`` (which calls services) as a worker of ``node``, with the same handler as
    :func:`service_worker`: for a coroutine that is not a method of the node (an app action)."""
    return node.run_worker(_guarded(node, coro, problems), group=group, exclusive=exclusive,
                           exit_on_error=False)

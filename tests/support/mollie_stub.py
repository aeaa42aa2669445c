"""A local stand-in for Mollie's payments API (v2), for testing MollieProvider through Mollie's
official client (mollie-api-python) over real HTTP.

It speaks the part of the API the portal uses, the way Mollie does (docs.mollie.com,
"Create payment" / "Get payment"; the shapes follow the client's own test responses):

- ``POST /v2/payments``: the API key in ``Authorization: Bearer ...`` (401 otherwise); the JSON
  checked as Mollie checks it (``amount`` {currency, value: a string with exactly two
  decimals}, ``description``, ``redirectUrl``, ``method`` among the enabled ones, ``issuer``
  an iDEAL bank, ``metadata`` at most 1 kB) — 422 with the ``field`` otherwise; 201 with a
  payment resource (``resource: "payment"``, ``id: "tr_..."``, ``mode``, ``status: "open"``,
  ``expiresAt``, ``_links.checkout``...). A repeated ``Idempotency-Key`` replays the payment.
- ``GET /v2/payments/{id}``: the payment as it is now (``stub.set_status(id, "paid")``);
  404 for an unknown id.

Errors are Mollie's problem documents (``status``, ``title``, ``detail``, ``field``), sent as
``application/hal+json``. Every request is kept in ``stub.requests``.

    with MollieStub(api_key="test_...") as stub:
        stub.url            # http://127.0.0.1:PORT (the client appends /v2)
"""

from __future__ import annotations

import json
import re
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

ENABLED_METHODS = ("ideal", "creditcard")
IDEAL_ISSUERS = ("ideal_ABNANL2A", "ideal_ASNBNL21", "ideal_BUNQNL2A", "ideal_INGBNL2A",
                 "ideal_KNABNL2H", "ideal_RABONL2U", "ideal_RBRBNL21", "ideal_REVOLT21",
                 "ideal_SNSBNL2A", "ideal_TRIONL2U")
STATUSES = ("open", "pending", "authorized", "paid", "canceled", "expired", "failed")
PAYMENT_LIFETIME = timedelta(minutes=15)  # an iDEAL or card payment left open expires


class Problem(Exception):
    def __init__(self, status: int, title: str, detail: str, field: str | None = None) -> None:
        super().__init__(detail)
        self.status, self.title, self.detail, self.field = status, title, detail, field

    def document(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"status": self.status, "title": self.title, "detail": self.detail}
        if self.field:
            doc["field"] = self.field
        doc["_links"] = {"documentation": {"href": "https://docs.mollie.com/errors",
                                           "type": "text/html"}}
        return doc


def _unprocessable(detail: str, field: str) -> Problem:
    return Problem(422, "Unprocessable Entity", detail, field)


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: dict[str, Any] | None


@dataclass
class MollieStub:
    api_key: str = "test_dHar4XY7LxsDOtmnkVtjNVWXLSlXsM"
    payments: dict[str, dict[str, Any]] = field(default_factory=dict)
    requests: list[Request] = field(default_factory=list)
    _by_key: dict[str, str] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # ------------------------------------------------------------------ running
    def start(self) -> MollieStub:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                stub._serve(self, "POST")

            def do_GET(self) -> None:  # noqa: N802
                stub._serve(self, "GET")

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass  # quiet

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.02,),
                                       daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        """Down: the port is closed (a client gets "connection refused")."""
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)

    def __enter__(self) -> MollieStub:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    # ------------------------------------------------------------------ what a test does
    def set_status(self, payment_id: str, status: str) -> None:
        """What the payer did at the checkout (or what the payment became)."""
        assert status in STATUSES, status
        with self._lock:
            payment = self.payments[payment_id]
            payment["status"] = status
            stamp = _iso(datetime.now(UTC))
            for state, key in (("paid", "paidAt"), ("canceled", "canceledAt"),
                               ("expired", "expiredAt"), ("failed", "failedAt"),
                               ("authorized", "authorizedAt")):
                if status == state:
                    payment[key] = stamp
            if status != "open":
                payment["_links"].pop("checkout", None)  # only an open payment has a checkout
                payment.pop("expiresAt", None)
            payment["isCancelable"] = False

    def created(self) -> list[dict[str, Any]]:
        """The bodies of the payments created (valid or not), oldest first."""
        return [r.body or {} for r in self.requests
                if r.method == "POST" and r.path == "/v2/payments"]

    # ------------------------------------------------------------------ the API
    def _serve(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        body: dict[str, Any] | None = None
        headers = {k.lower(): v for k, v in handler.headers.items()}
        try:
            if raw:
                try:
                    parsed = json.loads(raw)
                except ValueError:
                    raise Problem(400, "Bad Request",
                                  "The request body is not valid JSON") from None
                if not isinstance(parsed, dict):
                    raise Problem(400, "Bad Request", "The request body must be a JSON object")
                body = parsed
            self.requests.append(Request(method, handler.path, headers, body))
            if headers.get("authorization") != f"Bearer {self.api_key}":
                raise Problem(401, "Unauthorized Request",
                              "Missing authentication, or failed to authenticate")
            status, extra, answer = self._route(method, handler.path, body or {}, headers)
        except Problem as problem:
            status, extra, answer = problem.status, {}, problem.document()
        data = json.dumps(answer).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/hal+json")
        handler.send_header("Content-Length", str(len(data)))
        for name, value in extra.items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(data)

    def _route(self, method: str, path: str, body: dict[str, Any],
               headers: dict[str, str]) -> tuple[int, dict[str, str], dict[str, Any]]:
        path = path.split("?", 1)[0]
        if method == "POST" and path == "/v2/payments":
            key = headers.get("idempotency-key")
            with self._lock:
                if key and key in self._by_key:
                    return 201, {"Idempotent-Replayed": "true"}, self.payments[self._by_key[key]]
                payment = self._create(body)
                if key:
                    self._by_key[key] = payment["id"]
            return 201, {}, payment
        found = re.fullmatch(r"/v2/payments/([^/]+)", path)
        if method == "GET" and found:
            with self._lock:
                payment = self.payments.get(found.group(1))
                if payment is None:
                    raise Problem(404, "Not Found",
                                  f"No payment exists with token {found.group(1)}.")
                return 200, {}, json.loads(json.dumps(payment))
        raise Problem(404, "Not Found", "The resource does not exist")

    def _create(self, body: dict[str, Any]) -> dict[str, Any]:
        amount = body.get("amount")
        if not isinstance(amount, dict):
            raise _unprocessable("The amount is required", "amount")
        currency, value = amount.get("currency"), amount.get("value")
        if not isinstance(currency, str) or not re.fullmatch(r"[A-Z]{3}", currency):
            raise _unprocessable("The currency is invalid", "amount.currency")
        if currency != "EUR":
            raise _unprocessable("The currency is not supported by the payment method",
                                 "amount.currency")
        if not isinstance(value, str) or not re.fullmatch(r"\d+\.\d{2}", value):
            raise _unprocessable("The amount contains an invalid value", "amount.value")
        if float(value) < 0.01:
            raise _unprocessable("The amount is lower than the minimum", "amount.value")
        if float(value) > 50000:
            raise _unprocessable("The amount is higher than the maximum", "amount.value")
        description = body.get("description")
        if not isinstance(description, str) or not description.strip():
            raise _unprocessable("The description is required", "description")
        redirect = body.get("redirectUrl")
        if not isinstance(redirect, str) or not re.match(r"https?://[^\s/]+", redirect):
            raise _unprocessable("The redirect URL is invalid", "redirectUrl")
        method = body.get("method")
        if method is not None and method not in ENABLED_METHODS:
            raise _unprocessable(f"The payment method is invalid or not enabled: {method}",
                                 "method")
        issuer = body.get("issuer")
        if issuer is not None:
            if method != "ideal":
                raise _unprocessable("An issuer can only be given for iDEAL payments",
                                     "issuer")
            if issuer not in IDEAL_ISSUERS:
                raise _unprocessable("The payment method issuer is invalid", "issuer")
        metadata = body.get("metadata")
        if metadata is not None and len(json.dumps(metadata)) > 1024:
            raise _unprocessable("The metadata is too large (at most 1 kB)", "metadata")
        token = secrets.token_urlsafe(8).replace("-", "a").replace("_", "b")[:10]
        payment_id = f"tr_{token}"
        now = datetime.now(UTC)
        checkout = (f"https://www.mollie.com/checkout/issuer/select/ideal/{token}"
                    if method == "ideal" and not issuer else
                    f"https://www.mollie.com/checkout/{method or 'select-method'}/{token}")
        payment: dict[str, Any] = {
            "resource": "payment",
            "id": payment_id,
            "mode": "test" if self.api_key.startswith("test_") else "live",
            "createdAt": _iso(now),
            "amount": {"value": value, "currency": currency},
            "description": description[:255],
            "method": method,
            "metadata": metadata,
            "status": "open",
            "isCancelable": False,
            "expiresAt": _iso(now + PAYMENT_LIFETIME),
            "details": None,
            "profileId": "pfl_QkEhN94Ba",
            "sequenceType": "oneoff",
            "redirectUrl": redirect,
            "_links": {
                "self": {"href": f"https://api.mollie.com/v2/payments/{payment_id}",
                         "type": "application/hal+json"},
                "checkout": {"href": checkout, "type": "text/html"},
                "dashboard": {"href": f"https://my.mollie.com/dashboard/payments/{payment_id}",
                              "type": "text/html"},
                "documentation": {
                    "href": "https://docs.mollie.com/reference/v2/payments-api/create-payment",
                    "type": "text/html"},
            },
        }
        self.payments[payment_id] = payment
        return json.loads(json.dumps(payment))


@contextmanager
def configured(monkeypatch, api_key: str | None = None) -> Iterator[MollieStub]:
    """A stub running, and uSis configured to pay at it (as an operator configures Mollie:
    USIS_PAYMENT_PROVIDER, USIS_MOLLIE_API_KEY, USIS_MOLLIE_API_URL)."""
    with (MollieStub(api_key=api_key) if api_key else MollieStub()) as stub:
        monkeypatch.setenv("USIS_PAYMENT_PROVIDER", "mollie")
        monkeypatch.setenv("USIS_MOLLIE_API_KEY", stub.api_key)
        monkeypatch.setenv("USIS_MOLLIE_API_URL", stub.url)
        yield stub


def _iso(moment: datetime) -> str:
    return moment.replace(microsecond=0).isoformat()


__all__ = ["MollieStub", "configured"]

"""Payment providers for the Course Portal.

A provider opens a payment for an amount and later says what became of it (open, paid, failed,
canceled, expired — the states a payment provider such as Mollie uses). The portal never holds a
database lock while it talks to a provider.

- ``TestModeProvider`` (``payment_provider = "test"``, the default): behaves like a provider's
  test mode. It has no checkout of its own: the portal's test checkout page lets the payer pick
  the outcome, which ``PortalService.checkout`` applies exactly as a real provider's answer
  would be applied.
- ``MollieProvider`` (``payment_provider = "mollie"``, ``USIS_MOLLIE_API_KEY``): Mollie's API,
  ``mollie_api_url`` pointing elsewhere in tests (a local stub).
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Protocol

from pydantic import BaseModel, ConfigDict

from ...i18n import N_

#: iDEAL's banks (issuers) as a checkout lists them: id → name
IDEAL_BANKS: dict[str, str] = {
    "ideal_ABNANL2A": "ABN AMRO",
    "ideal_ASNBNL21": "ASN Bank",
    "ideal_BUNQNL2A": "bunq",
    "ideal_INGBNL2A": "ING",
    "ideal_KNABNL2H": "Knab",
    "ideal_RABONL2U": "Rabobank",
    "ideal_RBRBNL21": "RegioBank",
    "ideal_REVOLT21": "Revolut",
    "ideal_SNSBNL2A": "SNS",
    "ideal_TRIONL2U": "Triodos Bank",
}
#: what the test checkout offers (a provider's test mode)
TEST_OUTCOMES = {"paid": N_("Paid"), "failed": N_("Failed"), "canceled": N_("Cancelled"),
                 "expired": N_("Expired")}


class ProviderError(Exception):
    """The provider could not be reached or refused the request (shown as one clear message)."""


class ProviderPayment(BaseModel):
    model_config = ConfigDict(frozen=True)

    reference: str
    status: str
    checkout_url: str | None = None


class PaymentProvider(Protocol):
    name: str
    test_mode: bool

    def create(self, *, amount_cents: int, description: str, method: str, issuer: str | None,
               expires_at: datetime, metadata: dict[str, str]) -> ProviderPayment: ...

    def status(self, reference: str) -> str | None:
        """The payment's state at the provider; None: nothing new to say."""
        ...


class TestModeProvider:
    """The built-in provider, in test mode: the payer picks the outcome on the checkout."""

    name = "test"
    test_mode = True

    def create(self, *, amount_cents: int, description: str, method: str, issuer: str | None,
               expires_at: datetime, metadata: dict[str, str]) -> ProviderPayment:
        return ProviderPayment(reference="tr_" + secrets.token_hex(8), status="open")

    def status(self, reference: str) -> str | None:
        return None  # the checkout page tells the outcome


class MollieProvider:
    """Mollie's payments API (v2) through its official client ``mollie-api-python``."""

    name = "mollie"

    def __init__(self, api_key: str, api_url: str | None = None) -> None:
        self.api_key = api_key.strip()
        self.api_url = _endpoint(api_url)
        self.test_mode = self.api_key.startswith("test_")

    def _client(self):
        try:
            from mollie.api.client import Client
        except ImportError as exc:  # pragma: no cover - an installation problem
            raise ProviderError("mollie-api-python is not installed") from exc
        client = Client(api_endpoint=self.api_url) if self.api_url else Client()
        client.set_api_key(self.api_key)
        return client

    def create(self, *, amount_cents: int, description: str, method: str, issuer: str | None,
               expires_at: datetime, metadata: dict[str, str]) -> ProviderPayment:
        data: dict[str, object] = {
            "amount": {"currency": "EUR",
                       "value": f"{amount_cents // 100}.{amount_cents % 100:02d}"},
            "description": description[:255],
            "redirectUrl": "https://courseportal.example/return",
            "method": method,
            "metadata": metadata,
        }
        if issuer:
            data["issuer"] = issuer
        try:
            payment = self._client().payments.create(data)
        except Exception as exc:  # the client's own errors, network errors
            raise ProviderError(str(exc)) from exc
        return ProviderPayment(reference=payment.id, status=payment.status,
                               checkout_url=payment.checkout_url)

    def status(self, reference: str) -> str | None:
        try:
            status = self._client().payments.get(reference).status
        except Exception as exc:
            raise ProviderError(str(exc)) from exc
        return str(status) if status else None


def _endpoint(url: str | None) -> str | None:
    """The API's address as the client wants it: without the version it adds itself
    (``https://api.mollie.com``, also when configured as ``https://api.mollie.com/v2/``)."""
    if not url or not url.strip():
        return None
    url = url.strip().rstrip("/")
    return url.removesuffix("/v2") or None


def provider_from_settings() -> PaymentProvider:
    """The provider the configuration names (``payment_provider``)."""
    from ... import config

    settings = config.settings()
    if settings.payment_provider == "mollie":
        if settings.mollie_api_key is None:
            raise ProviderError("payment_provider is mollie but USIS_MOLLIE_API_KEY is not set")
        return MollieProvider(settings.mollie_api_key.get_secret_value(),
                              settings.mollie_api_url)
    return TestModeProvider()


__all__ = ["IDEAL_BANKS", "TEST_OUTCOMES", "MollieProvider", "PaymentProvider", "ProviderError",
           "ProviderPayment", "TestModeProvider", "provider_from_settings"]

"""The provider interface and the plain values that cross it.

Providers speak their own HTTP APIs and sign/verify their own way; the payments service
only sees these values. Amounts travel in minor units (fen, cents) at this boundary because
that is what every provider counts in; `to_minor` refuses amounts that are not whole fen.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Protocol


class ProviderName(StrEnum):
    """Stored in `Payment.provider`, lower case as the orders side writes it."""

    WECHAT = "wechat"
    STRIPE = "stripe"
    SANDBOX = "sandbox"


class PaymentChannel(StrEnum):
    """Where the shopper pays from; decides the provider."""

    MINI_PROGRAM = "MINI_PROGRAM"
    H5 = "H5"


# Which real provider serves which channel (the sandbox, when on, serves both).
CHANNEL_PROVIDERS: dict[PaymentChannel, ProviderName] = {
    PaymentChannel.MINI_PROGRAM: ProviderName.WECHAT,
    PaymentChannel.H5: ProviderName.STRIPE,
}


class ProviderError(Exception):
    """The provider could not be reached, failed, or answered something we cannot trust
    (bad signature). Nothing is known to have happened: retry later."""


class ProviderRejected(Exception):
    """The provider understood and said no (e.g. refund larger than what is left)."""

    def __init__(self, code: str, message: str = "") -> None:
        super().__init__(f"{code}: {message}" if message else code)
        self.code = code
        self.message = message


class NotificationRejected(Exception):
    """A notification failed verification. `reason` is safe to log (no secrets, no body)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def check_timestamp_window(timestamp: int, *, tolerance_seconds: int, skew_seconds: int) -> None:
    """Refuse a signed notification dated outside [now - tolerance, now + skew].

    A captured notification replayed later is too old; one dated ahead of our clock by more
    than the skew we allow could otherwise be replayed for longer than the tolerance.
    """
    now = time.time()
    if timestamp < now - tolerance_seconds:
        raise NotificationRejected("timestamp too old")
    if timestamp > now + skew_seconds:
        raise NotificationRejected("timestamp in the future")


def to_minor(amount: Decimal) -> int:
    """12.50 -> 1250. Every currency we take (CNY) has two decimals."""
    minor = amount * 100
    if minor != minor.to_integral_value() or minor <= 0:
        raise ValueError(f"amount {amount} is not a positive whole number of fen")
    return int(minor)


def from_minor(minor: int) -> Decimal:
    return (Decimal(minor) / 100).quantize(Decimal("0.01"))


@dataclass(frozen=True, slots=True)
class Charge:
    """What we ask a provider to collect. The amount is the server's, never the client's."""

    out_trade_no: str
    order_id: int
    amount: Decimal
    currency: str
    description: str
    payer_openid: str | None = None  # WeChat JSAPI needs the payer
    expires_at: datetime | None = None  # the provider stops accepting payment then


@dataclass(frozen=True, slots=True)
class Checkout:
    """What the client needs to let the shopper pay. `params` may hold a client secret:
    hand it to the shopper's client, never log or store it."""

    provider: ProviderName
    reference: str  # WeChat prepay_id, Stripe PaymentIntent id, sandbox reference
    params: dict[str, str]
    reference_expires_at: datetime | None = None  # reuse the reference until then


class TradeState(StrEnum):
    UNPAID = "UNPAID"  # not paid yet; may still be paid
    PAID = "PAID"
    CLOSED = "CLOSED"  # can no longer be paid
    FAILED = "FAILED"  # the attempt failed; not paid
    NOT_FOUND = "NOT_FOUND"  # the provider never heard of it (never ordered)


@dataclass(frozen=True, slots=True)
class Trade:
    """A provider's answer about one payment."""

    state: TradeState
    out_trade_no: str
    transaction_id: str | None = None
    amount_minor: int | None = None
    currency: str | None = None
    paid_at: datetime | None = None
    raw_state: str = ""


@dataclass(frozen=True, slots=True)
class RefundOrder:
    out_refund_no: str  # stable: derived from what asked for the refund, so retries dedupe
    out_trade_no: str
    transaction_id: str | None  # provider payment id (WeChat transaction_id, Stripe PI id)
    amount: Decimal  # to give back now
    total: Decimal  # what the payment collected
    currency: str
    reason: str = ""


class RefundState(StrEnum):
    PROCESSING = "PROCESSING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"


@dataclass(frozen=True, slots=True)
class RefundResult:
    out_refund_no: str
    state: RefundState
    refund_id: str | None = None
    amount_minor: int | None = None
    raw_state: str = ""


class NotificationKind(StrEnum):
    PAYMENT_SUCCEEDED = "PAYMENT_SUCCEEDED"
    PAYMENT_FAILED = "PAYMENT_FAILED"  # for good: this attempt can take no money any more
    # One try failed but the attempt stays payable (Stripe: another card on the same
    # PaymentIntent); `extra["failure"]` says why.
    PAYMENT_ATTEMPT_FAILED = "PAYMENT_ATTEMPT_FAILED"
    REFUND_SUCCEEDED = "REFUND_SUCCEEDED"
    REFUND_FAILED = "REFUND_FAILED"
    IGNORED = "IGNORED"  # authentic, but nothing we act on (answered with success)


@dataclass(frozen=True, slots=True)
class Notification:
    """A verified (signature, freshness, decryption, merchant) provider notification."""

    provider: ProviderName
    kind: NotificationKind
    event_id: str  # the provider's id for this notification, for de-duplication
    event_type: str = ""
    out_trade_no: str | None = None
    transaction_id: str | None = None
    amount_minor: int | None = None
    currency: str | None = None
    out_refund_no: str | None = None
    refund_id: str | None = None
    occurred_at: datetime | None = None
    extra: dict[str, str] = field(default_factory=dict)

    def ensure_matches(self, *, out_trade_no: str, amount: Decimal, currency: str) -> None:
        """Refuse a payment notification that is not exactly the payment we asked for."""
        if self.out_trade_no != out_trade_no:
            raise NotificationRejected("out_trade_no differs from ours")
        if self.currency is None or self.currency.upper() != currency.upper():
            raise NotificationRejected("currency differs from ours")
        if self.amount_minor != to_minor(amount):
            raise NotificationRejected("amount differs from ours")


class PaymentProvider(Protocol):
    name: ProviderName

    async def start(self) -> None: ...

    async def aclose(self) -> None: ...

    async def create_checkout(self, charge: Charge, *, reuse: str | None = None) -> Checkout:
        """Order the payment with the provider, or, given the reference of an earlier
        checkout of the same charge that is still valid, re-issue its client parameters
        without ordering again."""
        ...

    async def query(self, *, out_trade_no: str, reference: str | None) -> Trade: ...

    async def close(self, *, out_trade_no: str, reference: str | None) -> Trade:
        """Stop the provider accepting payment. Returns what the payment ended as: PAID when
        the shopper paid first (WeChat ORDERPAID), else CLOSED / NOT_FOUND."""
        ...

    async def refund(self, order: RefundOrder) -> RefundResult:
        """Idempotent on `order.out_refund_no`: asking twice refunds once."""
        ...

    async def query_refund(self, *, out_refund_no: str, refund_id: str | None) -> RefundResult: ...

    async def parse_notification(self, *, headers: Mapping[str, str], body: bytes) -> Notification:
        """Verify and decode a notification; raise `NotificationRejected` if it is not
        authentic, fresh and addressed to our merchant."""
        ...

"""Stripe for H5 cards, through PaymentIntents and Stripe's official `stripe` package.

The card is typed into Stripe's own fields (Stripe.js / Payment Element) in the shopper's
browser, so no card number, CVC or expiry ever reaches our server, database, logs or
schema: we create the PaymentIntent with the server's amount and hand the client only its
`client_secret`. Every money-moving request carries an Idempotency-Key derived from our
own number (out_trade_no, out_refund_no), so a retried request never charges or refunds
twice.

Webhooks are verified with `construct_event` (HMAC over `t.body`, tolerance 300 s), and
timestamps from the future are refused too, which Stripe's library does not do. Events can
arrive out of order, so for anything but a success (which is final) we re-read the object
and act on its current state.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Mapping
from datetime import UTC, datetime
from typing import Any, TypeVar

import stripe

from resolvers.payments.providers.base import (
    Charge,
    Checkout,
    Notification,
    NotificationKind,
    NotificationRejected,
    ProviderError,
    ProviderName,
    ProviderRejected,
    RefundOrder,
    RefundResult,
    RefundState,
    Trade,
    TradeState,
    check_timestamp_window,
    to_minor,
)
from settings import Settings

logger = logging.getLogger(__name__)

WEBHOOK_PATH = "/payments/stripe/webhook"
SIGNATURE_HEADER = "stripe-signature"
# A PaymentIntent in one of these can still take a card: its client secret may be reused.
REUSABLE_STATUSES = {"requires_payment_method", "requires_confirmation", "requires_action"}
_TRADE_STATES = {
    "succeeded": TradeState.PAID,
    "canceled": TradeState.CLOSED,
    "processing": TradeState.UNPAID,
    "requires_payment_method": TradeState.UNPAID,
    "requires_confirmation": TradeState.UNPAID,
    "requires_action": TradeState.UNPAID,
    "requires_capture": TradeState.UNPAID,
}
_REFUND_STATES = {
    "succeeded": RefundState.SUCCEEDED,
    "pending": RefundState.PROCESSING,
    "requires_action": RefundState.PROCESSING,
    "failed": RefundState.FAILED,
    "canceled": RefundState.FAILED,
}
_REFUND_EVENTS = {"refund.created", "refund.updated", "refund.failed", "charge.refund.updated"}

T = TypeVar("T")


def _metadata(obj: Any) -> Mapping[str, Any]:
    # StripeObjects are not dicts (no .get); getattr with a default works on them.
    metadata = getattr(obj, "metadata", None)
    return metadata.to_dict() if metadata is not None else {}


def _failure(intent: Any) -> dict[str, str]:
    error = getattr(intent, "last_payment_error", None)
    code = getattr(error, "decline_code", None) or getattr(error, "code", None)
    return {"failure": str(code)} if code else {}


class StripeProvider:
    name = ProviderName.STRIPE

    def __init__(self, *, settings: Settings) -> None:
        self._secret = settings.stripe_webhook_secret
        self._publishable_key = settings.stripe_publishable_key
        self._tolerance = settings.payments_notify_tolerance_seconds
        self._skew = settings.payments_clock_skew_seconds
        self._http = stripe.HTTPXClient(timeout=settings.stripe_timeout_seconds)
        self._client = stripe.StripeClient(
            settings.stripe_secret_key,
            base_addresses={"api": settings.stripe_api_base.rstrip("/")},
            http_client=self._http,
            max_network_retries=settings.stripe_max_network_retries,
        )

    async def start(self) -> None:
        pass

    async def aclose(self) -> None:
        await self._http.close_async()

    async def _call(self, request: Awaitable[T]) -> T:
        try:
            return await request
        except stripe.APIConnectionError as exc:
            raise ProviderError(f"Stripe unreachable: {type(exc).__name__}") from exc
        except (stripe.InvalidRequestError, stripe.CardError, stripe.IdempotencyError) as exc:
            raise ProviderRejected(exc.code or type(exc).__name__, exc.user_message or "") from exc
        except stripe.StripeError as exc:  # auth, rate limit, 5xx: try again later
            raise ProviderError(f"Stripe failed: {type(exc).__name__} {exc.http_status}") from exc

    def _checkout(self, intent: Any) -> Checkout:
        return Checkout(
            provider=self.name,
            reference=intent.id,
            params={"clientSecret": intent.client_secret, "publishableKey": self._publishable_key},
        )

    async def create_checkout(self, charge: Charge, *, reuse: str | None = None) -> Checkout:
        amount, currency = to_minor(charge.amount), charge.currency.lower()
        if reuse:
            intent = await self._call(self._client.v1.payment_intents.retrieve_async(reuse))
            if (
                intent.status in REUSABLE_STATUSES
                and intent.amount == amount
                and intent.currency == currency
                and _metadata(intent).get("out_trade_no") == charge.out_trade_no
            ):
                return self._checkout(intent)
            raise ProviderRejected("INTENT_NOT_REUSABLE", f"PaymentIntent is {intent.status}")
        intent = await self._call(
            self._client.v1.payment_intents.create_async(
                params={
                    "amount": amount,
                    "currency": currency,
                    "payment_method_types": ["card"],
                    "description": charge.description[:500],
                    "metadata": {
                        "order_id": str(charge.order_id),
                        "out_trade_no": charge.out_trade_no,
                    },
                },
                options={"idempotency_key": f"microstore-pi-{charge.out_trade_no}"},
            )
        )
        if intent.amount != amount or intent.currency != currency:
            raise ProviderError("Stripe answered with another amount")
        return self._checkout(intent)

    def _trade(self, intent: Any, out_trade_no: str) -> Trade:
        if _metadata(intent).get("out_trade_no") != out_trade_no:
            raise ProviderError("Stripe answered about another order")
        paid = intent.status == "succeeded"
        return Trade(
            state=_TRADE_STATES.get(intent.status, TradeState.UNPAID),
            out_trade_no=out_trade_no,
            transaction_id=intent.id,
            amount_minor=intent.amount_received if paid else intent.amount,
            currency=str(intent.currency).upper(),
            raw_state=intent.status,
        )

    async def query(self, *, out_trade_no: str, reference: str | None) -> Trade:
        if not reference:  # never created: nothing can have been paid
            return Trade(state=TradeState.NOT_FOUND, out_trade_no=out_trade_no)
        intent = await self._call(self._client.v1.payment_intents.retrieve_async(reference))
        return self._trade(intent, out_trade_no)

    async def close(self, *, out_trade_no: str, reference: str | None) -> Trade:
        if not reference:
            return Trade(state=TradeState.CLOSED, out_trade_no=out_trade_no, raw_state="NOT_FOUND")
        try:
            intent = await self._call(self._client.v1.payment_intents.cancel_async(reference))
        except ProviderRejected as exc:
            # Already succeeded (or processing, or canceled): its current state decides.
            logger.info("Stripe cancel refused: %s", exc.code)
            return await self.query(out_trade_no=out_trade_no, reference=reference)
        return self._trade(intent, out_trade_no)

    def _refund_result(self, refund: Any, out_refund_no: str) -> RefundResult:
        if _metadata(refund).get("out_refund_no") != out_refund_no:
            raise ProviderError("Stripe answered about another refund")
        return RefundResult(
            out_refund_no=out_refund_no,
            state=_REFUND_STATES.get(refund.status, RefundState.PROCESSING),
            refund_id=refund.id,
            amount_minor=refund.amount,
            raw_state=str(refund.status),
        )

    async def refund(self, order: RefundOrder) -> RefundResult:
        if not order.transaction_id:
            raise ProviderRejected("NO_TRANSACTION", "the payment has no PaymentIntent")
        refund = await self._call(
            self._client.v1.refunds.create_async(
                params={
                    "payment_intent": order.transaction_id,
                    "amount": to_minor(order.amount),
                    "reason": "requested_by_customer",
                    "metadata": {
                        "out_refund_no": order.out_refund_no,
                        "out_trade_no": order.out_trade_no,
                    },
                },
                options={"idempotency_key": f"microstore-refund-{order.out_refund_no}"},
            )
        )
        return self._refund_result(refund, order.out_refund_no)

    async def query_refund(self, *, out_refund_no: str, refund_id: str | None) -> RefundResult:
        if not refund_id:
            # Stripe finds refunds by its own id only; re-asking with the same
            # out_refund_no (same Idempotency-Key) is how to learn about a lost answer.
            raise ProviderRejected("REFUND_ID_REQUIRED", "ask refund() again instead")
        refund = await self._call(self._client.v1.refunds.retrieve_async(refund_id))
        return self._refund_result(refund, out_refund_no)

    # --- webhooks -----------------------------------------------------------------------------

    def _verify(self, headers: Mapping[str, str], body: bytes) -> Any:
        h = {name.lower(): value for name, value in headers.items()}
        header = h.get(SIGNATURE_HEADER)
        if not header:
            raise NotificationRejected(f"missing headers: {SIGNATURE_HEADER}")
        try:
            event = self._client.construct_event(
                body, header, self._secret, tolerance=self._tolerance
            )
        except stripe.SignatureVerificationError as exc:
            raise NotificationRejected(f"signature: {exc.user_message or 'invalid'}") from None
        except (ValueError, UnicodeDecodeError):
            raise NotificationRejected("body is not JSON") from None
        # construct_event refuses old events but not ones dated in the future; the shared
        # window refuses both, like the other providers.
        stamps = [part[2:] for part in header.split(",") if part.startswith("t=")]
        if not stamps or not stamps[0].isdigit():
            raise NotificationRejected("timestamp in the future")
        check_timestamp_window(
            int(stamps[0]), tolerance_seconds=self._tolerance, skew_seconds=self._skew
        )
        return event

    async def parse_notification(self, *, headers: Mapping[str, str], body: bytes) -> Notification:
        event = self._verify(headers, body)
        event_type = str(event.type)
        obj = event.data.object
        occurred_at = (
            datetime.fromtimestamp(int(event.created), UTC)
            if getattr(event, "created", None)
            else None
        )
        common = {
            "provider": self.name,
            "event_id": str(event.id),
            "event_type": event_type,
            "occurred_at": occurred_at,
        }
        if event_type.startswith("payment_intent."):
            if event_type == "payment_intent.succeeded":
                intent = obj  # success is final: the signed event is enough
            elif event_type in {"payment_intent.payment_failed", "payment_intent.canceled"}:
                # A failure may be overtaken by a later success: ask for the state now.
                intent = await self._call(self._client.v1.payment_intents.retrieve_async(obj.id))
            else:
                return Notification(kind=NotificationKind.IGNORED, **common)
            succeeded = intent.status == "succeeded"
            if succeeded:
                kind = NotificationKind.PAYMENT_SUCCEEDED
            elif intent.status == "canceled":
                kind = NotificationKind.PAYMENT_FAILED
            else:
                # A declined card: the shopper may confirm the same PaymentIntent with
                # another card, so the attempt stays open until its order's deadline.
                kind = NotificationKind.PAYMENT_ATTEMPT_FAILED
            return Notification(
                kind=kind,
                out_trade_no=_metadata(intent).get("out_trade_no"),
                transaction_id=intent.id,
                amount_minor=intent.amount_received if succeeded else intent.amount,
                currency=str(intent.currency).upper(),
                extra=_failure(intent),
                **common,
            )
        if event_type in _REFUND_EVENTS and getattr(obj, "object", None) == "refund":
            refund = await self._call(self._client.v1.refunds.retrieve_async(obj.id))
            state = _REFUND_STATES.get(refund.status, RefundState.PROCESSING)
            kind = {
                RefundState.SUCCEEDED: NotificationKind.REFUND_SUCCEEDED,
                RefundState.FAILED: NotificationKind.REFUND_FAILED,
            }.get(state, NotificationKind.IGNORED)
            return Notification(
                kind=kind,
                out_trade_no=_metadata(refund).get("out_trade_no"),
                transaction_id=getattr(refund, "payment_intent", None),
                amount_minor=refund.amount,
                currency=str(refund.currency).upper(),
                out_refund_no=_metadata(refund).get("out_refund_no"),
                refund_id=refund.id,
                **common,
            )
        return Notification(kind=NotificationKind.IGNORED, **common)

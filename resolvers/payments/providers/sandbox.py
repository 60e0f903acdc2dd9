"""The sandbox provider: pay an order offline, for `make run` and demos.

It holds no state of its own. `signed_payment_notification` writes the notification a real
provider would send, signed with the local `SANDBOX_SIGNING_KEY` (HMAC-SHA256 over
`timestamp.body`, like Stripe's scheme), and the payments service feeds it through the same
verify -> check -> apply path as a real one. Refunds succeed at once. It refuses to exist in
production, where anyone able to call `sandboxPay` could mark orders paid.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import orjson

from resolvers.payments.providers.base import (
    Charge,
    Checkout,
    Notification,
    NotificationKind,
    NotificationRejected,
    ProviderName,
    RefundOrder,
    RefundResult,
    RefundState,
    Trade,
    TradeState,
    check_timestamp_window,
    to_minor,
)
from settings import Settings

SIGNATURE_HEADER = "sandbox-signature"
MERCHANT = "sandbox"


def transaction_id_for(out_trade_no: str) -> str:
    """One payment, one transaction id: a replayed sandbox payment dedupes like a real one."""
    return f"sbx_txn_{out_trade_no}"


class SandboxProvider:
    name = ProviderName.SANDBOX

    def __init__(self, *, settings: Settings) -> None:
        if settings.is_production:
            raise ValueError("the sandbox payment provider never runs in production")
        self._key = settings.sandbox_signing_key.encode()
        self._tolerance = settings.payments_notify_tolerance_seconds
        self._skew = settings.payments_clock_skew_seconds

    async def start(self) -> None:
        pass

    async def aclose(self) -> None:
        pass

    def _sign(self, timestamp: int, body: bytes) -> str:
        return hmac.new(self._key, b"%d." % timestamp + body, hashlib.sha256).hexdigest()

    def signed_payment_notification(
        self, *, out_trade_no: str, amount_minor: int, currency: str, timestamp: int | None = None
    ) -> tuple[dict[str, str], bytes]:
        """What the sandbox "sends" when the shopper pays: (headers, raw body)."""
        timestamp = int(time.time()) if timestamp is None else timestamp
        body = orjson.dumps(
            {
                "id": f"evt_sbx_{secrets.token_hex(12)}",
                "type": "payment.succeeded",
                "created": timestamp,
                "data": {
                    "merchant": MERCHANT,
                    "out_trade_no": out_trade_no,
                    "transaction_id": transaction_id_for(out_trade_no),
                    "amount": amount_minor,
                    "currency": currency.upper(),
                },
            }
        )
        headers = {SIGNATURE_HEADER: f"t={timestamp},v1={self._sign(timestamp, body)}"}
        return headers, body

    async def create_checkout(self, charge: Charge, *, reuse: str | None = None) -> Checkout:
        to_minor(charge.amount)  # same amount rules as the real providers
        reference = reuse or f"sbx_{charge.out_trade_no}"
        return Checkout(provider=self.name, reference=reference, params={"reference": reference})

    async def query(self, *, out_trade_no: str, reference: str | None = None) -> Trade:
        # Sandbox payments are applied the moment sandboxPay runs; nothing is ever pending.
        return Trade(state=TradeState.UNPAID, out_trade_no=out_trade_no, raw_state="SANDBOX")

    async def close(self, *, out_trade_no: str, reference: str | None = None) -> Trade:
        return Trade(state=TradeState.CLOSED, out_trade_no=out_trade_no, raw_state="SANDBOX")

    async def refund(self, order: RefundOrder) -> RefundResult:
        return RefundResult(
            out_refund_no=order.out_refund_no,
            state=RefundState.SUCCEEDED,
            refund_id=f"sbx_rf_{order.out_refund_no}",
            amount_minor=to_minor(order.amount),
            raw_state="SANDBOX",
        )

    async def query_refund(
        self, *, out_refund_no: str, refund_id: str | None = None
    ) -> RefundResult:
        return RefundResult(
            out_refund_no=out_refund_no,
            state=RefundState.SUCCEEDED,
            refund_id=refund_id or f"sbx_rf_{out_refund_no}",
            raw_state="SANDBOX",
        )

    async def parse_notification(self, *, headers: Mapping[str, str], body: bytes) -> Notification:
        h = {name.lower(): value for name, value in headers.items()}
        header = h.get(SIGNATURE_HEADER)
        if not header:
            raise NotificationRejected(f"missing headers: {SIGNATURE_HEADER}")
        parts = dict(item.split("=", 1) for item in header.split(",") if "=" in item)
        timestamp, signature = parts.get("t", ""), parts.get("v1", "")
        if not timestamp.isdigit() or not signature:
            raise NotificationRejected("malformed signature header")
        if not hmac.compare_digest(self._sign(int(timestamp), body), signature):
            raise NotificationRejected("signature does not verify")
        check_timestamp_window(
            int(timestamp), tolerance_seconds=self._tolerance, skew_seconds=self._skew
        )
        try:
            event: Any = orjson.loads(body)
            data = event["data"]
            event_id, event_type = str(event["id"]), str(event["type"])
        except (orjson.JSONDecodeError, KeyError, TypeError):
            raise NotificationRejected("body is not a sandbox event") from None
        if data.get("merchant") != MERCHANT:
            raise NotificationRejected("merchant differs from ours")
        if event_type != "payment.succeeded":
            return Notification(
                provider=self.name,
                kind=NotificationKind.IGNORED,
                event_id=event_id,
                event_type=event_type,
            )
        amount = data.get("amount")
        return Notification(
            provider=self.name,
            kind=NotificationKind.PAYMENT_SUCCEEDED,
            event_id=event_id,
            event_type=event_type,
            out_trade_no=data.get("out_trade_no"),
            transaction_id=data.get("transaction_id"),
            amount_minor=amount if isinstance(amount, int) else None,
            currency=data.get("currency"),
            occurred_at=datetime.fromtimestamp(int(timestamp), UTC),
        )

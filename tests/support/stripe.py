"""A local Stripe API (PaymentIntents, Refunds, signed webhooks) over real HTTP, for tests.

Enough of Stripe for the official `stripe` package to run unchanged against it: form-encoded
requests with a Bearer secret key, Idempotency-Key replay (same key + other parameters is an
idempotency_error), Stripe's error shapes, and webhook bodies signed the way Stripe signs
them (HMAC-SHA256 over `t.body`, written here independently of the library).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

_KEY_PART = re.compile(r"\[([^\]]*)\]")


def parse_form(body: bytes) -> dict[str, Any]:
    """Stripe's nested form encoding: metadata[order_id]=1, payment_method_types[0]=card."""
    result: dict[str, Any] = {}
    for key, value in parse_qsl(body.decode(), keep_blank_values=True):
        head, _, rest = key.partition("[")
        parts = [head] + (_KEY_PART.findall("[" + rest) if rest else [])
        node = result
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    # lists come as {"0": a, "1": b}
    return _lists(result)


def _lists(value: Any) -> Any:
    if isinstance(value, dict):
        if value and all(k.isdigit() for k in value):
            return [_lists(value[k]) for k in sorted(value, key=int)]
        return {k: _lists(v) for k, v in value.items()}
    return value


def sign_webhook(body: bytes, secret: str, timestamp: int) -> str:
    signature = hmac.new(secret.encode(), b"%d." % timestamp + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={signature}"


@dataclass
class FakeStripe:
    secret_key: str
    webhook_secret: str
    intents: dict[str, dict[str, Any]] = field(default_factory=dict)
    refunds: dict[str, dict[str, Any]] = field(default_factory=dict)
    calls: Counter[str] = field(default_factory=Counter)
    # (method, path, parameters, Idempotency-Key) of every authenticated request
    requests: list[tuple[str, str, dict[str, Any], str | None]] = field(default_factory=list)
    refund_status: str = "succeeded"  # what a new refund starts as
    _idempotency: dict[str, tuple[str, str, int, bytes]] = field(default_factory=dict)

    # --- what the shopper and Stripe do --------------------------------------------------------

    def succeed(self, intent_id: str) -> dict[str, Any]:
        """The shopper's card is confirmed by Stripe.js and the charge succeeds."""
        intent = self.intents[intent_id]
        intent.update(status="succeeded", amount_received=intent["amount"])
        intent["latest_charge"] = f"ch_{secrets.token_hex(8)}"
        return intent

    def fail(self, intent_id: str) -> dict[str, Any]:
        intent = self.intents[intent_id]
        intent.update(
            status="requires_payment_method",
            last_payment_error={"code": "card_declined", "type": "card_error"},
        )
        return intent

    def event(
        self,
        event_type: str,
        obj: dict[str, Any],
        *,
        secret: str | None = None,
        timestamp: int | None = None,
    ) -> tuple[dict[str, str], bytes]:
        """A webhook as Stripe posts it: (headers, raw body)."""
        now = int(time.time())
        body = orjson.dumps(
            {
                "id": f"evt_{secrets.token_hex(12)}",
                "object": "event",
                "api_version": "2025-01-01",
                "created": now,
                "livemode": False,
                "pending_webhooks": 1,
                "type": event_type,
                "data": {"object": obj},
            }
        )
        header = sign_webhook(body, secret or self.webhook_secret, timestamp or now)
        return {"Stripe-Signature": header, "Content-Type": "application/json"}, body

    # --- the HTTP API --------------------------------------------------------------------------

    @staticmethod
    def _error(
        status: int, message: str, *, code: str | None = None, kind: str = "invalid_request_error"
    ) -> Response:
        error: dict[str, Any] = {"type": kind, "message": message}
        if code:
            error["code"] = code
        return JSONResponse({"error": error}, status_code=status)

    async def _handle(self, request: Request, name: str, handler: Any) -> Response:
        if request.headers.get("authorization") != f"Bearer {self.secret_key}":
            return self._error(401, "Invalid API Key provided")
        body = await request.body()
        params = parse_form(body) if body else dict(request.query_params)
        key = request.headers.get("idempotency-key")
        self.requests.append((request.method, request.url.path, params, key))
        if request.method == "POST" and key:
            fingerprint = f"{request.url.path}|{body.decode()}"
            stored = self._idempotency.get(key)
            if stored is not None:
                if stored[0] != fingerprint:
                    return self._error(
                        400,
                        "Keys for idempotent requests can only be used with the same parameters",
                        kind="idempotency_error",
                    )
                return Response(
                    stored[3],
                    status_code=stored[2],
                    media_type="application/json",
                    headers={"Idempotent-Replayed": "true"},
                )
        self.calls[name] += 1
        response = handler(request, params)
        if request.method == "POST" and key and response.status_code < 500:
            self._idempotency[key] = (
                f"{request.url.path}|{body.decode()}",
                name,
                response.status_code,
                bytes(response.body),
            )
        return response

    def _create_intent(self, request: Request, params: dict[str, Any]) -> Response:
        amount = int(params.get("amount", 0))
        if amount <= 0 or not params.get("currency"):
            return self._error(400, "Missing amount or currency", code="parameter_missing")
        intent_id = f"pi_{secrets.token_hex(12)}"
        intent = {
            "id": intent_id,
            "object": "payment_intent",
            "amount": amount,
            "amount_received": 0,
            "currency": params["currency"],
            "status": "requires_payment_method",
            "client_secret": f"{intent_id}_secret_{secrets.token_hex(12)}",
            "description": params.get("description"),
            "metadata": params.get("metadata") or {},
            "payment_method_types": params.get("payment_method_types") or ["card"],
            "created": int(time.time()),
            "livemode": False,
            "latest_charge": None,
            "last_payment_error": None,
        }
        self.intents[intent_id] = intent
        return JSONResponse(intent)

    def _get_intent(self, request: Request, params: dict[str, Any]) -> Response:
        intent = self.intents.get(request.path_params["id"])
        if intent is None:
            return self._error(404, "No such payment_intent", code="resource_missing")
        return JSONResponse(intent)

    def _cancel_intent(self, request: Request, params: dict[str, Any]) -> Response:
        intent = self.intents.get(request.path_params["id"])
        if intent is None:
            return self._error(404, "No such payment_intent", code="resource_missing")
        if intent["status"] in {"succeeded", "canceled", "processing"}:
            return self._error(
                400,
                f"You cannot cancel this PaymentIntent because it has a status of {intent['status']}.",
                code="payment_intent_unexpected_state",
            )
        intent["status"] = "canceled"
        return JSONResponse(intent)

    def _create_refund(self, request: Request, params: dict[str, Any]) -> Response:
        intent = self.intents.get(params.get("payment_intent", ""))
        if intent is None:
            return self._error(404, "No such payment_intent", code="resource_missing")
        if intent["status"] != "succeeded":
            return self._error(
                400, "This PaymentIntent has no charge to refund", code="charge_not_refundable"
            )
        refunded = sum(
            r["amount"]
            for r in self.refunds.values()
            if r["payment_intent"] == intent["id"] and r["status"] not in {"failed", "canceled"}
        )
        amount = int(params.get("amount") or intent["amount_received"] - refunded)
        if amount <= 0 or refunded + amount > intent["amount_received"]:
            return self._error(
                400, "Refund amount is greater than unrefunded amount", code="amount_too_large"
            )
        refund = {
            "id": f"re_{secrets.token_hex(12)}",
            "object": "refund",
            "amount": amount,
            "currency": intent["currency"],
            "payment_intent": intent["id"],
            "charge": intent["latest_charge"],
            "status": self.refund_status,
            "reason": params.get("reason"),
            "metadata": params.get("metadata") or {},
            "created": int(time.time()),
        }
        self.refunds[refund["id"]] = refund
        return JSONResponse(refund)

    def _get_refund(self, request: Request, params: dict[str, Any]) -> Response:
        refund = self.refunds.get(request.path_params["id"])
        if refund is None:
            return self._error(404, "No such refund", code="resource_missing")
        return JSONResponse(refund)

    def asgi(self) -> Starlette:
        def route(path: str, name: str, handler: Any, method: str) -> Route:
            async def endpoint(request: Request) -> Response:
                return await self._handle(request, name, handler)

            return Route(path, endpoint, methods=[method])

        return Starlette(
            routes=[
                route("/v1/payment_intents", "create_intent", self._create_intent, "POST"),
                route("/v1/payment_intents/{id}", "get_intent", self._get_intent, "GET"),
                route(
                    "/v1/payment_intents/{id}/cancel", "cancel_intent", self._cancel_intent, "POST"
                ),
                route("/v1/refunds", "create_refund", self._create_refund, "POST"),
                route("/v1/refunds/{id}", "get_refund", self._get_refund, "GET"),
            ]
        )

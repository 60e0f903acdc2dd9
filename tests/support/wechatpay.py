"""A local WeChat Pay API v3, spoken over real HTTP, for tests.

It checks OUR request signatures with our merchant public key, answers signed with a
platform key and certificate of its own (made per session), serves that certificate
encrypted at /v3/certificates, and writes signed + encrypted notifications, so the SDK,
our signing and our verification all run for real. Tests drive it: `pay()` is the shopper
paying, `payment_notification()` is what WeChat would post to us, with knobs to tamper.
"""

from __future__ import annotations

import base64
import secrets
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey, RSAPublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tests.support.keys import (
    certificate_pem,
    certificate_serial,
    rsa_key,
    self_signed_certificate,
)

SIGNATURE_TYPE = "WECHATPAY2-SHA256-RSA2048"


def rsa_sign(key: RSAPrivateKey, message: bytes) -> str:
    return base64.b64encode(key.sign(message, padding.PKCS1v15(), SHA256())).decode()


def rsa_verify(key: RSAPublicKey, signature: str, message: bytes) -> bool:
    try:
        key.verify(base64.b64decode(signature), message, padding.PKCS1v15(), SHA256())
    except (InvalidSignature, ValueError):
        return False
    return True


def aes_encrypt(key: bytes, plaintext: bytes, associated_data: str) -> dict[str, str]:
    nonce = secrets.token_hex(6)  # WeChat uses 12 printable characters
    ciphertext = AESGCM(key).encrypt(nonce.encode(), plaintext, associated_data.encode())
    return {
        "algorithm": "AEAD_AES_256_GCM",
        "nonce": nonce,
        "associated_data": associated_data,
        "ciphertext": base64.b64encode(ciphertext).decode(),
    }


@dataclass
class FakeTransaction:
    out_trade_no: str
    appid: str
    mchid: str
    description: str
    total: int
    currency: str
    openid: str
    notify_url: str
    attach: str | None
    time_expire: str | None
    prepay_id: str
    trade_state: str = "NOTPAY"
    transaction_id: str | None = None
    success_time: str | None = None

    def resource(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "appid": self.appid,
            "mchid": self.mchid,
            "out_trade_no": self.out_trade_no,
            "trade_type": "JSAPI",
            "trade_state": self.trade_state,
            "trade_state_desc": self.trade_state,
            "payer": {"openid": self.openid},
            "amount": {"total": self.total, "currency": self.currency},
        }
        if self.attach:
            body["attach"] = self.attach
        if self.transaction_id:
            body.update(
                transaction_id=self.transaction_id,
                bank_type="OTHERS",
                success_time=self.success_time,
            )
            body["amount"].update(payer_total=self.total, payer_currency=self.currency)
        return body


@dataclass
class FakeRefund:
    out_refund_no: str
    refund_id: str
    out_trade_no: str
    transaction_id: str
    refund: int
    total: int
    currency: str
    notify_url: str | None
    status: str = "PROCESSING"

    def resource(self, mchid: str) -> dict[str, Any]:
        return {
            "mchid": mchid,
            "out_trade_no": self.out_trade_no,
            "transaction_id": self.transaction_id,
            "out_refund_no": self.out_refund_no,
            "refund_id": self.refund_id,
            "refund_status": self.status,
            "status": self.status,
            "amount": {
                "total": self.total,
                "refund": self.refund,
                "payer_total": self.total,
                "payer_refund": self.refund,
                "currency": self.currency,
            },
        }


@dataclass
class FakeWechatPay:
    mch_id: str
    app_id: str
    apiv3_key: str
    merchant_public_key: RSAPublicKey
    merchant_serial: str
    platform_key: RSAPrivateKey = field(default_factory=rsa_key)
    transactions: dict[str, FakeTransaction] = field(default_factory=dict)
    refunds: dict[str, FakeRefund] = field(default_factory=dict)
    calls: Counter[str] = field(default_factory=Counter)
    # Tests flip these to simulate trouble.
    answer_key: RSAPrivateKey | None = None  # sign answers with another key: untrusted
    answer_serial: str | None = None  # e.g. a PUB_KEY_ID_... in platform public key mode
    outage: bool = False

    def __post_init__(self) -> None:
        self.platform_certificate = self_signed_certificate(self.platform_key, "Tenpay.com Root CA")
        self.platform_serial = certificate_serial(self.platform_certificate)

    # --- what the shopper and WeChat do --------------------------------------------------------

    def pay(self, out_trade_no: str) -> FakeTransaction:
        """The shopper completes wx.requestPayment."""
        trade = self.transactions[out_trade_no]
        assert trade.trade_state == "NOTPAY", trade.trade_state
        trade.trade_state = "SUCCESS"
        trade.transaction_id = f"42000{secrets.randbelow(10**20):020d}"
        trade.success_time = datetime.now(UTC).astimezone().isoformat(timespec="seconds")
        return trade

    def complete_refund(self, out_refund_no: str, status: str = "SUCCESS") -> FakeRefund:
        refund = self.refunds[out_refund_no]
        refund.status = status
        return refund

    def signed_headers(
        self,
        body: bytes,
        *,
        timestamp: int | None = None,
        serial: str | None = None,
        key: RSAPrivateKey | None = None,
        signature: str | None = None,
    ) -> dict[str, str]:
        timestamp = int(time.time()) if timestamp is None else timestamp
        nonce = secrets.token_hex(16)
        message = b"%d\n%s\n%s\n" % (timestamp, nonce.encode(), body)
        return {
            "Wechatpay-Timestamp": str(timestamp),
            "Wechatpay-Nonce": nonce,
            "Wechatpay-Serial": serial or self.platform_serial,
            "Wechatpay-Signature": signature or rsa_sign(key or self.platform_key, message),
            "Wechatpay-Signature-Type": SIGNATURE_TYPE,
        }

    def notification(
        self,
        event_type: str,
        resource: dict[str, Any],
        *,
        original_type: str,
        encrypt_with_ad: str | None = None,
        flip_tag: bool = False,
        apiv3_key: str | None = None,
        **sign: Any,
    ) -> tuple[dict[str, str], bytes]:
        """A notification as WeChat posts it: (headers, raw body). `encrypt_with_ad`
        encrypts with other associated data than the envelope declares; `flip_tag`
        corrupts the GCM tag; `sign` goes to `signed_headers` (timestamp, serial, key,
        signature)."""
        encrypted = aes_encrypt(
            (apiv3_key or self.apiv3_key).encode(),
            orjson.dumps(resource),
            encrypt_with_ad if encrypt_with_ad is not None else original_type,
        )
        encrypted["associated_data"] = original_type
        if flip_tag:
            raw = bytearray(base64.b64decode(encrypted["ciphertext"]))
            raw[-1] ^= 0x01
            encrypted["ciphertext"] = base64.b64encode(bytes(raw)).decode()
        envelope = {
            "id": str(uuid.uuid4()),
            "create_time": datetime.now(UTC).astimezone().isoformat(timespec="seconds"),
            "resource_type": "encrypt-resource",
            "event_type": event_type,
            "summary": "支付成功" if event_type == "TRANSACTION.SUCCESS" else "退款通知",
            "resource": {"original_type": original_type, **encrypted},
        }
        body = orjson.dumps(envelope)
        return self.signed_headers(body, **sign), body

    def payment_notification(
        self, out_trade_no: str, *, overrides: dict[str, Any] | None = None, **kw: Any
    ) -> tuple[dict[str, str], bytes]:
        resource = self.transactions[out_trade_no].resource()
        resource.update(overrides or {})
        return self.notification("TRANSACTION.SUCCESS", resource, original_type="transaction", **kw)

    def refund_notification(
        self, out_refund_no: str, *, overrides: dict[str, Any] | None = None, **kw: Any
    ) -> tuple[dict[str, str], bytes]:
        refund = self.refunds[out_refund_no]
        resource = refund.resource(self.mch_id)
        resource.pop("status")
        resource["amount"].pop("currency")
        resource.update(overrides or {})
        event_type = {"SUCCESS": "REFUND.SUCCESS", "CLOSED": "REFUND.CLOSED"}.get(
            refund.status, "REFUND.ABNORMAL"
        )
        return self.notification(event_type, resource, original_type="refund", **kw)

    # --- the HTTP API --------------------------------------------------------------------------

    def _answer(self, status: int, data: Any = None) -> Response:
        body = orjson.dumps(data) if data is not None else b""
        headers = self.signed_headers(body, key=self.answer_key, serial=self.answer_serial)
        if data is not None:
            headers["Content-Type"] = "application/json"
        return Response(body, status_code=status, headers=headers)

    def _error(self, status: int, code: str, message: str = "") -> Response:
        return self._answer(status, {"code": code, "message": message or code})

    async def _authenticate(self, request: Request) -> tuple[Response | None, Any]:
        """Check the merchant's signature, as WeChat does; returns (refusal, json body)."""
        body = await request.body()
        scheme, _, params = request.headers.get("authorization", "").partition(" ")
        fields = {}
        for item in params.split(","):
            name, _, value = item.strip().partition("=")
            fields[name] = value.strip('"')
        path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        message = b"%s\n%s\n%s\n%s\n%s\n" % (
            request.method.encode(),
            path.encode(),
            fields.get("timestamp", "").encode(),
            fields.get("nonce_str", "").encode(),
            body,
        )
        fresh = (
            fields.get("timestamp", "").isdigit()
            and abs(int(fields["timestamp"]) - time.time()) < 300
        )
        if (
            scheme != SIGNATURE_TYPE
            or fields.get("mchid") != self.mch_id
            or fields.get("serial_no") != self.merchant_serial
            or not fresh
            or not rsa_verify(self.merchant_public_key, fields.get("signature", ""), message)
        ):
            self.calls["rejected-signature"] += 1
            return self._error(401, "SIGN_ERROR", "merchant signature does not verify"), None
        if self.outage:
            return self._error(500, "SYSTEM_ERROR"), None
        return None, orjson.loads(body) if body else None

    async def certificates(self, request: Request) -> Response:
        refusal, _ = await self._authenticate(request)
        if refusal:
            return refusal
        self.calls["certificates"] += 1
        encrypted = aes_encrypt(
            self.apiv3_key.encode(),
            certificate_pem(self.platform_certificate).encode(),
            "certificate",
        )
        cert = self.platform_certificate
        return self._answer(
            200,
            {
                "data": [
                    {
                        "serial_no": self.platform_serial,
                        "effective_time": cert.not_valid_before_utc.isoformat(),
                        "expire_time": cert.not_valid_after_utc.isoformat(),
                        "encrypt_certificate": encrypted,
                    }
                ]
            },
        )

    async def jsapi(self, request: Request) -> Response:
        refusal, data = await self._authenticate(request)
        if refusal:
            return refusal
        self.calls["jsapi"] += 1
        amount = data.get("amount") or {}
        if (
            data.get("appid") != self.app_id
            or data.get("mchid") != self.mch_id
            or not data.get("description")
            or not data.get("notify_url", "").startswith("http")
            or not isinstance(amount.get("total"), int)
            or amount["total"] <= 0
            or not (data.get("payer") or {}).get("openid")
        ):
            return self._error(400, "PARAM_ERROR")
        existing = self.transactions.get(data["out_trade_no"])
        if existing is not None:
            if existing.trade_state == "SUCCESS":
                return self._error(400, "ORDERPAID")
            if existing.trade_state == "CLOSED":
                return self._error(400, "ORDER_CLOSED")
            if existing.total != amount["total"]:
                return self._error(400, "INVALID_REQUEST", "out_trade_no used with other params")
            return self._answer(200, {"prepay_id": existing.prepay_id})
        trade = FakeTransaction(
            out_trade_no=data["out_trade_no"],
            appid=data["appid"],
            mchid=data["mchid"],
            description=data["description"],
            total=amount["total"],
            currency=amount.get("currency", "CNY"),
            openid=data["payer"]["openid"],
            notify_url=data["notify_url"],
            attach=data.get("attach"),
            time_expire=data.get("time_expire"),
            prepay_id=f"wx{secrets.token_hex(14)}",
        )
        self.transactions[trade.out_trade_no] = trade
        return self._answer(200, {"prepay_id": trade.prepay_id})

    async def query(self, request: Request) -> Response:
        refusal, _ = await self._authenticate(request)
        if refusal:
            return refusal
        self.calls["query"] += 1
        if request.query_params.get("mchid") != self.mch_id:
            return self._error(400, "PARAM_ERROR")
        trade = self.transactions.get(request.path_params["out_trade_no"])
        if trade is None:
            return self._error(404, "ORDER_NOT_EXIST")
        return self._answer(200, trade.resource())

    async def close(self, request: Request) -> Response:
        refusal, data = await self._authenticate(request)
        if refusal:
            return refusal
        self.calls["close"] += 1
        trade = self.transactions.get(request.path_params["out_trade_no"])
        if (data or {}).get("mchid") != self.mch_id:
            return self._error(400, "PARAM_ERROR")
        if trade is None:
            return self._error(404, "ORDER_NOT_EXIST")
        if trade.trade_state in {"SUCCESS", "REFUND"}:
            return self._error(400, "ORDERPAID")
        trade.trade_state = "CLOSED"
        return self._answer(204)

    async def refund(self, request: Request) -> Response:
        refusal, data = await self._authenticate(request)
        if refusal:
            return refusal
        self.calls["refund"] += 1
        existing = self.refunds.get(data.get("out_refund_no", ""))
        if existing is not None:  # WeChat dedupes on out_refund_no
            return self._answer(200, existing.resource(self.mch_id))
        trade = None
        if data.get("transaction_id"):
            trade = next(
                (
                    t
                    for t in self.transactions.values()
                    if t.transaction_id == data["transaction_id"]
                ),
                None,
            )
        elif data.get("out_trade_no"):
            trade = self.transactions.get(data["out_trade_no"])
        if trade is None or trade.transaction_id is None:
            return self._error(404, "RESOURCE_NOT_EXISTS")
        amount = data.get("amount") or {}
        if amount.get("total") != trade.total:
            return self._error(400, "PARAM_ERROR", "total differs from the order")
        refunded = sum(
            r.refund
            for r in self.refunds.values()
            if r.transaction_id == trade.transaction_id and r.status != "CLOSED"
        )
        if not isinstance(amount.get("refund"), int) or amount["refund"] <= 0:
            return self._error(400, "PARAM_ERROR")
        if refunded + amount["refund"] > trade.total:
            return self._error(403, "NOT_ENOUGH", "refund exceeds what is left")
        refund = FakeRefund(
            out_refund_no=data["out_refund_no"],
            refund_id=f"50300{secrets.randbelow(10**20):020d}",
            out_trade_no=trade.out_trade_no,
            transaction_id=trade.transaction_id,
            refund=amount["refund"],
            total=trade.total,
            currency=amount.get("currency", "CNY"),
            notify_url=data.get("notify_url"),
        )
        self.refunds[refund.out_refund_no] = refund
        trade.trade_state = "REFUND"
        return self._answer(200, refund.resource(self.mch_id))

    async def query_refund(self, request: Request) -> Response:
        refusal, _ = await self._authenticate(request)
        if refusal:
            return refusal
        self.calls["query_refund"] += 1
        refund = self.refunds.get(request.path_params["out_refund_no"])
        if refund is None:
            return self._error(404, "RESOURCE_NOT_EXISTS")
        return self._answer(200, refund.resource(self.mch_id))

    def asgi(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/v3/certificates", self.certificates),
                Route("/v3/pay/transactions/jsapi", self.jsapi, methods=["POST"]),
                Route("/v3/pay/transactions/out-trade-no/{out_trade_no}", self.query),
                Route(
                    "/v3/pay/transactions/out-trade-no/{out_trade_no}/close",
                    self.close,
                    methods=["POST"],
                ),
                Route("/v3/refund/domestic/refunds", self.refund, methods=["POST"]),
                Route("/v3/refund/domestic/refunds/{out_refund_no}", self.query_refund),
            ]
        )

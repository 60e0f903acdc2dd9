"""WeChat Pay API v3 for the mini-program (JSAPI), through the `wechatpayv3` SDK.

The SDK's async client signs our requests (WECHATPAY2-SHA256-RSA2048), verifies WeChat's
answers against the platform certificates it downloads, and computes `paySign`. What it
lacks we add here:

* a configurable API base (it hard-codes api.mch.weixin.qq.com; see `_SDK_GATEWAY`);
* notification verification that is strict enough for money: every header required,
  `WECHATPAY/SIGNTEST/` probes refused, a timestamp window in both directions, the raw body
  verified byte for byte, unknown serials refreshing certificates at most once a minute
  (an attacker cannot make us download on every request), then AES-256-GCM decryption and
  our merchant and app checked;
* errors turned into `ProviderError` / `ProviderRejected` instead of bare exceptions.

https://pay.weixin.qq.com/doc/v3/merchant/4012791856 (JSAPI order), .../4012365342 (notify)
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import logging
import secrets
import time
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import httpx
import orjson
from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256

# The async client has its own WeChatPayType enum; the sync package's one does not match it.
from wechatpayv3.async_ import AsyncWeChatPay, WeChatPayType

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

NOTIFY_PATH = "/payments/wechat/notify"
SIGNATURE_TYPE = "WECHATPAY2-SHA256-RSA2048"
# WeChat sends probe notifications signed with this prefix to check that merchants verify;
# they must be answered as failures.
SIGNTEST_PREFIX = "WECHATPAY/SIGNTEST/"
REQUIRED_HEADERS = (
    "wechatpay-timestamp",
    "wechatpay-nonce",
    "wechatpay-signature",
    "wechatpay-serial",
)
# A prepay_id lives 2 hours at WeChat; stop reusing it a little before.
PREPAY_REUSE_TTL = timedelta(hours=2) - timedelta(minutes=5)
# An unknown serial in a notification refreshes the platform certificates at most this often.
CERTIFICATE_REFRESH_INTERVAL = 60.0
CHINA_TZ = timezone(timedelta(hours=8))

_TRADE_STATES = {
    "SUCCESS": TradeState.PAID,
    "REFUND": TradeState.PAID,  # paid, then (partly) refunded: it was paid
    "NOTPAY": TradeState.UNPAID,
    "USERPAYING": TradeState.UNPAID,
    "CLOSED": TradeState.CLOSED,
    "REVOKED": TradeState.CLOSED,
    "PAYERROR": TradeState.FAILED,
}
_REFUND_STATES = {
    "SUCCESS": RefundState.SUCCEEDED,
    "PROCESSING": RefundState.PROCESSING,
    "CLOSED": RefundState.FAILED,
    "ABNORMAL": RefundState.FAILED,  # e.g. the card was closed: needs a person
}
_NOT_FOUND_CODES = {"ORDER_NOT_EXIST", "RESOURCE_NOT_EXISTS", "NOT_FOUND"}


def _serial_key(serial: str) -> str:
    """Certificate serials are hex and may come with or without leading zeros or in any
    case; public key ids (PUB_KEY_ID_...) are compared as they are."""
    try:
        return format(int(serial, 16), "X")
    except ValueError:
        return serial


def _parse_time(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value).astimezone(UTC)
    except ValueError:
        return None


class WechatPayProvider:
    name = ProviderName.WECHAT

    def __init__(self, *, settings: Settings) -> None:
        self._settings = settings
        self._mch_id = settings.wechatpay_mch_id
        self._app_id = settings.wechat_app_id
        self._apiv3_key = settings.wechatpay_apiv3_key.encode()
        self._tolerance = settings.payments_notify_tolerance_seconds
        self._skew = settings.payments_clock_skew_seconds
        self.notify_url = settings.payments_public_url.rstrip("/") + NOTIFY_PATH
        public_key = settings.wechatpay_platform_public_key or None
        public_key_id = settings.wechatpay_platform_public_key_id or None
        timeout = settings.wechatpay_timeout_seconds
        try:
            self._sdk = AsyncWeChatPay(
                wechatpay_type=WeChatPayType.MINIPROG,
                mchid=self._mch_id,
                private_key=settings.wechatpay_merchant_private_key,
                cert_serial_no=settings.wechatpay_merchant_serial_no,
                appid=self._app_id,
                apiv3_key=settings.wechatpay_apiv3_key,
                notify_url=self.notify_url,
                timeout=(timeout, timeout),
                public_key=public_key,
                public_key_id=public_key_id,
                # No logger: the SDK would log request headers, Authorization included.
            )
        except Exception as exc:  # the SDK raises bare Exception for unreadable keys
            raise ValueError(f"WeChat Pay is misconfigured: {exc}") from None
        # The SDK has no option for its gateway; its request() joins this with each path.
        self._sdk._core._gate_way = settings.wechatpay_api_base.rstrip("/")  # _SDK_GATEWAY
        self._public_key_mode = public_key is not None
        self._ready_lock = asyncio.Lock()
        self._entered = False
        self._platform_keys: dict[str, RSAPublicKey] = {}
        self._last_refresh = float("-inf")

    # --- lifecycle --------------------------------------------------------------------------

    async def start(self) -> None:
        """Nothing to do eagerly: the first call downloads the platform certificates, so a
        WeChat outage at start-up does not stop the shop from serving."""

    async def aclose(self) -> None:
        async with self._ready_lock:
            if self._entered:
                await self._sdk.__aexit__(None, None, None)
                self._entered = False

    async def _ready(self) -> AsyncWeChatPay:
        if self._entered:
            return self._sdk
        async with self._ready_lock:
            if not self._entered:
                try:
                    # Opens the HTTP client and, in certificate mode, downloads and
                    # decrypts the platform certificates.
                    await self._sdk.__aenter__()
                except Exception as exc:
                    await self._sdk.__aexit__(None, None, None)
                    raise ProviderError(
                        f"WeChat Pay platform keys unavailable: {type(exc).__name__}"
                    ) from exc
                self._entered = True
                self._load_platform_keys()
        return self._sdk

    def _load_platform_keys(self) -> None:
        core = self._sdk._core
        keys: dict[str, RSAPublicKey] = {}
        if core._public_key is not None and core._public_key_id:
            keys[_serial_key(core._public_key_id)] = core._public_key
        for certificate in core._certificates:
            keys[format(certificate.serial_number, "X")] = certificate.public_key()
        if keys:  # a failed download leaves the SDK's list empty; keep what we had
            self._platform_keys = keys

    async def _platform_key(self, serial: str) -> RSAPublicKey | None:
        key = self._platform_keys.get(_serial_key(serial))
        if key is not None or self._public_key_mode:
            return key
        async with self._ready_lock:
            key = self._platform_keys.get(_serial_key(serial))
            if key is None and time.monotonic() - self._last_refresh > CERTIFICATE_REFRESH_INTERVAL:
                # WeChat rotated its certificate: fetch the new one, but at most once a
                # minute whatever serials strangers send us.
                self._last_refresh = time.monotonic()
                try:
                    await self._sdk._core._update_certificates()
                except (httpx.HTTPError, ValueError) as exc:
                    logger.warning("platform certificate refresh failed: %s", type(exc).__name__)
                self._load_platform_keys()
                key = self._platform_keys.get(_serial_key(serial))
        return key

    # --- outbound calls ------------------------------------------------------------------------

    async def _request(
        self, call: Callable[[AsyncWeChatPay], Awaitable[tuple[int, Any]]]
    ) -> dict[str, Any]:
        sdk = await self._ready()
        try:
            status, body = await call(sdk)
        except httpx.HTTPError as exc:
            raise ProviderError(f"WeChat Pay unreachable: {type(exc).__name__}") from exc
        except Exception as exc:
            # The SDK raises a bare Exception when an answer's signature does not verify
            # (and for its own argument checks): either way nothing we can trust happened.
            raise ProviderError(f"WeChat Pay call failed: {exc}") from exc
        data: dict[str, Any] = {}
        if body:
            try:
                parsed = orjson.loads(body)
            except orjson.JSONDecodeError as exc:
                raise ProviderError(f"WeChat Pay answered {status} with a non-JSON body") from exc
            data = parsed if isinstance(parsed, dict) else {}
        if 200 <= status < 300:
            return data
        if 400 <= status < 500:
            raise ProviderRejected(str(data.get("code") or status), str(data.get("message") or ""))
        raise ProviderError(f"WeChat Pay answered {status}: {data.get('code', '')}")

    def _launch_params(self, prepay_id: str) -> dict[str, str]:
        """The arguments of `wx.requestPayment`, signed with our merchant key."""
        timestamp = str(int(time.time()))
        nonce = secrets.token_hex(16)
        package = f"prepay_id={prepay_id}"
        # RSA-SHA256 over "appId\ntimeStamp\nnonceStr\npackage\n"
        pay_sign = self._sdk.sign([self._app_id, timestamp, nonce, package])
        return {
            "appId": self._app_id,
            "timeStamp": timestamp,
            "nonceStr": nonce,
            "package": package,
            "signType": "RSA",
            "paySign": pay_sign,
        }

    async def create_checkout(self, charge: Charge, *, reuse: str | None = None) -> Checkout:
        if reuse:
            # Same order, prepay_id still valid: sign fresh parameters, do not re-order
            # (a second order with the same out_trade_no would be refused anyway).
            return Checkout(provider=self.name, reference=reuse, params=self._launch_params(reuse))
        if not charge.payer_openid:
            raise ProviderRejected("PAYER_REQUIRED", "WeChat Pay needs the payer's openid")
        total = to_minor(charge.amount)
        time_expire = (
            charge.expires_at.astimezone(CHINA_TZ).isoformat(timespec="seconds")
            if charge.expires_at
            else None
        )
        data = await self._request(
            lambda sdk: sdk.pay(
                description=charge.description[:127] or "Microstore order",
                out_trade_no=charge.out_trade_no,
                amount={"total": total, "currency": charge.currency.upper()},
                payer={"openid": charge.payer_openid},
                time_expire=time_expire,
                attach=str(charge.order_id),
                pay_type=WeChatPayType.MINIPROG,
            )
        )
        prepay_id = data.get("prepay_id")
        if not isinstance(prepay_id, str) or not prepay_id:
            raise ProviderError("WeChat Pay answered without a prepay_id")
        return Checkout(
            provider=self.name,
            reference=prepay_id,
            params=self._launch_params(prepay_id),
            reference_expires_at=datetime.now(UTC) + PREPAY_REUSE_TTL,
        )

    def _trade(self, data: Mapping[str, Any], out_trade_no: str) -> Trade:
        if (
            data.get("mchid") != self._mch_id
            or data.get("appid") != self._app_id
            or data.get("out_trade_no") != out_trade_no
        ):
            raise ProviderError("WeChat Pay answered about another merchant, app or order")
        raw_state = str(data.get("trade_state") or "")
        amount = data.get("amount") or {}
        total = amount.get("total")
        return Trade(
            state=_TRADE_STATES.get(raw_state, TradeState.UNPAID),
            out_trade_no=out_trade_no,
            transaction_id=data.get("transaction_id") or None,
            amount_minor=total if isinstance(total, int) else None,
            currency=amount.get("currency"),
            paid_at=_parse_time(data.get("success_time")),
            raw_state=raw_state,
        )

    async def query(self, *, out_trade_no: str, reference: str | None = None) -> Trade:
        try:
            data = await self._request(lambda sdk: sdk.query(out_trade_no=out_trade_no))
        except ProviderRejected as exc:
            if exc.code in _NOT_FOUND_CODES:
                return Trade(state=TradeState.NOT_FOUND, out_trade_no=out_trade_no)
            raise
        return self._trade(data, out_trade_no)

    async def close(self, *, out_trade_no: str, reference: str | None = None) -> Trade:
        try:
            await self._request(lambda sdk: sdk.close(out_trade_no=out_trade_no))
        except ProviderRejected as exc:
            # ORDERPAID: the shopper paid before we closed. Anything else (already closed,
            # never ordered) is settled by asking for the order's state below.
            logger.info("WeChat close-order refused: %s", exc.code)
        trade = await self.query(out_trade_no=out_trade_no)
        if trade.state == TradeState.NOT_FOUND:
            return Trade(state=TradeState.CLOSED, out_trade_no=out_trade_no, raw_state="NOT_FOUND")
        return trade

    def _refund_result(self, data: Mapping[str, Any], out_refund_no: str) -> RefundResult:
        if data.get("out_refund_no") != out_refund_no:
            raise ProviderError("WeChat Pay answered about another refund")
        raw_state = str(data.get("status") or "")
        refund = (data.get("amount") or {}).get("refund")
        return RefundResult(
            out_refund_no=out_refund_no,
            state=_REFUND_STATES.get(raw_state, RefundState.PROCESSING),
            refund_id=data.get("refund_id") or None,
            amount_minor=refund if isinstance(refund, int) else None,
            raw_state=raw_state,
        )

    async def refund(self, order: RefundOrder) -> RefundResult:
        data = await self._request(
            lambda sdk: sdk.refund(
                out_refund_no=order.out_refund_no,
                amount={
                    "refund": to_minor(order.amount),
                    "total": to_minor(order.total),
                    "currency": order.currency.upper(),
                },
                transaction_id=order.transaction_id,
                out_trade_no=None if order.transaction_id else order.out_trade_no,
                reason=order.reason[:80] or None,
            )
        )
        return self._refund_result(data, order.out_refund_no)

    async def query_refund(
        self, *, out_refund_no: str, refund_id: str | None = None
    ) -> RefundResult:
        data = await self._request(lambda sdk: sdk.query_refund(out_refund_no=out_refund_no))
        return self._refund_result(data, out_refund_no)

    # --- notifications ----------------------------------------------------------------------

    async def parse_notification(self, *, headers: Mapping[str, str], body: bytes) -> Notification:
        h = {name.lower(): value for name, value in headers.items()}
        missing = [name for name in REQUIRED_HEADERS if not h.get(name)]
        if missing:
            raise NotificationRejected(f"missing headers: {', '.join(missing)}")
        signature = h["wechatpay-signature"]
        if signature.startswith(SIGNTEST_PREFIX):
            raise NotificationRejected("signature probe (WECHATPAY/SIGNTEST)")
        if h.get("wechatpay-signature-type", SIGNATURE_TYPE) != SIGNATURE_TYPE:
            raise NotificationRejected("unsupported signature type")
        timestamp = h["wechatpay-timestamp"]
        if not timestamp.isdigit() or len(timestamp) > 12:
            raise NotificationRejected("malformed timestamp")
        check_timestamp_window(
            int(timestamp), tolerance_seconds=self._tolerance, skew_seconds=self._skew
        )
        try:
            raw_signature = base64.b64decode(signature, validate=True)
        except (binascii.Error, ValueError):
            raise NotificationRejected("malformed signature") from None

        await self._ready()
        key = await self._platform_key(h["wechatpay-serial"])
        if key is None:
            raise NotificationRejected("unknown platform serial")
        message = b"%s\n%s\n%s\n" % (timestamp.encode(), h["wechatpay-nonce"].encode(), body)
        try:
            key.verify(raw_signature, message, padding.PKCS1v15(), SHA256())
        except InvalidSignature:
            raise NotificationRejected("signature does not verify") from None

        envelope = self._json_object(body, "body")
        resource = self._decrypt(envelope.get("resource"))
        return self._notification(envelope, resource)

    @staticmethod
    def _json_object(data: bytes, what: str) -> dict[str, Any]:
        try:
            parsed = orjson.loads(data)
        except orjson.JSONDecodeError:
            raise NotificationRejected(f"{what} is not JSON") from None
        if not isinstance(parsed, dict):
            raise NotificationRejected(f"{what} is not a JSON object")
        return parsed

    def _decrypt(self, resource: object) -> dict[str, Any]:
        if not isinstance(resource, dict) or resource.get("algorithm") != "AEAD_AES_256_GCM":
            raise NotificationRejected("resource missing or not AEAD_AES_256_GCM")
        nonce, ciphertext = resource.get("nonce"), resource.get("ciphertext")
        associated_data = resource.get("associated_data") or ""
        if not (isinstance(nonce, str) and isinstance(ciphertext, str) and nonce):
            raise NotificationRejected("resource nonce or ciphertext missing")
        if not isinstance(associated_data, str):
            raise NotificationRejected("resource associated_data malformed")
        try:
            plain = AESGCM(self._apiv3_key).decrypt(
                nonce.encode(),
                base64.b64decode(ciphertext, validate=True),
                associated_data.encode(),
            )
        except (InvalidTag, binascii.Error, ValueError):
            raise NotificationRejected(
                "resource does not decrypt (tag, key or associated data)"
            ) from None
        return self._json_object(plain, "resource")

    def _notification(
        self, envelope: Mapping[str, Any], resource: Mapping[str, Any]
    ) -> Notification:
        event_type = str(envelope.get("event_type") or "")
        event_id = str(envelope.get("id") or "")
        if not event_id:
            raise NotificationRejected("notification id missing")
        if resource.get("mchid") != self._mch_id:
            raise NotificationRejected("merchant differs from ours")
        amount = resource.get("amount") or {}
        if event_type.startswith("TRANSACTION."):
            if resource.get("appid") != self._app_id:
                raise NotificationRejected("app differs from ours")
            paid = event_type == "TRANSACTION.SUCCESS" and resource.get("trade_state") == "SUCCESS"
            total = amount.get("total")
            return Notification(
                provider=self.name,
                kind=NotificationKind.PAYMENT_SUCCEEDED if paid else NotificationKind.IGNORED,
                event_id=event_id,
                event_type=event_type,
                out_trade_no=resource.get("out_trade_no"),
                transaction_id=resource.get("transaction_id"),
                amount_minor=total if isinstance(total, int) else None,
                currency=amount.get("currency"),
                occurred_at=_parse_time(resource.get("success_time")),
            )
        if event_type.startswith("REFUND."):
            status = resource.get("refund_status")
            kind = {
                "SUCCESS": NotificationKind.REFUND_SUCCEEDED,
                "CLOSED": NotificationKind.REFUND_FAILED,
                "ABNORMAL": NotificationKind.REFUND_FAILED,
            }.get(str(status), NotificationKind.IGNORED)
            refund = amount.get("refund")
            return Notification(
                provider=self.name,
                kind=kind,
                event_id=event_id,
                event_type=event_type,
                out_trade_no=resource.get("out_trade_no"),
                transaction_id=resource.get("transaction_id"),
                amount_minor=refund if isinstance(refund, int) else None,
                out_refund_no=resource.get("out_refund_no"),
                refund_id=resource.get("refund_id"),
                occurred_at=_parse_time(resource.get("success_time")),
            )
        return Notification(
            provider=self.name,
            kind=NotificationKind.IGNORED,
            event_id=event_id,
            event_type=event_type,
        )

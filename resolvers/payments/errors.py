from __future__ import annotations

from enum import StrEnum


class PaymentErrorCode(StrEnum):
    NOT_FOUND = "NOT_FOUND"  # no such order of the caller's
    ORDER_NOT_PAYABLE = "ORDER_NOT_PAYABLE"  # not awaiting payment, or its deadline passed
    TOO_MANY_ATTEMPTS = "TOO_MANY_ATTEMPTS"
    CHANNEL_UNAVAILABLE = "CHANNEL_UNAVAILABLE"  # no provider configured for this channel
    WECHAT_ACCOUNT_REQUIRED = "WECHAT_ACCOUNT_REQUIRED"  # JSAPI needs the payer's openid
    PROVIDER_UNAVAILABLE = "PROVIDER_UNAVAILABLE"  # could not reach it; try again
    PROVIDER_REFUSED = "PROVIDER_REFUSED"
    SANDBOX_DISABLED = "SANDBOX_DISABLED"  # sandboxPay outside development

"""Which provider serves a payment: built once per process from the settings."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from resolvers.payments.providers.base import (
    CHANNEL_PROVIDERS,
    PaymentChannel,
    PaymentProvider,
    ProviderName,
)
from resolvers.payments.providers.sandbox import SandboxProvider
from resolvers.payments.providers.stripe_cards import StripeProvider
from resolvers.payments.providers.wechat import WechatPayProvider
from settings import DEV_STRIPE_SECRET_KEY, DEV_STRIPE_WEBHOOK_SECRET, Settings

logger = logging.getLogger(__name__)


class ProviderUnavailable(LookupError):
    """No provider is configured for this channel (or for this payment's provider)."""


class PaymentProviders:
    def __init__(self, providers: Mapping[ProviderName, PaymentProvider], *, sandbox: bool) -> None:
        self._providers = dict(providers)
        self.sandbox = sandbox

    @classmethod
    def from_settings(cls, settings: Settings) -> PaymentProviders:
        """A real provider exists only when its credentials are configured, so a
        development default secret can never verify a forged notification."""
        providers: dict[ProviderName, PaymentProvider] = {}
        sandbox = bool(settings.payments_sandbox)
        if sandbox:
            providers[ProviderName.SANDBOX] = SandboxProvider(settings=settings)
        if ProviderName.WECHAT in settings.payment_providers:
            if (
                settings.wechatpay_mch_id
                and settings.wechatpay_merchant_private_key
                and settings.wechatpay_merchant_serial_no
            ):
                providers[ProviderName.WECHAT] = WechatPayProvider(settings=settings)
            else:
                logger.info("WeChat Pay is not configured (WECHATPAY_MCH_ID, merchant key)")
        if ProviderName.STRIPE in settings.payment_providers:
            if (
                settings.stripe_secret_key != DEV_STRIPE_SECRET_KEY
                and settings.stripe_webhook_secret != DEV_STRIPE_WEBHOOK_SECRET
            ):
                providers[ProviderName.STRIPE] = StripeProvider(settings=settings)
            else:
                logger.info("Stripe is not configured (STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET)")
        return cls(providers, sandbox=sandbox)

    def for_channel(self, channel: PaymentChannel) -> PaymentProvider:
        """The provider a new payment from this channel goes to."""
        name = ProviderName.SANDBOX if self.sandbox else CHANNEL_PROVIDERS[channel]
        return self.get(name)

    def get(self, name: ProviderName | str) -> PaymentProvider:
        """The provider of an existing payment (notifications, reconciliation, refunds)."""
        provider = self._providers.get(ProviderName(name))
        if provider is None:
            raise ProviderUnavailable(f"payment provider {name} is not configured")
        return provider

    def __contains__(self, name: object) -> bool:
        return name in self._providers

    async def start(self) -> None:
        for provider in self._providers.values():
            await provider.start()

    async def aclose(self) -> None:
        for provider in self._providers.values():
            try:
                await provider.aclose()
            except Exception:
                logger.exception("closing payment provider %s failed", provider.name)

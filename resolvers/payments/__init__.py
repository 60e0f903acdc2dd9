"""Payments: providers (WeChat Pay v3, Stripe, sandbox), notifications, refunds."""

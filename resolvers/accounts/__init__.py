"""Accounts: WeChat and staff login, access and refresh tokens."""

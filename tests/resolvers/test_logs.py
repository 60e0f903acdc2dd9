"""Logs never carry tokens, passwords or full phone numbers."""

from __future__ import annotations

import logging

import pytest

from resolvers.core.logs import RedactingFilter, RequestIdFilter, redact, request_id_var

JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIiwiZXhwIjoxfQ.c2lnbmF0dXJlLXNpZ25hdHVyZQ"


@pytest.mark.parametrize(
    ("text", "leak"),
    [
        (f"token was {JWT}", JWT),
        ("Authorization: Bearer abc.def-ghi", "abc.def-ghi"),
        ('{"password": "hunter2hunter2"}', "hunter2hunter2"),
        ("GET /graphql?refresh_token=opaque-refresh-value&x=1", "opaque-refresh-value"),
        ("secret=wx-app-secret-123", "wx-app-secret-123"),
        ("call 13812345678 now", "13812345678"),
    ],
)
def test_redact_removes_secrets(text, leak):
    assert leak not in redact(text)


def test_phone_numbers_keep_their_ends():
    assert redact("phone 13812345678") == "phone 138****5678"


def test_filter_redacts_arguments_and_tracebacks():
    record = logging.LogRecord(
        "t", logging.ERROR, __file__, 1, "user %s logged in with %s", ("u1", JWT), None
    )
    try:
        raise ValueError(f"bad token {JWT}")
    except ValueError:
        import sys

        record.exc_info = sys.exc_info()

    RedactingFilter().filter(record)

    assert JWT not in record.getMessage()
    assert JWT not in (record.exc_text or "")
    assert "[jwt]" in record.getMessage()


def test_request_id_is_attached():
    token = request_id_var.set("req-123")
    try:
        record = logging.LogRecord("t", logging.INFO, __file__, 1, "hi", None, None)
        RequestIdFilter().filter(record)
    finally:
        request_id_var.reset(token)

    assert record.request_id == "req-123"

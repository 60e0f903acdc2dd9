"""JSON logs with a request id, and a filter that keeps secrets out of them.

Redaction is a safety net, not the plan: code must not log tokens, passwords or full phone
numbers in the first place (card data never reaches this server at all). The filter catches
what slips through (a JWT in an exception message, a phone number in a GET query string)
before any handler writes it.
"""

from __future__ import annotations

import logging
import re
import sys
from contextvars import ContextVar

from pythonjsonlogger.json import JsonFormatter

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)

_REDACTIONS: tuple[tuple[re.Pattern[str], str], ...] = (
    # JWTs (three base64url segments, the first starting with `eyJ`).
    (re.compile(r"eyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]{5,}"), "[jwt]"),
    # Bearer credentials of any shape.
    (re.compile(r"(?i)(bearer\s+)[^\s\"',]+"), r"\1[redacted]"),
    # key=value / "key": "value" pairs whose name says secret.
    (
        re.compile(
            r"(?i)(\"?(?:password|passwd|secret|token|refresh_?token|access_?token|"
            r"authorization|api_?key|card_?number|cvc|cvv)\"?\s*[:=]\s*\"?)[^\s\"&,}]+"
        ),
        r"\1[redacted]",
    ),
    # Mainland mobile numbers: keep the first 3 and last 4 digits, as staff screens do.
    (re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)"), r"\1****\2"),
)


def redact(text: str) -> str:
    for pattern, replacement in _REDACTIONS:
        text = pattern.sub(replacement, text)
    return text


class RedactingFilter(logging.Filter):
    """Rewrites the rendered message (and its args) of every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            message = str(record.msg)
        record.msg = redact(message)
        record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            # Tracebacks are rendered later from exc_info; render now, redacted.
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


def configure_logging(*, level: str = "INFO", json_output: bool = True) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(RequestIdFilter())
    handler.addFilter(RedactingFilter())
    if json_output:
        handler.setFormatter(
            JsonFormatter(
                "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
                rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
                datefmt="%Y-%m-%dT%H:%M:%S%z",
            )
        )
    else:
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")
        )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # uvicorn's own access log prints full URLs (GET query strings carry variables);
    # our middleware logs method, path and status instead.
    logging.getLogger("uvicorn.access").disabled = True
    # httpx logs every outgoing URL at INFO, query strings (and secrets) included.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True

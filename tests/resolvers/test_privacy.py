"""What is shown of a phone number to those who may not see it in full."""

from __future__ import annotations

from resolvers.core.privacy import mask_phone


def test_phones_are_masked():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("02163211234") == "021****1234"
    assert mask_phone("12345") == "*2345"
    assert mask_phone("1234") == "****"

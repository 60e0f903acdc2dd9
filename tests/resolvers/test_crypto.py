"""SM4 field encryption, blind indexes, and refusing to start without SM4."""

from __future__ import annotations

import pytest
from cryptography.exceptions import UnsupportedAlgorithm

import main
from resolvers.core import crypto
from resolvers.core.crypto import (
    SCHEME_CBC_HMAC,
    SCHEME_GCM,
    CryptoUnavailable,
    DecryptionError,
    FieldCipher,
    normalise_phone,
)
from settings import DEV_BLIND_INDEX_KEY, DEV_FIELD_ENCRYPTION_KEYS, Settings

K1 = "00112233445566778899aabbccddeeff"
K2 = "ffeeddccbbaa99887766554433221100"
INDEX_KEY = "an-index-key-that-is-long-enough-for-prod"


def _cipher(scheme: str | None = None, active: str = "k1", **keys: str) -> FieldCipher:
    return FieldCipher(
        keys=keys or {"k1": K1}, active_key_id=active, blind_index_key=INDEX_KEY, scheme=scheme
    )


def test_the_backend_passes_the_known_answer_tests():
    assert crypto.self_test() == SCHEME_GCM


@pytest.mark.parametrize("scheme", [SCHEME_GCM, SCHEME_CBC_HMAC])
def test_round_trip_with_random_nonces(scheme):
    cipher = _cipher(scheme)

    first = cipher.encrypt("13812345678", context="address.phone")
    second = cipher.encrypt("13812345678", context="address.phone")

    assert first != second and first.startswith(f"{scheme}$k1$")
    assert cipher.decrypt(first, context="address.phone") == "13812345678"
    assert cipher.decrypt(second, context="address.phone") == "13812345678"


@pytest.mark.parametrize("scheme", [SCHEME_GCM, SCHEME_CBC_HMAC])
def test_a_value_moved_to_another_column_or_tampered_with_does_not_decrypt(scheme):
    cipher = _cipher(scheme)
    token = cipher.encrypt("人民大道 200 号", context="address.detail")
    head, body = token.rsplit("$", 1)
    flipped = body[:-6] + ("A" if body[-6] != "A" else "B") + body[-5:]

    with pytest.raises(DecryptionError):
        cipher.decrypt(token, context="address.phone")
    with pytest.raises(DecryptionError):
        cipher.decrypt(f"{head}${flipped}", context="address.detail")
    with pytest.raises(DecryptionError):
        cipher.decrypt("plain text", context="address.detail")


def test_rotation_keeps_old_values_readable_and_says_which_need_re_encrypting():
    old = _cipher(k1=K1)
    token = old.encrypt("13812345678", context="address.phone")

    rotated = _cipher(active="k2", k1=K1, k2=K2)
    fresh = rotated.encrypt("13812345678", context="address.phone")

    assert rotated.decrypt(token, context="address.phone") == "13812345678"
    assert FieldCipher.key_id_of(token) == "k1" and FieldCipher.key_id_of(fresh) == "k2"
    with pytest.raises(DecryptionError):
        _cipher(k2=K2, active="k2").decrypt(token, context="address.phone")


def test_blind_indexes_match_equal_values_only_under_the_same_key():
    cipher = _cipher()

    a = cipher.blind_index("13812345678", context="address.phone")

    assert a == cipher.blind_index("13812345678", context="address.phone")
    assert a != cipher.blind_index("13812345679", context="address.phone")
    other = FieldCipher(keys={"k1": K1}, active_key_id="k1", blind_index_key="another-key-x" * 3)
    assert a != other.blind_index("13812345678", context="address.phone")
    assert "13812345678" not in a


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("13812345678", "13812345678"),
        ("+86 138-1234-5678", "13812345678"),
        ("0086 13812345678", "13812345678"),
        ("(021) 6321-1234", "02163211234"),
        ("hello", None),
        ("12", None),
    ],
)
def test_phone_numbers_are_normalised(raw, normal):
    assert normalise_phone(raw) == normal


def test_bad_keys_are_refused():
    with pytest.raises(ValueError, match="32 hex"):
        FieldCipher(keys={"k1": "abcd"}, active_key_id="k1", blind_index_key=INDEX_KEY)
    with pytest.raises(ValueError, match="not configured"):
        FieldCipher(keys={"k1": K1}, active_key_id="k9", blind_index_key=INDEX_KEY)


def test_keys_come_from_the_environment_format():
    settings = Settings(
        _env_file=None, field_encryption_keys=f"old:{K1}, new:{K2}", field_encryption_key_id="new"
    )
    assert settings.field_encryption_keys == {"old": K1, "new": K2}


def test_production_refuses_the_development_keys():
    reasons = Settings(_env_file=None, env="production").insecure_reasons()
    assert "FIELD_ENCRYPTION_KEYS holds the development key" in reasons
    assert "BLIND_INDEX_KEY is the development default" in reasons

    fixed = Settings(
        _env_file=None,
        env="production",
        field_encryption_keys={"p1": K1},
        field_encryption_key_id="p1",
        blind_index_key=INDEX_KEY,
    ).insecure_reasons()
    assert not any("FIELD_ENCRYPTION" in r or "BLIND_INDEX" in r for r in fixed)
    assert DEV_FIELD_ENCRYPTION_KEYS and DEV_BLIND_INDEX_KEY


class _NoSM4:
    def __init__(self, key: bytes) -> None:
        raise UnsupportedAlgorithm("SM4 is not supported by this backend")


def test_the_app_refuses_to_start_without_sm4(monkeypatch):
    monkeypatch.setattr(crypto.algorithms, "SM4", _NoSM4)

    with pytest.raises(CryptoUnavailable):
        crypto.self_test()
    with pytest.raises(CryptoUnavailable):
        main.create_app(Settings(_env_file=None, redis_url="memory://"))


def test_a_backend_without_gcm_falls_back_to_cbc_with_hmac(monkeypatch):
    monkeypatch.setattr(crypto, "gcm_supported", lambda: False)

    assert crypto.self_test() == SCHEME_CBC_HMAC
    with pytest.raises(CryptoUnavailable):
        crypto.self_test(require_gcm=True)

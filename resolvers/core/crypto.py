"""SM4 field encryption at rest and blind indexes for lookups (masking: `privacy`).

Phone numbers and street addresses are personal data (PIPL); they are stored encrypted with
SM4 (GB/T 32907, the cipher Chinese regulators expect) and decrypted only to be shown.

Stored form: ``<scheme>$<key id>$<base64(nonce || ciphertext || tag)>``

* scheme ``g1``: SM4-GCM, 12-byte random nonce, 16-byte tag. Used when the crypto backend
  has SM4-GCM (OpenSSL 3 does).
* scheme ``c1``: SM4-CBC (PKCS7) then HMAC-SHA256 over ``scheme || key id || context ||
  iv || ciphertext`` (encrypt-then-MAC), for backends with SM4 but without SM4-GCM. The
  encryption and MAC keys are derived from the configured key with HKDF.

Both bind the value to a *context* (e.g. ``"address.phone"``) as associated data, so a
ciphertext copied into another column does not decrypt. The key id names which configured
key encrypted the value: rotating means adding a key, making it active, and re-encrypting
rows whose stored key id is not the active one (`FieldCipher.key_id_of`); old keys stay
configured until no row uses them.

A blind index is HMAC-SHA256 of the normalised value under a separate key: equal inputs give
equal indexes, so staff can find an order by phone without the database ever holding the
number in clear. It cannot be reversed without the key.

`self_test()` checks SM4 (and SM4-GCM when used) against the standard's known answers; the
app calls it at start-up and refuses to start when the backend lacks SM4.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from settings import Settings

SCHEME_GCM = "g1"
SCHEME_CBC_HMAC = "c1"
NONCE_BYTES = 12
TAG_BYTES = 16
BLOCK_BYTES = 16
KEY_BYTES = 16

# GB/T 32907-2016 Appendix A.1: one block, key = plaintext.
_KAT_KEY = bytes.fromhex("0123456789abcdeffedcba9876543210")
_KAT_ECB_CIPHERTEXT = bytes.fromhex("681edf34d206965e86b3e94f536e4246")
# RFC 8998 Appendix A.1 (SM4-GCM).
_KAT_GCM_NONCE = bytes.fromhex("00001234567800000000abcd")
_KAT_GCM_AAD = bytes.fromhex("feedfacedeadbeeffeedfacedeadbeefabaddad2")
_KAT_GCM_PLAINTEXT = bytes.fromhex(
    "aaaaaaaaaaaaaaaabbbbbbbbbbbbbbbbccccccccccccccccdddddddddddddddd"
    "eeeeeeeeeeeeeeeeffffffffffffffffeeeeeeeeeeeeeeeeaaaaaaaaaaaaaaaa"
)
_KAT_GCM_CIPHERTEXT = bytes.fromhex(
    "17f399f08c67d5ee19d0dc9969c4bb7d5fd46fd3756489069157b282bb200735"
    "d82710ca5c22f0ccfa7cbf93d496ac15a56834cbcf98c397b4024a2691233b8d"
)
_KAT_GCM_TAG = bytes.fromhex("83de3541e4c2b58177e065a9bf7b62ec")


class CryptoUnavailable(RuntimeError):
    """The crypto backend cannot do SM4 (or gives wrong answers): refuse to start."""


class DecryptionError(ValueError):
    """A stored value is malformed, tampered with, or under a key we no longer have."""


def gcm_supported() -> bool:
    try:
        Cipher(algorithms.SM4(_KAT_KEY), modes.GCM(_KAT_GCM_NONCE)).encryptor()
    except (UnsupportedAlgorithm, ValueError):
        return False
    return True


def self_test(*, require_gcm: bool = False) -> str:
    """Known-answer tests; the scheme new values will use. Raises CryptoUnavailable."""
    try:
        encryptor = Cipher(algorithms.SM4(_KAT_KEY), modes.ECB()).encryptor()  # noqa: S305 (one-block KAT)
        if encryptor.update(_KAT_KEY) + encryptor.finalize() != _KAT_ECB_CIPHERTEXT:
            raise CryptoUnavailable("SM4 gives a wrong answer for the GB/T 32907 test vector")
    except (UnsupportedAlgorithm, ValueError) as exc:
        raise CryptoUnavailable(f"the crypto backend has no SM4: {exc}") from exc
    if not gcm_supported():
        if require_gcm:
            raise CryptoUnavailable("the crypto backend has no SM4-GCM")
        return SCHEME_CBC_HMAC
    encryptor = Cipher(algorithms.SM4(_KAT_KEY), modes.GCM(_KAT_GCM_NONCE)).encryptor()
    encryptor.authenticate_additional_data(_KAT_GCM_AAD)
    ciphertext = encryptor.update(_KAT_GCM_PLAINTEXT) + encryptor.finalize()
    if ciphertext != _KAT_GCM_CIPHERTEXT or encryptor.tag != _KAT_GCM_TAG:
        raise CryptoUnavailable("SM4-GCM gives a wrong answer for the RFC 8998 test vector")
    return SCHEME_GCM


def _parse_key(key_id: str, hex_key: str) -> bytes:
    if not key_id or "$" in key_id:
        raise ValueError(f"bad field encryption key id {key_id!r}")
    try:
        key = bytes.fromhex(hex_key)
    except ValueError:
        key = b""
    if len(key) != KEY_BYTES:
        raise ValueError(f"field encryption key {key_id!r} must be {KEY_BYTES * 2} hex characters")
    return key


@dataclass(frozen=True, slots=True)
class _SubKeys:
    enc: bytes
    mac: bytes


def _cbc_subkeys(key: bytes) -> _SubKeys:
    material = HKDF(
        algorithm=hashes.SHA256(), length=KEY_BYTES + 32, salt=None, info=b"microstore-sm4-cbc-hmac"
    ).derive(key)
    return _SubKeys(enc=material[:KEY_BYTES], mac=material[KEY_BYTES:])


class FieldCipher:
    """Encrypts and decrypts single text fields; makes blind indexes."""

    def __init__(
        self,
        *,
        keys: Mapping[str, str],
        active_key_id: str,
        blind_index_key: str,
        scheme: str | None = None,
    ) -> None:
        self._keys = {key_id: _parse_key(key_id, value) for key_id, value in keys.items()}
        if active_key_id not in self._keys:
            raise ValueError(f"the active field encryption key {active_key_id!r} is not configured")
        self.active_key_id = active_key_id
        self._index_key = blind_index_key.encode()
        self.scheme = scheme or self_test()
        self._cbc = {key_id: _cbc_subkeys(key) for key_id, key in self._keys.items()}
        # Built once: an order's address snapshot decrypts and encrypts four fields.
        self._sm4 = {key_id: algorithms.SM4(key) for key_id, key in self._keys.items()}
        self._sm4_cbc = {key_id: algorithms.SM4(sub.enc) for key_id, sub in self._cbc.items()}
        self._aads: dict[tuple[str, str, str], bytes] = {}

    @classmethod
    def from_settings(cls, settings: Settings) -> FieldCipher:
        """Runs the known-answer test: raises CryptoUnavailable on a backend without SM4."""
        return cls(
            keys=settings.field_encryption_keys,
            active_key_id=settings.field_encryption_key_id,
            blind_index_key=settings.blind_index_key,
        )

    # --- encryption ---------------------------------------------------------------------
    def encrypt(self, plaintext: str, *, context: str) -> str:
        key_id = self.active_key_id
        data = plaintext.encode()
        if self.scheme == SCHEME_GCM:
            nonce = os.urandom(NONCE_BYTES)
            encryptor = Cipher(self._sm4[key_id], modes.GCM(nonce)).encryptor()
            encryptor.authenticate_additional_data(self._aad(SCHEME_GCM, key_id, context))
            body = nonce + encryptor.update(data) + encryptor.finalize() + encryptor.tag
        else:
            iv = os.urandom(BLOCK_BYTES)
            padder = padding.PKCS7(BLOCK_BYTES * 8).padder()
            padded = padder.update(data) + padder.finalize()
            encryptor = Cipher(self._sm4_cbc[key_id], modes.CBC(iv)).encryptor()
            ciphertext = iv + encryptor.update(padded) + encryptor.finalize()
            body = ciphertext + self._mac(key_id, context, ciphertext)
        return f"{self.scheme}${key_id}${base64.b64encode(body).decode()}"

    def decrypt(self, token: str, *, context: str) -> str:
        scheme, key_id, body = self._split(token)
        if key_id not in self._keys:
            raise DecryptionError(f"no key {key_id!r} to decrypt with")
        try:
            if scheme == SCHEME_GCM:
                nonce, ciphertext, tag = (
                    body[:NONCE_BYTES],
                    body[NONCE_BYTES:-TAG_BYTES],
                    body[-TAG_BYTES:],
                )
                decryptor = Cipher(self._sm4[key_id], modes.GCM(nonce, tag)).decryptor()
                decryptor.authenticate_additional_data(self._aad(scheme, key_id, context))
                data = decryptor.update(ciphertext) + decryptor.finalize()
            else:
                ciphertext, mac = body[:-32], body[-32:]
                if not hmac.compare_digest(mac, self._mac(key_id, context, ciphertext)):
                    raise DecryptionError("stored value failed its integrity check")
                iv, blocks = ciphertext[:BLOCK_BYTES], ciphertext[BLOCK_BYTES:]
                decryptor = Cipher(self._sm4_cbc[key_id], modes.CBC(iv)).decryptor()
                unpadder = padding.PKCS7(BLOCK_BYTES * 8).unpadder()
                data = unpadder.update(decryptor.update(blocks) + decryptor.finalize())
                data += unpadder.finalize()
            return data.decode()
        except (InvalidTag, ValueError) as exc:
            if isinstance(exc, DecryptionError):
                raise
            raise DecryptionError("stored value failed its integrity check") from exc

    @staticmethod
    def key_id_of(token: str) -> str:
        """Which key encrypted a stored value (rows not under the active one need re-encrypting)."""
        return FieldCipher._split(token)[1]

    @staticmethod
    def _split(token: str) -> tuple[str, str, bytes]:
        scheme, sep1, rest = token.partition("$")
        key_id, sep2, encoded = rest.partition("$")
        if not (sep1 and sep2) or scheme not in (SCHEME_GCM, SCHEME_CBC_HMAC):
            raise DecryptionError("not an encrypted field value")
        try:
            body = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise DecryptionError("not an encrypted field value") from exc
        minimum = NONCE_BYTES + TAG_BYTES if scheme == SCHEME_GCM else 2 * BLOCK_BYTES + 32
        if len(body) < minimum:
            raise DecryptionError("stored value is truncated")
        return scheme, key_id, body

    def _aad(self, scheme: str, key_id: str, context: str) -> bytes:
        key = (scheme, key_id, context)
        aad = self._aads.get(key)
        if aad is None:
            # Contexts are a handful of constants; key ids are the configured ones.
            aad = self._aads[key] = f"{scheme}${key_id}${context}".encode()
        return aad

    def _mac(self, key_id: str, context: str, ciphertext: bytes) -> bytes:
        message = self._aad(SCHEME_CBC_HMAC, key_id, context) + b"\x00" + ciphertext
        return hmac.new(self._cbc[key_id].mac, message, hashlib.sha256).digest()

    # --- blind index --------------------------------------------------------------------
    def blind_index(self, value: str, *, context: str) -> str:
        """64 hex characters; equal (normalised) values give equal indexes."""
        message = context.encode() + b"\x00" + value.encode()
        return hmac.new(self._index_key, message, hashlib.sha256).hexdigest()


# --- phone numbers ----------------------------------------------------------------------------

_PHONE_SEPARATORS = re.compile(r"[\s\-()]")
_MAINLAND_MOBILE = re.compile(r"1[3-9]\d{9}")
_OTHER_PHONE = re.compile(r"\+?\d{6,20}")


def normalise_phone(raw: str) -> str | None:
    """Digits only, without a +86 / 0086 prefix; None when it is not a phone number."""
    phone = _PHONE_SEPARATORS.sub("", raw.strip())
    for prefix in ("+86", "0086"):
        if phone.startswith(prefix) and len(phone) == len(prefix) + 11:
            phone = phone[len(prefix) :]
    if _MAINLAND_MOBILE.fullmatch(phone) or _OTHER_PHONE.fullmatch(phone):
        return phone
    return None

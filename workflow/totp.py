"""Time-based one-time passwords (RFC 6238, the codes an authenticator app shows): HMAC-SHA1
over the number of 30-second steps since the Unix epoch, six digits, one step of clock drift
allowed either way. A code is accepted once: the step it matched is remembered."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct
from urllib.parse import quote, urlencode

STEP_SECONDS = 30
DIGITS = 6
#: steps of clock drift accepted on each side of the current one
DRIFT = 1


def new_secret() -> str:
    """160 random bits (RFC 4226's recommended key length), as unpadded base32."""
    return base64.b32encode(secrets.token_bytes(20)).decode("ascii").rstrip("=")


def _key(secret: str) -> bytes:
    compact = secret.replace(" ", "").upper()
    return base64.b32decode(compact + "=" * (-len(compact) % 8))


def code_at(secret: str, step: int, digits: int = DIGITS, digest=hashlib.sha1) -> str:
    """The code of one time step (RFC 4226 dynamic truncation)."""
    mac = hmac.new(_key(secret), struct.pack(">Q", step), digest).digest()
    offset = mac[-1] & 0x0F
    value = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10**digits).zfill(digits)


def step_of(now: float) -> int:
    return int(now // STEP_SECONDS)


def matching_step(secret: str, code: str, now: float, last_step: int | None) -> int | None:
    """The step whose code ``code`` is, within the allowed drift and later than ``last_step``
    (a code already used, or an older one, is refused); None when it matches none."""
    code = "".join(code.split())
    if len(code) != DIGITS or not code.isascii() or not code.isdigit():
        return None
    current = step_of(now)
    for step in range(current - DRIFT, current + DRIFT + 1):
        if last_step is not None and step <= last_step:
            continue
        if hmac.compare_digest(code_at(secret, step), code):
            return step
    return None


def provisioning_uri(secret: str, account: str, issuer: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    label = quote(f"{issuer}:{account}", safe=":@")
    query = urlencode(
        {"secret": secret, "issuer": issuer, "algorithm": "SHA1", "digits": DIGITS, "period": 30}
    )
    return f"otpauth://totp/{label}?{query}"


def grouped(secret: str) -> str:
    """The secret in groups of four, for typing it into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))

"""One-time codes against RFC 6238's own test values, drift, replay and the app's address."""

from __future__ import annotations

import base64
from urllib.parse import parse_qs, urlsplit

import pytest

from workflow import totp

#: RFC 6238 Appendix B: the SHA-1 key is the ASCII string "12345678901234567890"
RFC_SECRET = base64.b32encode(b"12345678901234567890").decode()


@pytest.mark.parametrize(
    ("unix_time", "code"),
    [
        (59, "94287082"),
        (1111111109, "07081804"),
        (1111111111, "14050471"),
        (1234567890, "89005924"),
        (2000000000, "69279037"),
        (20000000000, "65353130"),
    ],
)
def test_codes_match_the_rfc_6238_test_vectors(unix_time, code):
    assert totp.code_at(RFC_SECRET, totp.step_of(unix_time), digits=8) == code


def test_a_code_is_accepted_one_step_either_side_and_only_once():
    secret = totp.new_secret()
    now = 1_700_000_015.0
    step = totp.step_of(now)
    for drift in (-1, 0, 1):
        assert totp.matching_step(secret, totp.code_at(secret, step + drift), now, None) == (
            step + drift
        )
    assert totp.matching_step(secret, totp.code_at(secret, step + 2), now, None) is None
    assert totp.matching_step(secret, totp.code_at(secret, step - 2), now, None) is None
    # once a step's code has been used, neither it nor an older one is taken again
    assert totp.matching_step(secret, totp.code_at(secret, step), now, step) is None
    assert totp.matching_step(secret, totp.code_at(secret, step - 1), now, step) is None
    assert totp.matching_step(secret, totp.code_at(secret, step + 1), now, step) == step + 1


@pytest.mark.parametrize("typed", ["", "12345", "1234567", "12a456", "１２３４５６", "-12345"])
def test_malformed_codes_match_nothing(typed):
    assert totp.matching_step(totp.new_secret(), typed, 1_700_000_000.0, None) is None


def test_spaces_typed_inside_a_code_are_ignored():
    secret = totp.new_secret()
    code = totp.code_at(secret, totp.step_of(1_700_000_000.0))
    assert totp.matching_step(secret, f"{code[:3]} {code[3:]}", 1_700_000_000.0, None)


def test_secrets_are_random_160_bit_base32_and_the_app_address_names_the_account():
    first, second = totp.new_secret(), totp.new_secret()
    assert first != second and len(first) == 32 and len(base64.b32decode(first)) == 20
    uri = totp.provisioning_uri(first, "quantri", "Công tác đảng viên")
    parts = urlsplit(uri)
    assert parts.scheme == "otpauth" and parts.netloc == "totp"
    query = parse_qs(parts.query)
    assert query["secret"] == [first] and query["issuer"] == ["Công tác đảng viên"]
    assert query["digits"] == ["6"] and query["period"] == ["30"]
    assert totp.grouped("ABCDEFGHIJ") == "ABCD EFGH IJ"

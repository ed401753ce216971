"""Ids and versions from URLs and forms never reach a query out of the database's range."""

import pytest

from workflow.ids import MAX_ID, parse_count, parse_id


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1", 1),
        ("0042", 42),
        (str(MAX_ID), MAX_ID),
        (7, 7),
        (str(MAX_ID + 1), None),
        ("9" * 40, None),
        ("0", None),
        ("-3", None),
        ("+3", None),
        (" 3", None),
        ("²", None),  # str.isdigit() says yes, int() says no
        ("٣", None),  # an Arabic-Indic digit: not an id anyone typed
        ("", None),
        (None, None),
        (True, None),
        (0, None),
        (MAX_ID + 1, None),
    ],
)
def test_parse_id_accepts_only_ids_the_database_can_hold(raw, expected):
    assert parse_id(raw) == expected


def test_parse_count_accepts_zero_but_nothing_negative_or_oversized():
    assert parse_count("0") == 0
    assert parse_count("12") == 12
    assert parse_count("-1") is None
    assert parse_count(str(MAX_ID + 1)) is None

"""Schemathesis: requests generated from ``/api/v1/openapi.json`` (valid ones and invalid ones),
sent to the application with a valid token against a seeded database; no 5xx, and every
response matches the schema."""

from __future__ import annotations

import itertools

import pytest
import schemathesis
from flask.globals import _cv_app
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.conftest import PREFIX, make_token

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
#: per operation and user: enough to reach the filters, ids and bodies, within a minute
MAX_EXAMPLES = 40


@pytest.fixture
def seeded(world):
    """Cases in several states, in every kind of organization, so ids and filters hit rows."""
    for cell, target, name in (
        ("C1", "under_verification", "Nguyễn Văn Anh"),
        ("C2", "admission_decided", "Nguyễn Văn Bảo"),
        ("C3", "awaiting_cell_meeting", "Nguyễn Văn Châu"),
        ("GC4", "admitted", "Nguyễn Văn Duy"),
    ):
        world.advance(world.new_candidate(cell, name=name), target)
    world.new_candidate("C1B", name="Trần Thị Mới")
    return world


def _isolated(app):
    """Each generated request in its own application context, as in production."""

    def wsgi(environ, start_response):
        token = _cv_app.set(None)
        try:
            return app(environ, start_response)
        finally:
            _cv_app.reset(token)

    return wsgi


def _generate_and_check(operation, mode: GenerationMode, headers: dict, codes: set[int]) -> None:
    """Run one operation's generated cases, noting the status codes seen."""

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def check(case):
        response = case.call_and_validate(headers=headers, checks=CHECKS)
        codes.add(response.status_code)

    check()


@pytest.mark.slow
@pytest.mark.parametrize("username", ["dept", "sec1"])
def test_responses_conform_to_the_openapi_document(app, seeded, username):
    headers = {"Authorization": f"Bearer {make_token(username)}"}
    schema = schemathesis.openapi.from_wsgi(
        PREFIX + "/openapi.json", _isolated(app), headers=headers
    )
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 10
    calls: dict[str, set[int]] = {}

    for operation, mode in itertools.product(operations, GenerationMode):
        codes = calls.setdefault(f"{mode.value} {operation.label}", set())
        _generate_and_check(operation, mode, headers, codes)

    # the generated calls reached real rows, not only refusals
    assert 200 in calls["positive GET /cases"] and 200 in calls["positive GET /people"]
    assert all(codes for codes in calls.values())

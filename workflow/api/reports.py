"""The period report, as the JSON download of the report page gives it."""

from __future__ import annotations

from flask import Blueprint, request

from workflow.api.errors import ApiError
from workflow.api.security import authenticate, requires_api
from workflow.permissions import REPORT_READERS
from workflow.reports.params import document_for, parse_request

bp = Blueprint("reports", __name__, url_prefix="/reports")


@bp.get("/period")
@requires_api(*REPORT_READERS)
def period():
    req, errors = parse_request(authenticate(), request.args)
    if req is None:
        raise ApiError(422, "invalid_input", fields=errors)
    return document_for(req).as_json()

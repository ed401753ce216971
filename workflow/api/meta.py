"""The API's own description."""

from __future__ import annotations

from flask import Blueprint

from workflow.api.openapi import document
from workflow.api.security import requires_api

bp = Blueprint("meta", __name__)


@bp.get("/openapi.json")
@requires_api()
def openapi():
    return document()

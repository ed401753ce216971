"""API fixtures: a token per user (made through the same operation as the account page) and
a small client that sends it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from flask.testing import FlaskClient

from workflow.extensions import db
from workflow.models import User
from workflow.operations.tokens import create_token
from workflow.permissions import Actor

PREFIX = "/api/v1"


@dataclass
class ApiClient:
    client: FlaskClient
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def get(self, path: str, **kwargs: Any):
        return self.client.get(PREFIX + path, headers=self.headers, **kwargs)

    def post(self, path: str, body: Any = None, **kwargs: Any):
        return self.client.post(PREFIX + path, headers=self.headers, json=body, **kwargs)


def make_token(username: str, lifetime_days: int | None = None) -> str:
    user = db.session.scalars(db.select(User).where(User.username == username)).one()
    return create_token(user.id, f"thử nghiệm {username}", lifetime_days, actor=Actor.of(user))


@pytest.fixture
def api(app, world):
    """``api("sec1")``: a client acting with a fresh token of that user."""

    def for_user(username: str) -> ApiClient:
        return ApiClient(app.test_client(), make_token(username))

    return for_user

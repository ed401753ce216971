"""Configuration: defaults, then instance/config.py, then environment variables."""

from __future__ import annotations

import pytest

from workflow import create_app
from workflow.config import DEV_AUDIT_KEY, DEV_SECRET_KEY


@pytest.fixture
def instance(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKFLOW_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    for key in ("WORKFLOW_SECRET_KEY", "WORKFLOW_UPPER_COMMITTEE_ABBR", "FLASK_DEBUG"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("WORKFLOW_AUDIT_KEY", "audit-key-from-the-environment")
    return tmp_path


def test_refuses_production_start_with_the_development_key(instance):
    with pytest.raises(RuntimeError, match="development SECRET_KEY"):
        create_app()
    assert create_app({"TESTING": True}).config["SECRET_KEY"] == DEV_SECRET_KEY


def test_refuses_production_start_with_the_development_audit_key(instance, monkeypatch):
    monkeypatch.setenv("WORKFLOW_SECRET_KEY", "k")
    monkeypatch.delenv("WORKFLOW_AUDIT_KEY")
    with pytest.raises(RuntimeError, match="development AUDIT_KEY"):
        create_app()
    assert create_app({"TESTING": True}).config["AUDIT_KEY"] == DEV_AUDIT_KEY
    monkeypatch.setenv("WORKFLOW_AUDIT_KEY", "a-real-key")
    assert create_app().config["AUDIT_KEY"] == "a-real-key"


def test_instance_config_then_environment_override_the_defaults(instance, monkeypatch):
    (instance / "config.py").write_text(
        'SECRET_KEY = "from-instance"\nUPPER_COMMITTEE_ABBR = "ĐU"\nPLACE_NAME = "Việt Trì"\n',
        encoding="utf-8",
    )
    app = create_app()
    assert app.config["SECRET_KEY"] == "from-instance"
    assert (app.config["UPPER_COMMITTEE_ABBR"], app.config["PLACE_NAME"]) == ("ĐU", "Việt Trì")
    monkeypatch.setenv("WORKFLOW_UPPER_COMMITTEE_ABBR", "ĐUK")
    assert create_app().config["UPPER_COMMITTEE_ABBR"] == "ĐUK"


def test_default_database_is_sqlite_in_the_instance_folder(instance, monkeypatch):
    monkeypatch.setenv("WORKFLOW_SECRET_KEY", "k")
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{instance / 'workflow.sqlite3'}"
    assert app.instance_path == str(instance)


@pytest.mark.parametrize("url", ["postgres://u@h:5432/db", "postgresql://u@h:5432/db"])
def test_database_url_switches_to_postgresql(instance, monkeypatch, url):
    monkeypatch.setenv("WORKFLOW_SECRET_KEY", "k")
    monkeypatch.setenv("DATABASE_URL", url)
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h:5432/db"
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["pool_pre_ping"] is True


def test_secure_cookies_use_the_host_prefix(instance, monkeypatch):
    monkeypatch.setenv("WORKFLOW_SECRET_KEY", "k")
    app = create_app()
    assert app.config["SESSION_COOKIE_NAME"] == "__Host-wf_session"
    assert app.config["SESSION_COOKIE_HTTPONLY"] and app.config["SESSION_COOKIE_SAMESITE"]
    local = create_app({"SESSION_COOKIE_SECURE": False})
    assert local.config["SESSION_COOKIE_NAME"] == "wf_session"

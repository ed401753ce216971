"""The Flask application: ``create_app()`` builds it and does nothing else."""

from __future__ import annotations

import logging
import os
from datetime import date
from pathlib import Path

from flask import Flask

from workflow import database, logredact, logsetup
from workflow.clock import Clock
from workflow.config import DEV_AUDIT_KEY, DEV_SECRET_KEY, DefaultConfig
from workflow.extensions import csrf, db, login_manager, migrate

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None, instance_path: str | None = None) -> Flask:
    """Defaults in code, then ``instance/config.py``, then ``WORKFLOW_*`` and ``DATABASE_URL``
    environment variables, then ``test_config``."""
    instance_path = (
        instance_path or os.environ.get("WORKFLOW_INSTANCE_PATH") or str(ROOT / "instance")
    )
    app = Flask(
        __name__,
        instance_path=instance_path,
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
    )
    app.config.from_object(DefaultConfig)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("WORKFLOW")
    if os.environ.get("DATABASE_URL"):
        app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    if test_config:
        app.config.update(test_config)

    uri = app.config.get("SQLALCHEMY_DATABASE_URI")
    if not uri:
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        uri = f"sqlite:///{Path(app.instance_path) / 'workflow.sqlite3'}"
    app.config["SQLALCHEMY_DATABASE_URI"] = database.normalize_url(uri)
    # statement parameters (citizen ids, names) stay out of exception messages and logs
    options = {"hide_parameters": True}
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        options["pool_pre_ping"] = True
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {**options, **app.config["SQLALCHEMY_ENGINE_OPTIONS"]}
    _refuse_insecure_start(app)
    if app.config["FILE_STORAGE"] not in ("directory", "database"):
        raise RuntimeError(
            f'FILE_STORAGE must be "directory" or "database", not {app.config["FILE_STORAGE"]!r}.'
        )
    _warn_missing_public_url(app)
    logredact.install()
    # the __Host- prefix binds the cookie to this host and path, and requires Secure
    secure = app.config["SESSION_COOKIE_SECURE"]
    app.config["SESSION_COOKIE_NAME"] = "__Host-wf_session" if secure else "wf_session"

    if app.config["PROXY_FIX_X_FOR"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = int(app.config["PROXY_FIX_X_FOR"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    database.configure(app.config["SQLITE_BUSY_TIMEOUT"])
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "workflow" / "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)

    fixed = app.config.get("FIXED_TODAY")
    app.extensions["workflow.clock"] = Clock(date.fromisoformat(fixed) if fixed else None)

    from workflow import auth, cli, jobqueue, presenters, web
    from workflow.ids import BoundedIntConverter
    from workflow.views import register_blueprints

    app.url_map.converters["int"] = BoundedIntConverter
    auth.init_app(app)
    logsetup.init_app(app)
    web.init_app(app)
    presenters.init_app(app)
    register_blueprints(app)
    cli.init_app(app)
    jobqueue.configure(app)
    return app


def _refuse_insecure_start(app: Flask) -> None:
    if app.debug or app.testing:
        return
    if app.config.get("SECRET_KEY") in (None, "", DEV_SECRET_KEY):
        raise RuntimeError(
            "Refusing to start in production with the development SECRET_KEY: set SECRET_KEY in "
            "instance/config.py or WORKFLOW_SECRET_KEY in the environment."
        )
    if app.config.get("AUDIT_KEY") in (None, "", DEV_AUDIT_KEY):
        raise RuntimeError(
            "Refusing to start in production with the development AUDIT_KEY: set AUDIT_KEY in "
            "instance/config.py or WORKFLOW_AUDIT_KEY in the environment (a random secret kept "
            "outside the database; the audit trail's rows are keyed with it)."
        )


def _warn_missing_public_url(app: Flask) -> None:
    if app.debug or app.testing or app.config.get("PUBLIC_BASE_URL"):
        return
    logging.getLogger("workflow").warning(
        "PUBLIC_BASE_URL is not set: documents cannot be issued until it names the address "
        "users reach the application at (their QR codes open its verification page)."
    )

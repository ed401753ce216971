"""Blueprints: HTTP in, engine and operations calls, templates out."""

from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from workflow.views import admin, auth, cases, main, orgs, people

    for module in (auth, main, cases, people, orgs, admin):
        app.register_blueprint(module.bp)

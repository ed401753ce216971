"""Blueprints: HTTP in, engine and operations calls, templates out."""

from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from workflow import api
    from workflow.views import (
        admin,
        attachments,
        auth,
        badges,
        cards,
        cases,
        deadlines,
        documents,
        health,
        main,
        org_history,
        orgs,
        people,
        ratings,
        reports,
        roster,
        tokens,
        training,
        transfers,
    )

    blueprints = (
        auth,
        main,
        cases,
        attachments,
        people,
        orgs,
        org_history,
        admin,
        documents,
        deadlines,
        cards,
        badges,
        transfers,
        reports,
        roster,
        training,
        ratings,
        tokens,
        health,
    )
    for module in blueprints:
        app.register_blueprint(module.bp)
    app.register_blueprint(documents.verify_bp)
    training.init_app(app)
    ratings.init_app(app)
    badges.init_app(app)
    cards.init_app(app)
    api.init_app(app)

"""Demonstration data: a bloc of grassroots organizations, members, users and candidates.

The world (``world``) is written directly; then every procedure's own demonstration (its
``demo`` scenario, see ``workflow.procedures.base.DemoContext``) moves its cases through the
real engine with back-dated event dates, all of them together in date order (``runner``), so
every case's timeline, dossier, votes, deadlines and register numbers are what the pages would
have produced.
"""

from __future__ import annotations

import random

from workflow.clock import today
from workflow.demo import ratings, runner, world
from workflow.demo.context import Demo
from workflow.extensions import db
from workflow.models import Organization
from workflow.permissions import Actor
from workflow.store.uow import unit_of_work


def load_demo(
    seed: int = 2026, members: int = 400, people: bool = True
) -> list[tuple[str, str, str]]:
    """Load everything; return the printed accounts (username, password, description).

    ``people`` False: only the organizations, the accounts and the targets, as a committee
    starts before its member lists are imported."""
    d = Demo(
        rng=random.Random(seed),
        today=today(),
        system=Actor(None, "Nhập liệu ban đầu", Actor.system().scopes),
    )
    with unit_of_work():
        world.build_orgs(d)
        if people:
            world.build_members(d, members)
        world.build_users(d)
    d.cells = [db.session.get(Organization, c.id) for c in d.cells]
    d.roots = {code: db.session.get(Organization, o.id) for code, o in d.roots.items()}
    if people:
        runner.run(d)
        ratings.build(d)
    world.set_targets(d)
    return d.accounts


__all__ = ["load_demo"]

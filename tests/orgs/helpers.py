"""Recording tree events in tests, as the department's form does."""

from __future__ import annotations

from datetime import date
from typing import Any

from tests.builders import World
from workflow.reorganization import events


def signer(world: World) -> str:
    return f"user:{world.users['signer2']}"


def record(world: World, event_kind: str, day: date, **raw: Any):
    data = {"effective_on": day.isoformat(), "signer": signer(world), **raw}
    return events.record(event_kind, data, actor=world.actor("dept"))

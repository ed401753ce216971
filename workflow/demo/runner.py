"""Every procedure's demonstration, its walks taken together in the order of their dates."""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator
from datetime import date

from workflow.demo import badges, reorganization, training
from workflow.demo.context import Demo
from workflow.procedures import PROCEDURES


def in_date_order(walks: Iterable[Iterator[date]]) -> None:
    """Take the steps of several back-dated walks in the order of their dates, so that the
    numbers of each register follow the dates of what they number, as in a real register."""
    queue: list[tuple[date, int, Iterator[date]]] = []
    for i, walk in enumerate(walks):
        day = next(walk, None)
        if day is not None:
            heapq.heappush(queue, (day, i, walk))
    while queue:
        _, i, walk = heapq.heappop(queue)
        day = next(walk, None)  # takes the step due, then tells when the next one is
        if day is not None:
            heapq.heappush(queue, (day, i, walk))


def run(d: Demo) -> None:
    """Every procedure's scenario, and the training classes': their walks are all made before
    any is taken, so each scenario chooses its people from the world as it was before the
    system."""
    walks = [walk for p in PROCEDURES.values() if p.demo is not None for walk in p.demo(d)]
    in_date_order([*walks, *training.scenario(d), *reorganization.scenario(d), *badges.scenario(d)])

"""Quality rating of members and party organizations, and model cells
(``states/ratings.py``).

A rating period (a year; from QĐ 366-QĐ/TW also a quarter or a term) is its own record, not a
procedure of one person. Each cell enters its members' self-ratings and its proposals in one
grid (or an Excel sheet with the same checks) and sends them to its grassroots committee, which
approves its members' levels and rates the cell; each grassroots organization records its
self-review and the upper committee rates it. The excellent share and the discipline cap are
checked at every step and explained in words. Every change writes an audit row. The member
page shows the rating history; the commendation lists, the model-cell rounds and the report
read the approved levels.
"""

from __future__ import annotations

from states.ratings import Rules
from workflow.models import RatingPeriod


def rules_for(period: RatingPeriod) -> Rules:
    """The rules a period is judged under: those in force on its last day."""
    return Rules.for_day(period.ends_on)

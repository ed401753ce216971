"""Where the words of a PDF landed (poppler's ``pdftotext -bbox``): for checking that a printed
table stays inside its page and that no two words are drawn over each other."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from itertools import pairwise

_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)
_WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>'
)


@dataclass(frozen=True)
class Word:
    page: int
    text: str
    x0: float
    y0: float
    x1: float
    y1: float


def words(pdf: bytes) -> tuple[list[tuple[float, float]], list[Word]]:
    """(width, height) of each page, and every word with its box in points."""
    out = subprocess.run(
        ["pdftotext", "-bbox", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    pages, found = [], []
    for number, (width, height, body) in enumerate(_PAGE.findall(out), start=1):
        pages.append((float(width), float(height)))
        for x0, y0, x1, y1, text in _WORD.findall(body):
            found.append(Word(number, text, float(x0), float(y0), float(x1), float(y1)))
    return pages, found


def layout_problems(pdf: bytes, tolerance: float = 0.5) -> list[str]:
    """Words that leave their page, and pairs of words of one line drawn over each other."""
    pages, found = words(pdf)
    problems = []
    for w in found:
        width, height = pages[w.page - 1]
        if w.x0 < 0 or w.y0 < 0 or w.x1 > width + tolerance or w.y1 > height + tolerance:
            problems.append(f"page {w.page}: “{w.text}” leaves the page")
    lines: dict[tuple[int, int], list[Word]] = {}
    for w in found:
        lines.setdefault((w.page, round(w.y0)), []).append(w)
    for line in lines.values():
        line.sort(key=lambda w: w.x0)
        for left, right in pairwise(line):
            if right.x0 < left.x1 - 1.0:
                problems.append(f"page {left.page}: “{left.text}” overlaps “{right.text}”")
    return problems

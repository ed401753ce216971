"""Vietnamese text: NFC storage, diacritic-insensitive search keys, and name checks."""

from __future__ import annotations

import re
import unicodedata

# Zero-width characters, bidirectional controls and other invisible format characters have no
# place in a name or a one-line field; they can disguise text in lists and printed decisions.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\u00ad]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Search key: no diacritics, đ→d, case-folded, single spaces.

    "Nguyễn Thị Hằng", "NGUYEN THI HANG" and NFD input all give "nguyen thi hang"; the tone
    position ("Hòa" / "Hoà") does not matter because every mark is removed.
    """
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    stripped = stripped.replace("đ", "d").replace("Đ", "D")
    return " ".join(stripped.casefold().split())


def clean_line(text: str) -> str:
    """One-line field: NFC, no control or invisible characters, whitespace collapsed."""
    text = nfc(text)
    text = _INVISIBLE.sub("", text)
    text = _CONTROL.sub(" ", text).replace("\r", " ").replace("\n", " ").replace("\t", " ")
    return " ".join(text.split())


def clean_text(text: str) -> str:
    """Multi-line field: NFC, line breaks kept, other control characters removed."""
    text = nfc(text).replace("\r\n", "\n").replace("\r", "\n")
    text = _INVISIBLE.sub("", text)
    text = _CONTROL.sub("", text.replace("\t", " "))
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return "\n".join(lines).strip()


NAME_MAX_LENGTH = 100


def check_person_name(raw: str) -> str:
    """Return the cleaned name or raise ValueError with a Vietnamese message.

    Letters (any script's letters, with their combining marks), spaces, hyphens and apostrophes
    only: digits, symbols, markup and invisible characters are refused.
    """
    if _INVISIBLE.search(raw) or _CONTROL.search(raw.replace("\n", "")):
        raise ValueError("Họ tên chứa ký tự ẩn hoặc ký tự điều khiển.")
    name = clean_line(raw)
    if not name:
        raise ValueError("Họ tên không được để trống.")
    if len(name) > NAME_MAX_LENGTH:
        raise ValueError(f"Họ tên tối đa {NAME_MAX_LENGTH} ký tự.")
    for ch in name:
        if ch in " -'’":
            continue
        cat = unicodedata.category(ch)
        if not (cat.startswith("L") or cat == "Mn"):
            raise ValueError("Họ tên chỉ gồm chữ cái, dấu cách, dấu gạch nối hoặc dấu nháy.")
    if len(name.split()) < 2:
        raise ValueError("Họ tên phải có ít nhất họ và tên.")
    return name

"""Vietnamese text: NFC storage, diacritic-insensitive search keys, and name checks."""

from __future__ import annotations

import unicodedata


def _invisible(ch: str) -> bool:
    """Format characters (Unicode category Cf: zero-width spaces and joiners, bidirectional
    controls such as U+202E and U+061C, soft hyphens) have no place in a name or a one-line
    field; they can disguise text in lists and printed decisions."""
    return unicodedata.category(ch) == "Cf"


def _control(ch: str) -> bool:
    """C0 and C1 control characters (category Cc)."""
    return unicodedata.category(ch) == "Cc"


def _strip_invisible(text: str) -> str:
    return "".join(ch for ch in text if not _invisible(ch))


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
    text = _strip_invisible(nfc(text))
    text = "".join(" " if _control(ch) else ch for ch in text)
    return " ".join(text.split())


def clean_text(text: str) -> str:
    """Multi-line field: NFC, line breaks kept, other control characters removed."""
    text = nfc(text).replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    text = _strip_invisible(text)
    text = "".join(ch for ch in text if ch == "\n" or not _control(ch))
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return "\n".join(lines).strip()


NAME_MAX_LENGTH = 100


def check_person_name(raw: str) -> str:
    """Return the cleaned name or raise ValueError with a Vietnamese message.

    Letters (any script's letters, with their combining marks), spaces, hyphens and apostrophes
    only: digits, symbols, markup and invisible characters are refused.
    """
    if any(_invisible(ch) or (_control(ch) and ch != "\n") for ch in raw):
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
    words = [w for w in name.split() if any(unicodedata.category(c).startswith("L") for c in w)]
    if len(words) < 2:
        raise ValueError("Họ tên phải có ít nhất họ và tên.")
    return name

"""The 12-digit citizen identity number (CCCD / số định danh cá nhân) and its cross-checks.

Structure (Decree 137/2015/NĐ-CP art. 13; Circular 07/2016/TT-BCA, amended by Circular
59/2021/TT-BCA): digits 1–3 are the province of birth registration, digit 4 encodes century and
sex, digits 5–6 are the last two digits of the birth year, digits 7–12 are random.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

#: Province codes of Circular 07/2016/TT-BCA (63 provinces before the 2025 merger; the codes
#: already printed on cards stay valid after it).
PROVINCE_CODES = frozenset(
    [
        "001",
        "002",
        "004",
        "006",
        "008",
        "010",
        "011",
        "012",
        "014",
        "015",
        "017",
        "019",
        "020",
        "022",
        "024",
        "025",
        "026",
        "027",
        "030",
        "031",
        "033",
        "034",
        "035",
        "036",
        "037",
        "038",
        "040",
        "042",
        "044",
        "045",
        "046",
        "048",
        "049",
        "051",
        "052",
        "054",
        "056",
        "058",
        "060",
        "062",
        "064",
        "066",
        "067",
        "068",
        "070",
        "072",
        "074",
        "075",
        "077",
        "079",
        "080",
        "082",
        "083",
        "084",
        "086",
        "087",
        "089",
        "091",
        "092",
        "093",
        "094",
        "095",
        "096",
    ]
)

#: century → (digit for male, digit for female)
_CENTURY_DIGITS = {1800: (8, 9), 1900: (0, 1), 2000: (2, 3), 2100: (4, 5), 2200: (6, 7)}


def normalize_citizen_id(raw: str) -> str:
    """Digits of any script (fullwidth, Arabic-Indic…) become ASCII; spaces, dots and hyphens
    between groups are dropped."""
    text = unicodedata.normalize("NFKC", raw).strip()
    text = "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in text)
    return re.sub(r"[\s.\-]", "", text)


def check_citizen_id(raw: str, birth_date: date | None, sex: str | None) -> str:
    """Return the normalized number or raise ValueError with a Vietnamese message."""
    number = normalize_citizen_id(raw)
    if not re.fullmatch(r"[0-9]{12}", number):
        raise ValueError("Số CCCD phải gồm đúng 12 chữ số.")
    if number[:3] not in PROVINCE_CODES:
        raise ValueError(f"Mã tỉnh {number[:3]} trong số CCCD không tồn tại.")
    if birth_date is not None and sex in ("male", "female"):
        century = (birth_date.year // 100) * 100
        digits = _CENTURY_DIGITS.get(century)
        if digits is None:
            raise ValueError("Năm sinh nằm ngoài phạm vi mã hóa của số CCCD.")
        expected = digits[0] if sex == "male" else digits[1]
        if int(number[3]) != expected:
            raise ValueError(
                f"Chữ số thứ 4 của CCCD ({number[3]}) không khớp với giới tính và thế kỷ sinh "
                f"(cần {expected})."
            )
        if number[4:6] != f"{birth_date.year % 100:02d}":
            raise ValueError(
                f"Chữ số 5–6 của CCCD ({number[4:6]}) không khớp với năm sinh {birth_date.year}."
            )
    return number


def mask_citizen_id(number: str | None) -> str:
    """For lists and logs: keep the first four and last two digits."""
    if not number:
        return ""
    return number[:4] + "*" * (len(number) - 6) + number[-2:]

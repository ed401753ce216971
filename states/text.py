"""Vietnamese text: NFC storage, search and sort keys, name checks and capitalization."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache


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
    """Return the cleaned, capitalized name or raise ValueError with a Vietnamese message.

    Letters (any script's letters, with their combining marks), spaces, hyphens and apostrophes
    only: digits, symbols, markup and invisible characters are refused.
    """
    if any(_invisible(ch) or (_control(ch) and ch != "\n") for ch in raw):
        raise ValueError("Họ tên chứa ký tự ẩn hoặc ký tự điều khiển.")
    name = capitalize_name(clean_line(raw))
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


#: what a particular printed on an official document (a home town, an occupation, an
#: ethnicity) may hold besides letters, their marks, digits and spaces: the punctuation of
#: Vietnamese places and titles ("Xã Yên Lập, huyện Yên Lập", "Kỹ sư (CNTT)", "Tổ 5/khu 2")
PLAIN_PUNCTUATION = ",.;:-–'’\"“”/()&+#°"
PLAIN_TEXT_ERROR = "Chỉ gồm chữ, số, dấu cách và các dấu , . ; : - ' \" / ( ) & + # °."


def plain_text_error(value: str) -> str | None:
    """Why a one-line particular cannot be printed on an official document: markup
    (``<img …>``), symbols and brackets a place or a title never holds. None: it can."""
    for ch in value:
        if ch == " " or ch in PLAIN_PUNCTUATION:
            continue
        if unicodedata.category(ch)[0] not in "LMN":
            return PLAIN_TEXT_ERROR
    return None


def capitalize_name(name: str) -> str:
    """Each word of a name with a capital first letter and the rest in lower case.

    "lê văn bình" → "Lê Văn Bình", "ĐẶNG thị" → "Đặng Thị". A letter after a hyphen or an
    apostrophe starts a word too ("h'hen niê" → "H'Hen Niê"); a combining mark stays with
    its letter.
    """
    out = []
    starts_word = True
    for ch in nfc(name):
        category = unicodedata.category(ch)
        if category.startswith("L"):
            out.append(ch.title() if starts_word else ch.lower())
            starts_word = False
        else:
            out.append(ch)
            starts_word = starts_word if category.startswith("M") else True
    return nfc("".join(out))


def first_upper(text: str | None) -> str:
    """The text with its first letter in capitals and the rest as written (``str.capitalize``
    and Jinja's ``capitalize`` lower the rest: "Đảng" would read "đảng")."""
    text = text or ""
    return text[:1].upper() + text[1:]


def first_lower(text: str | None) -> str:
    """A label set inside a sentence: its first letter lowered, the rest as written."""
    text = text or ""
    return text[:1].lower() + text[1:]


def has_diacritics(text: str) -> bool:
    """Whether any letter carries a mark (a tone or a vowel mark) or is đ."""
    return any(unicodedata.combining(ch) or ch in "đĐ" for ch in unicodedata.normalize("NFD", text))


def plain_name_warning(name: str) -> str | None:
    """A warning (not an error) for a name written without any diacritics: most Vietnamese
    names carry marks, so "Le Van Binh" is probably "Lê Văn Bình" typed without them."""
    if not name or has_diacritics(name):
        return None
    return (
        f"Họ tên “{name}” không có dấu. Hầu hết họ tên tiếng Việt có dấu: kiểm tra lại cách "
        "viết (ví dụ “Lê Văn Bình”, không phải “Le Van Binh”)."
    )


# --- Vietnamese alphabetical order and word search ---------------------------------------------

#: The letters in Vietnamese alphabetical order: a < ă < â, d < đ, e < ê, o < ô < ơ, u < ư, as
#: in the Unicode CLDR collation for Vietnamese (common/collation/vi.xml, "standard":
#: &a<ă<â &d<đ &e<ê &o<ô<ơ &u<ư); f, j, w, z, absent from Vietnamese words, keep their Latin
#: places.
ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
#: The tone marks in their order after the unmarked syllable, again from CLDR's Vietnamese
#: collation (&̀<<̉<<̃<<́<<̣): huyền, hỏi, ngã, sắc, nặng — the order of Vietnamese
#: dictionaries. Tone k (1–5) is TONE_MARKS[k - 1]; 0 is "no tone" (ngang).
TONE_MARKS = "\u0300\u0309\u0303\u0301\u0323"
_LETTER_CODES = {letter: f"{10 + i:02d}" for i, letter in enumerate(ALPHABET)}
#: code of a letter outside the alphabet (another script): after every Latin letter
_OTHER_LETTER = "99"
#: Stored key lengths. A name of NAME_MAX_LENGTH characters has at most 51 letters in 50
#: words, or 100 letters in one: its sort key (two digits a letter, two a word) is at most 202
#: long, its search key (each letter twice, three characters a word, a leading space) at most
#: 253. Longer keys (case folding can lengthen a foreign letter: ß → ss) are cut.
SORT_KEY_MAX_LENGTH = 210
SEARCH_KEY_MAX_LENGTH = 260


def _tokens(text: str) -> list[str]:
    """Runs of letters (with their combining marks) and runs of digits, in reading order:
    "H'Hen Niê" → ["H", "Hen", "Niê"], "Chi bộ 12A" → ["Chi", "bộ", "12", "A"]."""
    tokens: list[str] = []
    current: list[str] = []
    kind = ""
    for ch in nfc(text):
        category = unicodedata.category(ch)
        this = "L" if category[0] in "LM" else "N" if ch.isdecimal() else ""
        if this != kind or not this:
            if current:
                tokens.append("".join(current))
            current = []
        if this:
            current.append(ch)
        kind = this
    if current:
        tokens.append("".join(current))
    return tokens


def syllable(word: str) -> tuple[str, int]:
    """A word's letters with their vowel marks (lower case, NFC) and its tone (0–5, see
    TONE_MARKS): "Hòa" and "Hoà" (the tone mark on another vowel) both give ("hoa", 1),
    "Đặng" gives ("đăng", 5)."""
    letters = []
    tone = 0
    for ch in unicodedata.normalize("NFD", word.casefold()):
        if ch in TONE_MARKS:
            tone = tone or TONE_MARKS.index(ch) + 1
        else:
            letters.append(ch)
    return nfc("".join(letters)), tone


def _letter_code(ch: str) -> str:
    code = _LETTER_CODES.get(ch)
    if code is None:  # a Latin letter with a foreign mark sorts with its base letter
        code = _LETTER_CODES.get(unicodedata.normalize("NFD", ch)[0], _OTHER_LETTER)
    return code


def _token_key(token: str) -> str:
    """Digits only, so that every database collation orders the keys as plain strings.

    A word: two digits a letter (10 upwards, in ALPHABET order), then "0" and its tone — so
    a word sorts before any longer word it begins ("Hoa" < "Hoan"), and a syllable's tones
    come right after it, as in a dictionary ("Hoa" < "Hòa" < "Hóa" < "Hoan"). A number:
    "0", the count of its digits, then the digits — numbers by value, before words."""
    if token[0].isdecimal():
        digits = str(int(token))[:99]
        return f"0{len(digits):02d}{digits}"
    letters, tone = syllable(token)
    return "".join(_letter_code(ch) for ch in letters) + f"0{tone}"


@lru_cache(maxsize=4096)
def text_sort_key(text: str) -> str:
    """Key ordering texts (organization names) in Vietnamese alphabetical order, word by
    word, numbers by their value: "Chi bộ 2" < "Chi bộ 10" < "Chi bộ Đảng"."""
    return "".join(_token_key(t) for t in _tokens(text))


def name_sort_key(full_name: str) -> str:
    """Key ordering people as Vietnamese lists do: by given name (the last word), then family
    name (the first word), then middle names in order, each word in Vietnamese alphabetical
    order (Đ after D, Ă and Â after A) with its tone. Compared as plain strings."""
    words = [t for t in _tokens(full_name) if not t[0].isdecimal()]
    ordered = words[-1:] + words[:-1]
    return "".join(_token_key(w) for w in ordered)[:SORT_KEY_MAX_LENGTH]


def name_search_key(full_name: str) -> str:
    """The stored key a name is searched by: each word as "folded:exact", space-separated
    and space-padded — " nguyen:nguyên3 thi:thi5 hang:hăng1 ". The folded form has no marks
    at all; the exact form keeps the vowel marks and puts the tone at the end as a digit,
    so that the tone mark's position does not matter ("Hoà" = "Hòa")."""
    parts = []
    for word in _tokens(full_name):
        if word[0].isdecimal():
            continue
        letters, tone = syllable(word)
        parts.append(f"{fold(word)}:{letters}{tone or ''}")
    return f" {' '.join(parts)} "[:SEARCH_KEY_MAX_LENGTH]


#: a word typed without marks of at most this many letters finds too many names to rank them
#: (``SearchTerms.broad``)
BROAD_WORD_LETTERS = 2


@dataclass(frozen=True)
class SearchTerms:
    """What a search box's text asks for."""

    #: substrings the search key must all contain: " hoa" (a word typed without marks starts
    #: a word of the name) or ":hoa1 " (a word typed with marks is a word of the name)
    fragments: tuple[str, ...]
    #: the digits typed (the end of a citizen ID), "" if none
    digits: str

    def __bool__(self) -> bool:
        return bool(self.fragments or self.digits)

    def matches(self, search_key: str) -> bool:
        """The name part of the search, in Python (the database runs the same test)."""
        return all(f in search_key for f in self.fragments)

    @property
    def broad(self) -> bool:
        """Only words of one or two letters typed without marks ("th", "h t"): they start the
        words of most names, so the list stays in the alphabet's order, read along the name
        index until a page is full, instead of ranking (or looking up) most of the people."""
        return (
            bool(self.fragments)
            and not self.digits
            and all(f.startswith(" ") and len(f) <= BROAD_WORD_LETTERS + 1 for f in self.fragments)
        )

    @property
    def prefixes(self) -> tuple[str, ...]:
        """The words typed without marks (" hoa"): they match a word's start."""
        return tuple(f for f in self.fragments if f.startswith(" "))

    def rank(self, search_key: str) -> int:
        """How many words typed without marks start a word of the name without being the
        whole word ("hoa" in Hoàng): 0 for a name holding every word typed as a whole word,
        which lists first (a word typed with marks is always a whole word). The database
        computes the same (``workflow.queries.person_rank``)."""
        return sum(1 for f in self.prefixes if f"{f}:" not in search_key)

    def index_query(self) -> str | None:
        """The full-text query (SQLite FTS5, ``workflow.models.search``) finding at least the
        people these terms find: a word typed without marks is a prefix of a folded word, one
        typed with marks an exact form ("=hăng1"), the digits the start of the reversed
        citizen ID ("#4321"). A word with a letter outside the Latin letters the index
        tokenizes as one word is left to the plain test; None: nothing for the index."""
        parts = []
        for f in self.fragments:
            if not all(_indexable(ch) for ch in f.strip(" :")):
                continue
            parts.append(f'"{f[1:]}"*' if f.startswith(" ") else f'"={f[1:-1]}"')
        if 4 <= len(self.digits) <= 12:
            parts.append(f'"#{self.digits[::-1]}"*')
        return " AND ".join(parts) or None


def _indexable(ch: str) -> bool:
    """A letter or digit the index's tokenizer (unicode61, Unicode 6.1 tables) keeps in a
    word as it is: ASCII letters and digits, and the Latin letters with marks of Latin-1,
    Latin Extended-A and -B and Latin Extended Additional (every Vietnamese letter)."""
    if ch.isascii():
        return ch.isalnum()
    return ("\u00c0" <= ch <= "\u024f" or "\u1e00" <= ch <= "\u1eff") and unicodedata.category(
        ch
    ).startswith("L")


def search_terms(query: str) -> SearchTerms:
    """Split a search into name words and digits: "hoa" finds Hòa, Hóa, Hoa and Hoàng (any
    marks, a word's start); "Hòa" finds Hòa and Hoà only; "nguyen thi hang" finds Nguyễn Thị
    Hằng; digits (spaces allowed between them) are the end of a citizen ID."""
    fragments = []
    digits = ""
    for token in _tokens(query):
        if token[0].isdecimal():
            digits += "".join(str(unicodedata.decimal(ch)) for ch in token)
        elif has_diacritics(token):
            letters, tone = syllable(token)
            fragments.append(f":{letters}{tone or ''} ")
        else:
            fragments.append(f" {fold(token)}")
    return SearchTerms(tuple(dict.fromkeys(fragments)), digits)

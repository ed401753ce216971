"""Searching people: SQLite's word index finds exactly what the plain test of the search key
finds, follows every change of a person, and a typed name lists its whole-word matches first,
page after page."""

from __future__ import annotations

import html
import random
import re
import unicodedata
from datetime import date

import pytest
from sqlalchemy import insert, select, text

from states.text import fold, name_search_key, name_sort_key, search_terms
from tests.conftest import BACKEND
from tests.web.helpers import page
from workflow.extensions import db
from workflow.models import Person
from workflow.models.people import name_keys
from workflow.models.search import person_fts
from workflow.queries import person_rank, person_search
from workflow.store.uow import unit_of_work

sqlite_only = pytest.mark.skipif(BACKEND != "sqlite", reason="the word index is SQLite's")

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Vũ", "Võ", "Đặng", "Đỗ", "Hồ"]
FAMILY += ["Ngô", "Dương", "Lý", "Bùi", "Ksor", "Lò", "Y", "H'Hen", "Nguyên"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Thành", "Minh", "Ngọc", "Quốc", "Thuỷ", "Hoài", "", ""]
GIVEN = ["An", "Ân", "Ấn", "Anh", "Ánh", "Bình", "Cường", "Dũng", "Dung", "Đào", "Hòa", "Hoà"]
GIVEN += ["Hóa", "Hoa", "Hoàng", "Hằng", "Hàng", "Hang", "Khoa", "Lan", "Long", "Nga", "Ngà"]
GIVEN += ["Thủy", "Thuỷ", "Ưng", "Ý", "Yến", "Niê", "Ênuôl", "Şahin", "Ðào", "Straße", "Ωmega"]


def _people(world, count: int, seed: int = 7) -> list[Person]:
    """``count`` people with varied names in the cell C1, written at once."""
    rnd = random.Random(seed)
    rows = []
    for i in range(count):
        words = [rnd.choice(FAMILY), rnd.choice(MIDDLE), rnd.choice(MIDDLE), rnd.choice(GIVEN)]
        name = " ".join(w for w in words if w)
        rows.append(
            {
                "full_name": name,
                **name_keys(name),
                "birth_date": date(1990, 1, 1),
                "sex": "male",
                "citizen_id": f"0{rnd.randrange(10**10, 10**11):011d}"[:11] + str(i % 10),
                "education": "university",
                "cell_id": world.orgs["C1"],
            }
        )
    # the citizen ID is unique: keep the first of any repeated one
    rows = list({r["citizen_id"]: r for r in reversed(rows)}.values())
    db.session.execute(insert(Person), rows)
    db.session.commit()
    return list(db.session.scalars(select(Person).where(Person.cell_id == world.orgs["C1"])))


def _queries(people: list[Person], count: int, seed: int = 11) -> list[str]:
    """Searches as people type them: whole words and their starts, with and without marks,
    in capitals, decomposed (NFD), several words, words of no one, the citizen ID's end."""
    rnd = random.Random(seed)
    out = ["hoa", "Hòa", "Hoà", "HOA", "ho", "h", "ng", "nguyen", "Nguyên", "thuy", "Thuỷ", "Thủy"]
    out += ["dao", "Đào", "Ðào", "d", "đ", "strasse", "Straße", "ωm", "Ωmega", "şa", "sah", "hhen"]
    out += ["h'hen", "y", "ý", "ksor niê", "hoa lan", "xyz", "Hò", "Nguyễ", "a b", "van thi"]
    for _ in range(count):
        person = rnd.choice(people)
        words = person.full_name.replace("'", " ").split()
        picked = rnd.sample(words, rnd.randint(1, min(3, len(words))))
        typed = []
        for word in picked:
            form = rnd.choice(["exact", "folded", "prefix", "marked_prefix", "upper"])
            if form == "exact":
                typed.append(word)
            elif form == "folded":
                typed.append(fold(word))
            elif form == "prefix":
                typed.append(fold(word)[: rnd.randint(1, len(word))])
            elif form == "marked_prefix":
                typed.append(word[: rnd.randint(1, len(word))])
            else:
                typed.append(word.upper())
        query = " ".join(typed)
        if rnd.random() < 0.2:
            query = unicodedata.normalize("NFD", query)
        if rnd.random() < 0.25:
            digits = person.citizen_id[-rnd.randint(3, 13) :]
            query = f"{query} {digits}" if rnd.random() < 0.5 else digits
        out.append(query)
    return out


def _expected(people: list[Person], q: str) -> set[int]:
    """The search as the plain test defines it, in Python."""
    terms = search_terms(q)
    if not terms or (terms.digits and not 4 <= len(terms.digits) <= 12):
        return set()
    return {
        p.id
        for p in people
        if terms.matches(p.search_key)
        and (not terms.digits or p.citizen_id.endswith(terms.digits))
        and (len(terms.digits) != 12 or p.citizen_id == terms.digits)
    }


def _found(q: str, **kwargs) -> set[int]:
    return set(db.session.scalars(select(Person.id).where(person_search(q, **kwargs))))


def test_the_index_finds_exactly_what_the_plain_test_finds(world):
    people = _people(world, 600)
    everyone = list(db.session.scalars(select(Person)))
    queries = _queries(people, 400)
    indexed = 0
    nonempty = 0
    for q in queries:
        expected = _expected(everyone, q)
        assert _found(q) == expected, q
        assert _found(q, use_index=False) == expected, q
        digits = search_terms(q).digits
        if digits and not 4 <= len(digits) <= 12:
            assert not expected  # too few or too many digits: no one, whatever the words
        elif BACKEND == "sqlite" and search_terms(q).index_query():
            indexed += 1
            # the index alone, without the plain test, is already exact for these names
            match = search_terms(q).index_query()
            alone = set(
                db.session.scalars(
                    select(person_fts.c.rowid).where(person_fts.c.terms.match(match))
                )
            )
            if not any(ch in q for ch in "Ωωß"):  # letters the index leaves to the plain test
                assert alone == expected, (q, match)
            else:
                assert alone >= expected, (q, match)
        nonempty += bool(expected)
    # the searches are varied: most find someone, and the index serves most of them
    assert nonempty > len(queries) * 0.6
    if BACKEND == "sqlite":
        assert indexed > len(queries) * 0.8


@sqlite_only
def test_the_search_reads_the_index_not_every_person(world):
    compiled = (
        select(Person.id)
        .where(person_search("nguyen hoa"))
        .compile(db.engine, compile_kwargs={"literal_binds": True})
    )
    rows = db.session.execute(text(f"EXPLAIN QUERY PLAN {compiled}")).all()
    details = " ".join(r[-1] for r in rows)
    assert "VIRTUAL TABLE INDEX" in details and "person_fts" in details, details
    assert "SCAN person" not in details.replace("SCAN person_fts", ""), details


@sqlite_only
def test_the_index_follows_a_renamed_a_renumbered_and_a_deleted_person(world):
    people = _people(world, 40)
    person = people[0]
    old_name, old_id_end = person.full_name, person.citizen_id[-6:]
    assert person.id in _found(old_name) and person.id in _found(old_id_end)
    with unit_of_work():
        person.full_name = "Quách Thị Xuyến"
        for key, value in name_keys(person.full_name).items():
            setattr(person, key, value)
        person.citizen_id = "099199912345"
    assert _found("xuyen") == {person.id} == _found("Quách Xuyến") == _found("9912345")
    assert person.id not in _found(old_name) and person.id not in _found(old_id_end)
    other = people[1]
    other_name = other.full_name
    with unit_of_work():
        db.session.delete(other)
    assert other.id not in _found(other_name)
    # the index holds exactly the rows of the table, each as its current key
    indexed = db.session.scalar(
        text("""SELECT count(*) FROM person_fts WHERE terms MATCH '"#"*'""")
    )
    assert indexed == db.session.scalar(select(db.func.count()).select_from(Person))
    # an update of another column leaves the index alone, and the index stays consistent
    with unit_of_work():
        person.phone = "0912000111"
    assert _found("xuyen") == {person.id}
    db.session.execute(text("INSERT INTO person_fts (person_fts) VALUES ('integrity-check')"))


@sqlite_only
def test_the_index_is_filled_for_the_people_already_written(world):
    """What the migration does for an existing database: the people written before the index
    are found through it (the same statements the migration runs)."""
    from workflow.models.search import create_statements, drop_statements

    _people(world, 30)
    everyone = list(db.session.scalars(select(Person)))
    with db.engine.begin() as conn:
        for statement in drop_statements():
            conn.exec_driver_sql(statement)
        conn.exec_driver_sql("UPDATE person SET phone = '1'")  # no trigger now: nothing kept
        for statement in create_statements():
            conn.exec_driver_sql(statement)
    for q in ("nguyen", "Hòa", "h", everyone[3].citizen_id[-5:]):
        assert _found(q) == _expected(everyone, q), q


# --- the order of a search ----------------------------------------------------------------------

RANKED = [
    # whole words first, each group in the alphabet's order of names
    "Trần Văn Hoa",
    "Lê Văn Hoà",
    "Trần Thị Hòa",
    "Phạm Hóa",
    "Hoa Thị Lan",
    # then the names where "hoa" only starts a word
    "Nguyễn Hoài An",
    "Vũ Hoàng",
    "Hoàng Thị Nga",
]


def _add(world, *names: str) -> None:
    for name in names:
        world.new_candidate("C2", name=name)
    db.session.rollback()


def _names(body: str) -> list[str]:
    return [html.unescape(n) for n in re.findall(r'<a href="/people/\d+">([^<]+)</a>', body)]


def test_whole_word_matches_list_before_words_that_only_start_so(world, login, api):
    _add(world, *reversed(RANKED[1:]))  # "Trần Văn Hoa" is one of the world's members
    client = login("dept")

    def listed(q: str) -> list[str]:
        names = _names(page(client.get("/people/", query_string={"q": q})))
        by_name = {p.id: p.full_name for p in db.session.scalars(select(Person))}
        assert names == [by_name[i] for i in _ranked_order(q)]
        return names

    assert [n for n in listed("hoa") if n in RANKED] == RANKED
    body = page(client.get("/people/", query_string={"q": "hoa"}))
    assert "người có tên chứa trọn các từ đã gõ đứng trước" in body
    # two words: both whole before one whole and one started, before both started
    _add(world, "Trang Hoàng Anh", "Trần Hoàng Anh", "Trần Hoàng Hoa")
    assert listed("tran hoa") == [
        "Trần Hoàng Hoa",
        "Trần Văn Hoa",
        "Trần Thị Hòa",
        "Trần Hoàng Anh",
        "Trang Hoàng Anh",
    ]
    # words typed with marks are whole words: the alphabet's order, said without a rank
    assert listed("Hòa") == ["Lê Văn Hoà", "Trần Thị Hòa"]
    body = page(client.get("/people/", query_string={"q": "Hòa"}))
    assert "đứng trước" not in body
    items = api("dept").get("/people", query_string={"q": "hoa"}).json["items"]
    assert [p["full_name"] for p in items] == listed("hoa")


def test_a_search_of_one_or_two_letters_lists_in_the_alphabets_order(world, login):
    _add(world, *RANKED[1:])
    client = login("dept")
    for q in ("ho", "h", "tr h"):
        assert search_terms(q).broad
        body = page(client.get("/people/", query_string={"q": q}))
        names = _names(body)
        found = db.session.scalars(select(Person).where(person_search(q))).all()
        in_order = sorted(found, key=lambda p: (p.sort_key, p.id))
        assert names == [p.full_name for p in in_order][:25] and names, q
        assert "đứng trước" not in body
    # one longer word, marks or digits make a search narrow enough to rank
    assert not any(search_terms(q).broad for q in ("hoa", "hò", "ho 1234", "Hòa"))


def _ranked_order(q: str) -> list[int]:
    terms = search_terms(q)
    people = db.session.scalars(select(Person).where(person_search(q)))
    ordered = sorted(people, key=lambda p: (terms.rank(p.search_key), p.sort_key, p.id))
    return [p.id for p in ordered]


def test_the_pages_of_a_ranked_search_walk_forwards_and_back(world, login, api):
    rnd = random.Random(3)
    names = [f"{rnd.choice(FAMILY[:8])} {rnd.choice(MIDDLE[:6])} Hoa" for _ in range(30)]
    names += [f"{rnd.choice(FAMILY[:8])} Thị {rnd.choice(['Hoàng', 'Hoài', 'Hoan'])}"]
    names += [f"Hoàng {rnd.choice(MIDDLE[:6])} {rnd.choice(GIVEN[:10])}" for _ in range(25)]
    rows = [
        {
            "full_name": n,
            **name_keys(n),
            "birth_date": date(1991, 2, 3),
            "sex": "female",
            "citizen_id": f"0251910{i:05d}",
            "education": "university",
            "cell_id": world.orgs["C2"],
        }
        for i, n in enumerate(names)
    ]
    db.session.execute(insert(Person), rows)
    db.session.commit()
    expected = _ranked_order("hoa")
    by_name = {p.id: p.full_name for p in db.session.scalars(select(Person))}
    assert len(expected) > 50
    # the pages: forwards by the "next" links, then back by the "previous" ones
    client = login("dept")
    listed, url, pages = [], "/people/?q=hoa", []
    while url:
        body = page(client.get(url))
        pages.append(_names(body))
        listed += pages[-1]
        assert "Hơn" not in body and f"{len(expected)} người" in body
        found = re.search(r'<a href="([^"]+)">Sau ›', body)
        url = html.unescape(found.group(1)) if found else None
    assert listed == [by_name[i] for i in expected]
    back = []
    found = re.search(r'<a href="([^"]+)">‹ Trước', body)
    while found:
        body = page(client.get(html.unescape(found.group(1))))
        back.insert(0, _names(body))
        found = re.search(r'<a href="([^"]+)">‹ Trước', body)
    assert back == pages[:-1]
    # the API: by cursor, and by page number
    caller = api("dept")
    listed_api, after = [], None
    while True:
        args = {"q": "hoa", "per_page": 20, **({"after": after} if after else {})}
        got = caller.get("/people", query_string=args).json
        listed_api += [p["id"] for p in got["items"]]
        after = got["next"]
        if not after:
            break
    assert listed_api == expected
    second = caller.get("/people", query_string={"q": "hoa", "per_page": 20, "page": 2}).json
    assert [p["id"] for p in second["items"]] == expected[20:40]
    # a cursor of the unranked list is not one of this list's
    plain = caller.get("/people", query_string={"per_page": 5}).json["next"]
    refused = caller.get("/people", query_string={"q": "hoa", "after": plain})
    assert refused.status_code == 422


def test_the_rank_computed_in_python_is_the_databases(world):
    people = _people(world, 300)
    for q in ("hoa", "nguyen hoa", "h t", "thuy", "Thủy an", "ng van"):
        terms = search_terms(q)
        rows = db.session.execute(
            select(Person.search_key, person_rank(q)).where(person_search(q))
        ).all()
        assert rows and all(rank == terms.rank(key) for key, rank in rows), q
    assert name_search_key(people[0].full_name) == people[0].search_key
    assert name_sort_key(people[0].full_name) == people[0].sort_key

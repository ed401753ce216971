"""Member-list imports run by a queue worker: asked for on the page, queued when that commits,
shown waiting, imported whole by the worker as the uploader with the grants they hold then; a
refusal kept for the user with nothing written; one job per upload; what a dead worker left
is queued again and imported once."""

from __future__ import annotations

import io
from datetime import timedelta

from sqlalchemy import select

from tests.builders import sign_in
from tests.conftest import fast_world
from tests.roster.helpers import counts, member, xlsx
from tests.test_queue import queued_app  # noqa: F401 (the fixture)
from workflow import jobqueue
from workflow.extensions import db
from workflow.models import Grant, ImportBatch, Person, User, utcnow
from workflow.roster import batches
from workflow.store.uow import unit_of_work


def _signed_in(app, world, username="dept"):
    client = app.test_client()
    assert sign_in(client, username, world.password).status_code == 302
    return client


def _upload(client, rows) -> int:
    response = client.post(
        "/people/import/",
        data={"file": (io.BytesIO(xlsx(rows)), "danh-sach.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[-1])


def _batch(batch_id: int) -> ImportBatch:
    db.session.rollback()
    return db.session.get(ImportBatch, batch_id)


def _work() -> int:
    """Run what the queue holds, as a worker would; returns how many tasks ran."""
    ran = 0
    while (task := jobqueue.huey.dequeue()) is not None:
        jobqueue.huey.execute(task)
        ran += 1
    db.session.rollback()
    return ran


def test_an_import_waits_in_the_queue_then_the_worker_imports_it_whole(queued_app):  # noqa: F811
    world = fast_world()
    client = _signed_in(queued_app, world)
    rows = [member(full_name="Trần Văn An"), member(full_name="Lê Thị Bình", sex_key="female")]
    batch_id = _upload(client, rows)
    before = counts()
    response = client.post(f"/people/import/{batch_id}/commit", data={"mode": "all"})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Đã đưa tệp vào hàng đợi để nhập" in page
    assert "Đang chờ nhập (nhập toàn bộ tệp)" in page
    assert '<meta http-equiv="refresh" content="3">' in page
    assert "Bỏ tệp này" not in page  # nor discarded while it waits
    assert counts() == before and _batch(batch_id).status == "queued"
    # asking again shows the same job: nothing more is queued
    client.post(f"/people/import/{batch_id}/commit", data={"mode": "all"})
    assert jobqueue.huey.storage.queue_size() == 1
    refused = client.post(f"/people/import/{batch_id}/discard")
    assert "đang được nhập" in client.get(refused.headers["Location"]).get_data(as_text=True)

    assert _work() == 1
    done = _batch(batch_id)
    assert (done.status, done.created, done.attempts, done.data) == ("done", 2, 1, None)
    assert done.committed_at is not None and done.error is None
    people = db.session.scalars(
        select(Person).where(Person.citizen_id.in_([r["citizen_id"] for r in rows]))
    ).all()
    assert len(people) == 2
    page = client.get(f"/people/import/{batch_id}").get_data(as_text=True)
    assert "Đã nhập lúc" in page and "2 người mới" in page and "refresh" not in page
    # a copy queued again (a worker thought dead) finds it done and writes nothing
    after = counts()
    batches.import_batch(batch_id)
    assert _work() == 1 and counts() == after


def test_a_refusal_is_kept_for_the_user_with_nothing_written(queued_app):  # noqa: F811
    world = fast_world()
    client = _signed_in(queued_app, world)
    row = member(full_name="Trần Văn An")
    batch_id = _upload(client, [row])
    client.post(f"/people/import/{batch_id}/commit", data={"mode": "all"})
    # before the worker runs, the uploader loses the right to import lists
    with unit_of_work():
        for grant in db.session.scalars(select(Grant).where(Grant.user_id == world.users["dept"])):
            db.session.delete(grant)
    before = counts()
    assert _work() == 1
    failed = _batch(batch_id)
    assert failed.status == "failed" and "không còn quyền nhập" in failed.error
    assert failed.committed_at is None and failed.data is not None
    assert counts() == before


def test_the_file_no_longer_clean_when_the_worker_runs_is_refused(queued_app):  # noqa: F811
    world = fast_world()
    client = _signed_in(queued_app, world)
    first, second = member(full_name="Trần Văn An"), member(full_name="Lê Văn Bình")
    batch_id = _upload(client, [first, second])
    client.post(f"/people/import/{batch_id}/commit", data={"mode": "all"})
    # meanwhile another upload makes one of its rows wrong: the same person, in another cell
    other = _upload(client, [{**second, "cell": "C1B"}])
    db.session.rollback()
    batches.run(other, "all", world.actor("dept"))
    db.session.rollback()
    jobqueue.huey.storage.flush_queue()
    batches.import_batch(batch_id)
    before = counts()
    assert _work() == 1
    failed = _batch(batch_id)
    assert failed.status == "failed" and "Chưa nhập gì" in failed.error
    assert counts() == before
    page = client.get(f"/people/import/{batch_id}").get_data(as_text=True)
    assert "Lần nhập trước không thành công" in page
    # the check shows why, and the user may import the clean rows
    assert "Chỉ nhập 1 dòng hợp lệ" in page
    client.post(f"/people/import/{batch_id}/commit", data={"mode": "clean"})
    assert _work() == 1
    assert _batch(batch_id).status == "done" and _batch(batch_id).created == 1


def test_what_a_dead_worker_left_is_queued_again_and_imported_once(queued_app):  # noqa: F811
    world = fast_world()
    client = _signed_in(queued_app, world)
    batch_id = _upload(client, [member(full_name="Trần Văn An")])
    client.post(f"/people/import/{batch_id}/commit", data={"mode": "all"})
    jobqueue.huey.storage.flush_queue()  # the worker took the task and died
    stale = queued_app.config["ROSTER_IMPORT_STALE_SECONDS"]
    with unit_of_work():
        batch = db.session.get(ImportBatch, batch_id)
        batch.status, batch.attempts = "running", 1
        batch.started_at = utcnow() - timedelta(seconds=stale - 60)
    # a live worker's import is left alone
    assert batches.stalled_imports() == []
    assert batches._claim(batch_id) is False
    with unit_of_work():
        db.session.get(ImportBatch, batch_id).started_at = utcnow() - timedelta(seconds=stale + 1)
    assert batches.stalled_imports() == [batch_id]
    batches.resume_stalled_imports.call_local()
    assert _work() == 1
    done = _batch(batch_id)
    assert (done.status, done.attempts, done.created) == ("done", 2, 1)
    assert batches.stalled_imports() == []


def test_an_import_that_keeps_failing_is_given_up(queued_app, monkeypatch):  # noqa: F811
    world = fast_world()
    client = _signed_in(queued_app, world)
    batch_id = _upload(client, [member(full_name="Trần Văn An")])
    client.post(f"/people/import/{batch_id}/commit", data={"mode": "all"})
    jobqueue.huey.storage.flush_queue()
    limit = queued_app.config["ROSTER_IMPORT_MAX_ATTEMPTS"]
    with unit_of_work():
        batch = db.session.get(ImportBatch, batch_id)
        batch.status, batch.attempts = "running", limit
        batch.started_at = utcnow() - timedelta(days=1)
    before = counts()
    batches.run_queued(batch_id)
    given_up = _batch(batch_id)
    assert given_up.status == "failed" and "nhiều lần" in given_up.error
    assert counts() == before
    # the user asks again: a fresh job
    client.post(f"/people/import/{batch_id}/commit", data={"mode": "all"})
    assert _work() == 1 and _batch(batch_id).status == "done"


def test_an_inactive_uploader_imports_nothing(queued_app):  # noqa: F811
    world = fast_world()
    client = _signed_in(queued_app, world)
    batch_id = _upload(client, [member(full_name="Trần Văn An")])
    client.post(f"/people/import/{batch_id}/commit", data={"mode": "all"})
    with unit_of_work():
        db.session.get(User, world.users["dept"]).active = False
    assert _work() == 1
    assert _batch(batch_id).status == "failed"

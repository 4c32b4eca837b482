"""Work reaches a task one way: by its registered name, with ids, after the transaction commits."""

import pytest
from celery import current_app

from clinics.tasks_dispatch import enqueue, enqueue_on_commit, registered_task


@pytest.fixture
def sent(monkeypatch):
    calls = []
    task = registered_task("workups.book_referral")
    monkeypatch.setattr(task, "apply_async", lambda kwargs: calls.append(kwargs))
    return calls


def test_a_task_is_sent_only_after_the_transaction_commits(
    db, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        enqueue_on_commit("workups.book_referral", referral_id=7)
    assert sent == []
    callbacks[0]()
    assert sent == [{"referral_id": 7}]


def test_a_sweep_sends_at_once(sent):
    enqueue("workups.book_referral", referral_id=8)
    assert sent == [{"referral_id": 8}]


def test_a_misspelt_task_name_fails_when_the_work_is_handed_over(db):
    with pytest.raises(KeyError):
        enqueue_on_commit("workups.book_refferal", referral_id=1)


def test_every_name_the_apps_hand_over_is_a_registered_task():
    for name in (
        "assessments.assess_infant",
        "clinics.notification_deliver",
        "workups.book_referral",
        "episodes.video_process",
        "episodes.video_analyse",
    ):
        assert registered_task(name) is current_app.tasks[name]

import time

import pytest
from django.core import mail
from django.urls import reverse

from clinics.models import Notification, NotificationKind
from clinics.services import notify
from clinics.sms import MemorySmsBackend
from clinics.tasks import notifications_sweep_task
from tests.factories import UserFactory, sign_in_verified, staff

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_sms_outbox():
    MemorySmsBackend.outbox.clear()


def test_notification_is_emailed_after_commit(django_capture_on_commit_callbacks):
    doctor = staff()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify(recipients=[doctor], kind=NotificationKind.TRIAGE_ALERT, title="Same-day review")
    assert mail.outbox == [], "nothing is sent before the transaction commits"
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1
    assert "Same-day review" in mail.outbox[0].subject
    assert Notification.objects.get(recipient=doctor).email_sent_at is not None


def test_sms_goes_only_to_recipients_with_a_phone(django_capture_on_commit_callbacks):
    with_phone = UserFactory(phone="+15550100")
    without_phone = UserFactory(phone="")
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            recipients=[with_phone, without_phone],
            kind=NotificationKind.APPOINTMENT,
            title="Appointment booked",
            send_sms=True,
        )
    assert [m.to for m in MemorySmsBackend.outbox] == ["+15550100"]


def test_the_same_event_never_notifies_a_person_twice(django_capture_on_commit_callbacks):
    nurse = staff()
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            notify(
                recipients=[nurse, nurse],
                kind=NotificationKind.REMINDER,
                title="Reminder",
                dedupe_key="appointment:1:24h",
            )
    assert Notification.objects.filter(recipient=nurse).count() == 1
    assert len(mail.outbox) == 1


def test_sweep_delivers_what_a_lost_message_left_behind(django_capture_on_commit_callbacks):
    doctor = staff()
    with django_capture_on_commit_callbacks(execute=False):
        notify(recipients=[doctor], kind=NotificationKind.INFO, title="Lost message")
    assert mail.outbox == []
    assert notifications_sweep_task() == 1
    assert len(mail.outbox) == 1
    assert notifications_sweep_task() == 0


def test_unread_count_shows_in_navigation_and_reading_clears_it(client):
    doctor = staff()
    (note,) = notify(recipients=[doctor], kind=NotificationKind.INFO, title="Hello", link="/")
    sign_in_verified(client, doctor)
    html = client.get(reverse("notifications")).content.decode()
    assert "Hello" in html
    assert "1<span" in html
    response = client.post(reverse("notification-read", args=[note.uuid]))
    assert response.status_code == 302
    assert response["Location"] == "/"
    note.refresh_from_db()
    assert note.read_at is not None


def test_nobody_can_read_another_persons_notification(client):
    (note,) = notify(recipients=[staff()], kind=NotificationKind.INFO, title="Private")
    sign_in_verified(client, staff())
    assert client.post(reverse("notification-read", args=[note.uuid])).status_code == 404
    assert "Private" not in client.get(reverse("notifications")).content.decode()


def test_notification_reaches_inbox_through_a_real_worker(celery_worker):
    doctor = staff()
    notify(recipients=[doctor], kind=NotificationKind.INFO, title="Via worker")
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if Notification.objects.get(recipient=doctor).email_sent_at:
            break
        time.sleep(0.1)
    assert Notification.objects.get(recipient=doctor).email_sent_at is not None

"""Log lines are JSON, carry a request id, and never name a patient.

A realistic run over the demo data (staff reading every page and API of every demo infant,
searching by name and MRN, printing letters and exports; parents logging episodes and uploading
a video, which runs the assessment and the video processing; a lockout; refusals and errors) is
logged at INFO through the production formatter, then every line is parsed and grepped for every
demo infant's names and MRN and every caregiver's name, email and phone number."""

import base64
import io
import json
import time

import pytest
import structlog
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from clinics.models import Membership, Role
from config.structured_logging import redact_personal_data
from episodes.demo import synthetic_clip
from patients.models import Guardianship, Infant
from tests.factories import PASSWORD, sign_in_verified
from tests.log_capture import logs_captured, personal_strings, personal_strings_in


@pytest.fixture
def captured_logs():
    with logs_captured() as captured:
        yield captured


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def _staff_walk(client, infants, logs_hit):
    for path in ("/", "/dashboard/", "/workups/worklist/", "/infants/", "/api/v1/infants/"):
        logs_hit(client.get(path))
    for infant in infants:
        for query in (infant.given_name, infant.family_name, infant.mrn):
            logs_hit(client.get("/infants/", {"search": query}))
            logs_hit(client.get("/api/v1/infants/", {"search": query}))
        for path in (
            f"/cases/{infant.uuid}/",
            f"/infants/{infant.uuid}/",
            f"/infants/{infant.uuid}/edit/",
            f"/infants/{infant.uuid}/milestones/",
            f"/api/v1/infants/{infant.uuid}/",
            f"/api/v1/episodes/?infant={infant.uuid}",
            f"/fhir/Patient/{infant.uuid}/$everything",
            f"/fhir/Patient/{infant.uuid}/referral-letter.pdf",
        ):
            logs_hit(client.get(path))
    # A duplicated MRN (refused), a malformed body, a missing page.
    infant = infants[0]
    logs_hit(
        client.post(
            "/api/v1/infants/",
            {
                "mrn": infant.mrn,
                "given_name": infant.given_name,
                "family_name": infant.family_name,
                "sex": "female",
                "born_at": "2026-11-20T03:00:00Z",
            },
            content_type="application/json",
        )
    )
    logs_hit(client.post("/api/v1/infants/", "{not json", content_type="application/json"))
    logs_hit(client.get(f"/cases/{infant.uuid}x/", {"name": infant.given_name}))


def _parent_walk(client, parent, infant, clip_path, logs_hit):
    logs_hit(client.get("/portal/"))
    response = client.post(
        reverse("portal:log", kwargs={"infant_uuid": infant.uuid}),
        {
            "started_at": "2026-11-30T03:10",
            "stops_with_gentle_restraint": "no",
            "autonomic": ["apnea"],
            "eye_signs": "",
        },
    )
    logs_hit(response)
    episode = infant.episodes.order_by("-created_at").first()
    logs_hit(client.get(reverse("portal:episode", kwargs={"episode_uuid": episode.uuid})))
    data = clip_path.read_bytes()
    created = client.post(
        "/api/v1/uploads/",
        HTTP_TUS_RESUMABLE="1.0.0",
        HTTP_UPLOAD_LENGTH=str(len(data)),
        HTTP_UPLOAD_METADATA=(
            f"episode {_b64(str(episode.uuid))},filename {_b64(infant.given_name + '.mp4')}"
        ),
    )
    logs_hit(created)
    location = created["Location"]
    for offset in range(0, len(data), 4096):
        logs_hit(
            client.generic(
                "PATCH",
                location,
                data[offset : offset + 4096],
                content_type="application/offset+octet-stream",
                HTTP_UPLOAD_OFFSET=str(offset),
                HTTP_TUS_RESUMABLE="1.0.0",
            )
        )
    logs_hit(client.get(reverse("portal:episode", kwargs={"episode_uuid": episode.uuid})))


@pytest.mark.django_db(transaction=True)
def test_a_realistic_run_logs_json_lines_with_request_ids_and_no_patient_data(
    postgres, client, captured_logs, tmp_path, settings, measured
):
    settings.AXES_FAILURE_LIMIT = 3
    call_command("seed_demo", stdout=io.StringIO())
    statuses = []

    def logs_hit(response):
        statuses.append(response.status_code)

    pediatrician = Membership.objects.filter(role=Role.PEDIATRICIAN).first().user
    infants = list(Infant.objects.filter(clinic=pediatrician.memberships.first().clinic))
    guardianship = Guardianship.objects.select_related("caregiver", "infant").first()
    parent, infant = guardianship.caregiver, guardianship.infant
    clip = tmp_path / "clip.mp4"
    synthetic_clip(clip, seconds=1.0)
    staff_client = sign_in_verified(Client(), pediatrician)
    parent_client = sign_in_verified(Client(), parent)
    # From here on, only what the requests (and the tasks they run) log.
    captured_logs.clear()

    _staff_walk(staff_client, infants, logs_hit)
    _parent_walk(parent_client, parent, infant, clip, logs_hit)
    # A caregiver who forgot the password: locked out after the failures.
    for _ in range(4):
        logs_hit(client.post("/accounts/login/", {"username": parent.email, "password": "x"}))
    logs_hit(client.post("/accounts/login/", {"username": parent.email, "password": PASSWORD}))

    lines = captured_logs.lines
    events = [json.loads(line) for line in lines]  # every line is one JSON object
    assert len(events) > 400
    assert {200, 302, 400, 404}.issubset(set(statuses))
    assert all(event.get("request_id") for event in events), [
        e for e in events if not e.get("request_id")
    ][:3]
    names = {event["event"] for event in events}
    # The assessment and the video processing ran inside these requests and logged there too.
    assert {"request_started", "request_finished"} <= names
    assert any(e.get("logger", "").startswith("episodes") for e in events)
    assert any(e.get("code") == 429 or "locked out" in e["event"] for e in events)

    text = "\n".join(lines)
    personal = personal_strings()
    assert len(personal) > 50
    found = personal_strings_in(text, personal)
    assert found == [], f"personal data in {len(lines)} log lines: {found[:10]}"
    measured(
        f"{len(lines)} log lines, {len(statuses)} requests, {len(personal)} strings: none found"
    )


def test_redaction_drops_personal_keys_query_strings_and_quoted_key_values():
    event = {
        "event": "duplicate key: DETAIL:  Key (clinic_id, mrn)=(3, NOR-0001) already exists.",
        "request": "GET /infants/?search=Noah",
        "email": "parent1@northside.example",
        "infant": "5d7c...",
    }
    redacted = redact_personal_data(None, "info", dict(event))
    assert "NOR-0001" not in json.dumps(redacted)
    assert redacted["request"] == "GET /infants/"
    assert redacted["email"] == "[redacted]"
    assert redacted["infant"] == "5d7c..."


def _worker_events(captured_logs, task_id) -> list[dict]:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        events = [json.loads(line) for line in captured_logs.lines]
        if any(e.get("task_id") == task_id and e["event"] == "task_succeeded" for e in events):
            return events
        time.sleep(0.2)
    raise AssertionError("the worker did not finish the task")


@pytest.mark.services
def test_a_task_enqueued_by_a_request_logs_that_requests_id_in_the_worker(
    celery_worker, captured_logs
):
    from clinics.tasks import api_tokens_purge_task

    structlog.contextvars.bind_contextvars(request_id="req-7f3a")
    result = api_tokens_purge_task.delay()
    structlog.contextvars.clear_contextvars()
    events = _worker_events(captured_logs, result.id)
    in_worker = [e for e in events if e.get("task_id") == result.id]
    assert {"task_started", "task_succeeded"} <= {e["event"] for e in in_worker}
    assert all(e["request_id"] == "req-7f3a" for e in in_worker)


@pytest.mark.services
def test_a_task_started_by_beat_uses_its_task_id_as_request_id(celery_worker, captured_logs):
    from clinics.tasks import api_tokens_purge_task

    result = api_tokens_purge_task.delay()
    events = _worker_events(captured_logs, result.id)
    in_worker = [e for e in events if e.get("task_id") == result.id]
    assert in_worker
    assert all(e["request_id"] == result.id for e in in_worker)


@pytest.mark.django_db
def test_the_log_check_finds_a_name_or_mrn_written_into_a_line():
    """The check the browser tests run on their own logs (tests/e2e/conftest.py) can fail."""
    from tests.factories import InfantFactory

    infant = InfantFactory(given_name="Odalys", family_name="Quintero")
    personal = personal_strings()
    assert personal_strings_in('{"event": "seen odalys"}', personal) == ["Odalys"]
    assert personal_strings_in(f'{{"event": "mrn {infant.mrn}"}}', personal) == [infant.mrn]
    assert personal_strings_in('{"event": "Odalysa Quinteros"}', personal) == []

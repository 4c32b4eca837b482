import threading
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from clinics.models import AuditEvent
from episodes.models import Episode, IdempotencyKey
from tests.factories import EpisodeFactory, InfantFactory, caregiver_of, staff

URL = "/api/v1/episodes/"


def answers(infant, **extra) -> dict:
    return {
        "infant": str(infant.uuid),
        "started_at": (timezone.now() - timedelta(hours=1)).isoformat(),
        "duration_s": 30,
        "state": "awake_crying_or_handled",
        "trigger": "crying_or_hunger",
        "movement_type": "fine_tremor",
        "stops_with_gentle_restraint": "yes",
        "autonomic": [],
        "associated": ["poor_feeding"],
        **extra,
    }


@pytest.mark.django_db
def test_caregiver_logs_an_episode_for_their_own_infant(
    token_client, django_capture_on_commit_callbacks
):
    infant = InfantFactory()
    parent = caregiver_of(infant)
    with django_capture_on_commit_callbacks(execute=True):
        response = token_client(parent).post(URL, answers(infant), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    episode = Episode.objects.get(uuid=body["id"])
    assert episode.reported_by == parent
    assert body["infant"] == str(infant.uuid)
    assert body["associated"] == ["poor_feeding"]
    assert body["video_available"] is False
    assert "clinician will review" in body["next_step_advice"]
    assert infant.assessments.count() == 1, "the logged episode is assessed after commit"
    assert AuditEvent.objects.filter(
        action="create", resource="episode", object_uuid=episode.uuid
    ).exists()


@pytest.mark.django_db
def test_unknown_answers_stay_blank_never_normal(token_client):
    infant = InfantFactory()
    parent = caregiver_of(infant)
    response = token_client(parent).post(
        URL, {"infant": str(infant.uuid), "started_at": timezone.now().isoformat()}, format="json"
    )
    assert response.status_code == 201
    body = response.json()
    assert body["eye_signs"] == ""
    assert body["consciousness"] == ""
    assert body["autonomic"] == []
    assert body["duration_s"] is None


@pytest.mark.django_db
def test_staff_logs_an_episode_for_an_infant_of_their_clinic(token_client):
    infant = InfantFactory()
    nurse = staff(role="nurse", clinic=infant.clinic)
    response = token_client(nurse).post(URL, answers(infant), format="json")
    assert response.status_code == 201


@pytest.mark.django_db
def test_logging_for_another_clinics_infant_is_404(token_client):
    infant = InfantFactory()
    outsider = staff()
    response = token_client(outsider).post(URL, answers(infant), format="json")
    assert response.status_code == 404
    assert not Episode.objects.exists()


@pytest.mark.django_db
def test_caregiver_cannot_log_for_another_familys_infant(token_client):
    mine, theirs = InfantFactory(), InfantFactory()
    parent = caregiver_of(mine)
    response = token_client(parent).post(URL, answers(theirs), format="json")
    assert response.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value"),
    [("state", "normal"), ("eye_signs", "fine"), ("autonomic", ["apnea", "sneezing"])],
)
def test_answers_outside_the_vocabulary_are_refused(token_client, field, value):
    infant = InfantFactory()
    parent = caregiver_of(infant)
    response = token_client(parent).post(URL, answers(infant, **{field: value}), format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Episode.objects.exists()


@pytest.mark.django_db
def test_episode_in_the_future_is_refused(token_client):
    infant = InfantFactory()
    parent = caregiver_of(infant)
    later = (timezone.now() + timedelta(days=1)).isoformat()
    response = token_client(parent).post(URL, answers(infant, started_at=later), format="json")
    assert response.status_code == 400
    assert "started_at" in response.json()


@pytest.mark.django_db
def test_episode_before_the_infant_was_born_is_refused_and_nothing_is_stored(token_client):
    infant = InfantFactory(born_at=timezone.now() - timedelta(hours=6))
    parent = caregiver_of(infant)
    before = (infant.born_at - timedelta(hours=12)).isoformat()
    response = token_client(parent).post(URL, answers(infant, started_at=before), format="json")
    assert response.status_code == 400
    assert response.json()["started_at"] == ["The episode cannot start before the infant was born."]
    assert not Episode.objects.exists()


@pytest.mark.django_db
def test_list_shows_only_visible_episodes_and_filters_by_infant_and_date(token_client):
    first, second = InfantFactory(), InfantFactory()
    parent = caregiver_of(first, second)
    old = EpisodeFactory(infant=first, started_at=timezone.now() - timedelta(days=10))
    recent = EpisodeFactory(infant=first)
    other_child = EpisodeFactory(infant=second)
    EpisodeFactory()  # another family
    client = token_client(parent)
    ids = {row["id"] for row in client.get(URL).json()["results"]}
    assert ids == {str(old.uuid), str(recent.uuid), str(other_child.uuid)}
    ids = {row["id"] for row in client.get(URL, {"infant": first.uuid}).json()["results"]}
    assert ids == {str(old.uuid), str(recent.uuid)}
    since = (timezone.now() - timedelta(days=1)).isoformat()
    ids = {row["id"] for row in client.get(URL, {"started_after": since}).json()["results"]}
    assert ids == {str(recent.uuid), str(other_child.uuid)}


@pytest.mark.django_db
def test_episode_list_query_count_does_not_grow_with_rows(
    token_client, django_assert_max_num_queries
):
    infant = InfantFactory()
    doctor = staff(clinic=infant.clinic)
    client = token_client(doctor)
    for _ in range(12):
        EpisodeFactory(infant=infant)
    with django_assert_max_num_queries(6):
        response = client.get(URL)
    assert response.json()["count"] == 12


@pytest.mark.django_db
def test_episode_detail_is_404_for_another_clinic(token_client):
    episode = EpisodeFactory()
    assert token_client(staff()).get(f"{URL}{episode.uuid}/").status_code == 404
    doctor = staff(clinic=episode.infant.clinic)
    response = token_client(doctor).get(f"{URL}{episode.uuid}/")
    assert response.status_code == 200
    assert AuditEvent.objects.filter(action="view", object_uuid=episode.uuid).exists()


@pytest.mark.django_db
def test_retried_post_with_the_same_idempotency_key_returns_the_first_result(token_client):
    infant = InfantFactory()
    client = token_client(caregiver_of(infant))
    payload = answers(infant)
    first = client.post(URL, payload, format="json", HTTP_IDEMPOTENCY_KEY="retry-1")
    again = client.post(URL, payload, format="json", HTTP_IDEMPOTENCY_KEY="retry-1")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert Episode.objects.count() == 1


@pytest.mark.django_db
def test_idempotency_key_reused_for_a_different_request_is_refused(token_client):
    infant = InfantFactory()
    client = token_client(caregiver_of(infant))
    client.post(URL, answers(infant), format="json", HTTP_IDEMPOTENCY_KEY="k")
    response = client.post(
        URL, answers(infant, duration_s=99), format="json", HTTP_IDEMPOTENCY_KEY="k"
    )
    assert response.status_code == 422
    assert Episode.objects.count() == 1


@pytest.mark.django_db
def test_idempotency_keys_are_per_user(token_client):
    infant = InfantFactory()
    mother, father = caregiver_of(infant), caregiver_of(infant)
    payload = answers(infant)
    token_client(mother).post(URL, payload, format="json", HTTP_IDEMPOTENCY_KEY="same")
    token_client(father).post(URL, payload, format="json", HTTP_IDEMPOTENCY_KEY="same")
    assert Episode.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_with_one_idempotency_key_log_one_episode(postgres):
    from clinics.services import api_token_issue

    infant = InfantFactory()
    parent = caregiver_of(infant)
    _, key = api_token_issue(user=parent)
    payload = answers(infant)
    results = []
    start = threading.Barrier(4)

    def post():
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        start.wait()
        results.append(client.post(URL, payload, format="json", HTTP_IDEMPOTENCY_KEY="3am"))
        connection.close()

    threads = [threading.Thread(target=post) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [r.status_code for r in results] == [201] * 4
    assert len({r.json()["id"] for r in results}) == 1
    assert Episode.objects.count() == 1
    assert IdempotencyKey.objects.count() == 1


@pytest.mark.django_db
def test_clinician_review_keeps_the_caregivers_answers(token_client):
    episode = EpisodeFactory(movement_type="fine_tremor")
    doctor = staff(clinic=episode.infant.clinic)
    response = token_client(doctor).post(
        f"{URL}{episode.uuid}/review/",
        {"oscillation": "fast_slow", "rate_hz_est": "2.5"},
        format="json",
    )
    assert response.status_code == 200, response.content
    episode.refresh_from_db()
    assert episode.oscillation == "fast_slow"
    assert str(episode.rate_hz_est) == "2.5"
    assert episode.movement_type == "fine_tremor"
    assert episode.reviewed_by == doctor


@pytest.mark.django_db
def test_caregivers_and_nurses_cannot_set_clinician_fields(token_client):
    episode = EpisodeFactory()
    parent = caregiver_of(episode.infant)
    nurse = staff(role="nurse", clinic=episode.infant.clinic)
    for user in (parent, nurse):
        response = token_client(user).post(
            f"{URL}{episode.uuid}/review/", {"oscillation": "equal"}, format="json"
        )
        assert response.status_code == 403
    episode.refresh_from_db()
    assert episode.oscillation == ""


@pytest.mark.django_db
def test_review_of_another_clinics_episode_is_404(token_client):
    episode = EpisodeFactory()
    response = token_client(staff()).post(
        f"{URL}{episode.uuid}/review/", {"oscillation": "equal"}, format="json"
    )
    assert response.status_code == 404


@pytest.mark.django_db
def test_unknown_episode_is_404(token_client):
    response = token_client(staff()).get(f"{URL}{uuid.uuid4()}/")
    assert response.status_code == 404


@pytest.mark.django_db
def test_listing_episodes_is_audited_with_what_was_shown(token_client):
    infant = InfantFactory()
    parent = caregiver_of(infant)
    episode = EpisodeFactory(infant=infant, reported_by=parent)
    response = token_client(parent).get(URL)
    assert response.status_code == 200
    event = AuditEvent.objects.get(resource="episode", action="list")
    assert event.actor == parent
    assert event.infant_uuids == [infant.uuid]
    assert event.detail["episode_ids"] == [str(episode.uuid)]


@pytest.mark.django_db
def test_episode_list_rows_read_as_values_match_the_episode_serialised(token_client):
    """The list reads its page as `.values()` rows; each row must be exactly what the detail
    endpoint serialises from the model instance (videos, advice and clinic time zone included)."""
    from episodes.models import EpisodeVideo

    infant = InfantFactory(caregiver_advice="Feed and watch.", assessed_at=timezone.now())
    doctor = staff(clinic=infant.clinic)
    with_video = EpisodeFactory(
        infant=infant, autonomic=["apnea"], started_at=timezone.now() - timedelta(hours=3)
    )
    EpisodeVideo.objects.create(
        episode=with_video,
        uploaded_by=with_video.reported_by,
        original="videos/a.mp4",
        content_type="video/mp4",
        size_bytes=10,
        sha256="0" * 64,
        duration_s=3.5,
    )
    EpisodeFactory(infant=infant, started_at=timezone.now() - timedelta(hours=1))
    client = token_client(doctor)
    rows = client.get(URL, {"infant": infant.uuid}).json()["results"]
    assert len(rows) == 2
    for row in rows:
        assert row == client.get(f"{URL}{row['id']}/").json()
    assert rows[1]["videos"][0]["duration_s"] == 3.5
    assert rows[1]["video_available"] is True
    assert rows[0]["videos"] == []


@pytest.mark.django_db
def test_episode_list_json_is_byte_identical_to_the_serializer_of_the_episodes(token_client):
    """The page comes from a compiled statement as `.values()` rows: the response's bytes must
    be those of the output serializer over the model instances (videos with and without an
    analysis, nulls, the pagination envelope)."""
    from decimal import Decimal

    from rest_framework.renderers import JSONRenderer

    from episodes.apis.episodes import _episodes_for
    from episodes.apis.serializers import EpisodeOutputSerializer
    from episodes.models import EpisodeVideo, MovementAnalysis

    infant = InfantFactory(caregiver_advice="Feed and watch.", assessed_at=timezone.now())
    doctor = staff(clinic=infant.clinic)
    analysed = EpisodeFactory(
        infant=infant,
        autonomic=["apnea"],
        rate_hz_est=Decimal("2.5"),
        reviewed_at=timezone.now(),
        started_at=timezone.now() - timedelta(hours=3),
    )
    EpisodeFactory(
        infant=infant,
        duration_s=None,
        temperature_c=None,
        started_at=timezone.now() - timedelta(hours=2),
    )
    EpisodeFactory(infant=infant, started_at=timezone.now() - timedelta(hours=1))
    EpisodeFactory()  # another clinic's
    for digit, duration in (("a", 3.5), ("b", None)):
        video = EpisodeVideo.objects.create(
            episode=analysed,
            uploaded_by=analysed.reported_by,
            original=f"videos/{digit}.mp4",
            content_type="video/mp4",
            size_bytes=10,
            sha256=digit * 64,
            duration_s=duration,
        )
    MovementAnalysis.objects.create(
        video=video,
        input_sha256="0" * 64,
        algorithm_version="1",
        quality="good",
        dominant_frequency_hz=6.5,
        pattern="tremor_like",
        bursts=[{"start_s": 0.5, "end_s": 2.0, "peak_frequency_hz": None}],
        signal={"rate_hz": 30.0, "values": [0.1, 0.2]},
        spectrum={"frequencies_hz": [6.5], "power": [1.0]},
    )
    client = token_client(doctor)
    for query in ({"infant": infant.uuid, "limit": 25}, {"limit": 2, "offset": 1}):
        response = client.get(URL, query)
        episodes = list(_episodes_for(doctor))
        offset, limit = query.get("offset", 0), query["limit"]
        rows = EpisodeOutputSerializer(
            episodes[offset : offset + limit], many=True, context={"request": response.wsgi_request}
        ).data
        assert any(video["movement"] for row in rows for video in row["videos"])
        expected = {
            "count": 3,
            "next": None,
            "previous": "http://testserver/api/v1/episodes/?limit=2" if offset else None,
            "results": rows,
        }
        assert response.content == JSONRenderer().render(expected)


@pytest.mark.django_db
def test_the_compiled_page_statement_is_the_orms_own_for_every_reader():
    """The page statement is compiled once per shape for a stand-in reader; bound to a real
    reader's ids it must be exactly the SQL and parameters the ORM writes for that reader."""
    from clinics.filters import FieldFilterBackend
    from clinics.permissions import CAREGIVER
    from clinics.selectors import membership_for
    from episodes.apis.episodes import _PAGE_STATEMENT, EpisodeFilter, _page_columns
    from episodes.selectors import episodes_visible_to

    infant = InfantFactory()
    readers = [
        staff(clinic=infant.clinic),
        staff(clinic=infant.clinic, role="nurse"),
        staff(role="clinic_admin"),
        caregiver_of(infant),
    ]
    since = timezone.now() - timedelta(days=3)
    for reader in readers:
        membership = membership_for(reader)
        scope = {"clinic": membership.clinic_id} if membership else {"reader": reader.pk}
        role = membership.role if membership else CAREGIVER
        for filters in (
            {},
            {"infant": infant.uuid},
            {"infant": infant.uuid, "started_after": since, "started_before": timezone.now()},
            {"started_before": since},
        ):
            for offset, limit in ((0, 25), (50, 50), (0, None)):
                statement, params = _PAGE_STATEMENT.bound(
                    (role, tuple(filters), offset, limit), **scope, **filters
                )
                episodes = FieldFilterBackend.filtered(
                    EpisodeFilter, episodes_visible_to(reader).recent(), filters
                )
                orm = _page_columns(episodes)[offset : None if limit is None else offset + limit]
                assert (statement.sql, tuple(params)) == orm.query.sql_with_params()

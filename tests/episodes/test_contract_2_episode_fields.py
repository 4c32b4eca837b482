"""Episode fields of the engine's contract 2: temperature, the new movements and signs, and the
clinician's rating of the video."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from clinics.models import Role
from episodes.models import Episode
from patients.models import AssessmentRequest
from tests.factories import (
    EpisodeFactory,
    InfantFactory,
    caregiver_of,
    episode_time_value,
    sign_in_verified,
    staff,
)

pytestmark = pytest.mark.django_db

PLAIN_WORDS = (
    "A high-pitched cry",
    "Cannot be settled",
    "Vomiting",
    "Yellow skin or eyes",
    "Arches the back",
    "Legs cycling or arms boxing",
    "temperature, if you measured it",
)


def test_the_caregivers_form_asks_temperature_and_the_new_signs_in_plain_words(client, family):
    sign_in_verified(client, family["parent"])
    url = reverse("portal:log", kwargs={"infant_uuid": family["infant"].uuid})
    html = client.get(url).content.decode()
    for words in PLAIN_WORDS:
        assert words in html
    response = client.post(
        url,
        {
            "started_at": episode_time_value(),
            "movement_type": "pedalling_or_boxing",
            "associated": ["high_pitched_cry", "inconsolable_crying", "jaundice"],
            "temperature_c": "38.4",
        },
    )
    assert response.status_code == 302
    episode = Episode.objects.exclude(pk=family["episode"].pk).get()
    assert episode.temperature_c == Decimal("38.4")
    assert episode.movement_type == "pedalling_or_boxing"
    assert episode.associated == ["high_pitched_cry", "inconsolable_crying", "jaundice"]


def test_temperature_is_optional_and_unknown_when_left_empty(client, family):
    sign_in_verified(client, family["parent"])
    url = reverse("portal:log", kwargs={"infant_uuid": family["infant"].uuid})
    assert client.post(url, {"started_at": episode_time_value()}).status_code == 302
    assert Episode.objects.exclude(pk=family["episode"].pk).get().temperature_c is None


@pytest.mark.parametrize("value", ["29.9", "43.1", "hot"])
def test_an_implausible_temperature_is_refused_on_its_field(client, family, value):
    sign_in_verified(client, family["parent"])
    url = reverse("portal:log", kwargs={"infant_uuid": family["infant"].uuid})
    response = client.post(url, {"started_at": episode_time_value(), "temperature_c": value})
    assert response.status_code == 200
    assert "temperature_c" in response.context["form"].errors
    assert Episode.objects.count() == 1


def test_the_api_takes_temperature_and_new_codes_and_names_a_bad_one(token_client):
    infant = InfantFactory()
    client = token_client(caregiver_of(infant))
    body = {
        "infant": str(infant.uuid),
        "started_at": timezone.now().isoformat(),
        "movement_type": "oral_automatisms",
        "associated": ["vomiting", "arching_or_opisthotonus"],
        "temperature_c": "35.8",
    }
    response = client.post("/api/v1/episodes/", body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["temperature_c"] == "35.8"
    assert response.json()["clinician_reviewed"] is False
    bad = client.post("/api/v1/episodes/", {**body, "temperature_c": 50}, format="json")
    assert bad.status_code == 400
    assert "temperature_c" in bad.json()
    bad = client.post("/api/v1/episodes/", {**body, "associated": ["hiccups"]}, format="json")
    assert bad.status_code == 400
    assert "associated" in bad.json()


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("temperature_c", Decimal("45.0")),
        ("movement_type", "waving"),
        ("associated", ["hiccups"]),
        ("autonomic", "apnea"),
    ],
)
def test_the_database_refuses_an_implausible_episode_value(postgres, column, value):
    episode = EpisodeFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Episode.objects.filter(pk=episode.pk).update(**{column: value})


def test_the_database_refuses_clinician_reviewed_without_a_review(postgres):
    episode = EpisodeFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Episode.objects.filter(pk=episode.pk).update(clinician_reviewed=True)


@pytest.mark.parametrize(
    ("review", "reviewed"),
    [
        ({"oscillation": "fast_slow"}, True),
        ({"rate_hz_est": "2.0"}, True),
        ({"clinician_notes": "Could not see the legs."}, False),
    ],
)
def test_a_clinicians_video_rating_marks_the_episode_clinician_reviewed(
    token_client, family, review, reviewed
):
    episode = family["episode"]
    response = token_client(family["doctor"]).post(
        f"/api/v1/episodes/{episode.uuid}/review/", review, format="json"
    )
    assert response.status_code == 200, response.json()
    episode.refresh_from_db()
    assert episode.clinician_reviewed is reviewed
    assert response.json()["clinician_reviewed"] is reviewed
    assert AssessmentRequest.objects.filter(infant=episode.infant).exists(), (
        "the engine reads the rating, so the infant is re-assessed"
    )


def test_a_later_review_without_a_rating_clears_clinician_reviewed(client, family):
    doctor = staff(Role.PEDIATRICIAN, clinic=family["infant"].clinic)
    sign_in_verified(client, doctor)
    url = reverse("episodes:detail", kwargs={"episode_uuid": family["episode"].uuid})
    client.post(url, {"oscillation": "equal"})
    client.post(url, {"oscillation": "", "clinician_notes": "Rating withdrawn: wrong clip."})
    family["episode"].refresh_from_db()
    assert family["episode"].clinician_reviewed is False

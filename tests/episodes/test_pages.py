"""The parent portal and the staff episode pages."""

import pytest
from django.urls import reverse

from episodes.models import Episode
from tests.factories import (
    EpisodeFactory,
    InfantFactory,
    caregiver_of,
    episode_time_value,
    sign_in_verified,
    staff,
)


def signed_in(client, user):
    return sign_in_verified(client, user)


@pytest.mark.django_db
def test_every_portal_page_shows_the_emergency_banner(client, family):
    signed_in(client, family["parent"])
    for url in (
        reverse("portal:home"),
        reverse("portal:log", kwargs={"infant_uuid": family["infant"].uuid}),
        reverse("portal:episode", kwargs={"episode_uuid": family["episode"].uuid}),
    ):
        html = client.get(url).content.decode()
        assert "Call emergency services now" in html
        assert "cannot be woken" in html


@pytest.mark.django_db
def test_portal_lists_my_children_only(client, family):
    other = InfantFactory(given_name="Stranger")
    html = signed_in(client, family["parent"]).get(reverse("portal:home")).content.decode()
    assert family["infant"].given_name in html
    assert other.given_name not in html


@pytest.mark.django_db
@pytest.mark.parametrize("children", [1, 3])
def test_portal_home_query_count_is_fixed(client, django_assert_max_num_queries, children):
    infants = [InfantFactory() for _ in range(children)]
    parent = caregiver_of(*infants)
    for infant in infants:
        for _ in range(4):
            EpisodeFactory(infant=infant)
    signed_in(client, parent)
    # The page's reads and the one audit row naming the children shown.
    with django_assert_max_num_queries(14):
        assert client.get(reverse("portal:home")).status_code == 200


@pytest.mark.django_db
def test_parent_logs_an_episode_with_the_guided_form(client, family):
    signed_in(client, family["parent"])
    url = reverse("portal:log", kwargs={"infant_uuid": family["infant"].uuid})
    form_html = client.get(url).content.decode()
    assert "Hold the leg gently. Did the shaking stop?" in form_html
    response = client.post(
        url,
        {
            "started_at": episode_time_value(),
            "stops_with_gentle_restraint": "no",
            "autonomic": ["apnea"],
            "eye_signs": "",
        },
    )
    assert response.status_code == 302
    episode = Episode.objects.exclude(pk=family["episode"].pk).get()
    assert episode.stops_with_gentle_restraint == "no"
    assert episode.autonomic == ["apnea"]
    assert episode.eye_signs == ""
    assert episode.state == ""


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["portal:log", "episodes:list"])
def test_infant_pages_of_another_family_or_clinic_are_404(client, family, name):
    other_infant = InfantFactory()
    for user in (family["parent"], family["doctor"]):
        signed_in(client, user)
        assert (
            client.get(reverse(name, kwargs={"infant_uuid": other_infant.uuid})).status_code == 404
        )


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["portal:episode", "episodes:detail"])
def test_episode_pages_of_another_family_or_clinic_are_404(client, family, name):
    other_episode = EpisodeFactory()
    for user in (family["parent"], family["doctor"]):
        signed_in(client, user)
        url = reverse(name, kwargs={"episode_uuid": other_episode.uuid})
        assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_caregivers_cannot_open_staff_pages(client, family):
    # They may see the episode (404 is for strangers), not the staff page about it.
    signed_in(client, family["parent"])
    url = reverse("episodes:detail", kwargs={"episode_uuid": family["episode"].uuid})
    assert client.get(url).status_code == 403


@pytest.mark.django_db
def test_staff_episode_list_query_count_is_fixed(client, django_assert_max_num_queries):
    infant = InfantFactory()
    doctor = staff(clinic=infant.clinic)
    for _ in range(10):
        EpisodeFactory(infant=infant)
    signed_in(client, doctor)
    # 10, plus the patient banner's open critical results and the clinician's own ones.
    with django_assert_max_num_queries(12):
        response = client.get(reverse("episodes:list", kwargs={"infant_uuid": infant.uuid}))
    assert response.status_code == 200


@pytest.mark.django_db
def test_pediatrician_records_the_video_review(client, family):
    signed_in(client, family["doctor"])
    url = reverse("episodes:detail", kwargs={"episode_uuid": family["episode"].uuid})
    response = client.post(url, {"oscillation": "equal", "rate_hz_est": "8.0"})
    assert response.status_code == 302
    family["episode"].refresh_from_db()
    assert family["episode"].oscillation == "equal"
    assert family["episode"].movement_type == "fine_tremor"


@pytest.mark.django_db
def test_nurse_cannot_record_the_video_review(client, family):
    nurse = staff(role="nurse", clinic=family["infant"].clinic)
    signed_in(client, nurse)
    url = reverse("episodes:detail", kwargs={"episode_uuid": family["episode"].uuid})
    assert client.get(url).status_code == 200
    assert client.post(url, {"oscillation": "equal"}).status_code == 403

"""The list endpoints' output serializers skip DRF's per-field machinery (clinics.serializers);
their output must stay exactly what DRF's own Serializer.to_representation gives."""

from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.test import RequestFactory
from django.utils import timezone
from rest_framework import serializers

from episodes.apis import EpisodeOutputSerializer
from episodes.models import EpisodeVideo
from patients.apis import InfantOutputSerializer
from tests.factories import EpisodeFactory, InfantFactory


def drf_output(serializer_class, instance, **kwargs):
    return serializers.Serializer.to_representation(serializer_class(**kwargs), instance)


@pytest.mark.django_db
def test_infant_output_matches_drf():
    infant = InfantFactory(family_history=["epilepsy"], maternal_drug_details="")
    with timezone.override(ZoneInfo("Europe/Berlin")):
        fast = dict(InfantOutputSerializer(infant).data)
        slow = drf_output(InfantOutputSerializer, infant)
    # Age in hours is computed from the clock at each call.
    assert fast.pop("age_hours") == pytest.approx(slow.pop("age_hours"), abs=0.01)
    assert fast == slow
    assert fast["family_history"] == ["epilepsy"]


@pytest.mark.django_db
def test_episode_output_with_videos_matches_drf():
    episode = EpisodeFactory(
        autonomic=["apnea"], rate_hz_est=Decimal("2.5"), reviewed_at=timezone.now()
    )
    EpisodeVideo.objects.create(
        episode=episode,
        uploaded_by=episode.reported_by,
        original="videos/a.mp4",
        content_type="video/mp4",
        size_bytes=10,
        sha256="0" * 64,
        duration_s=3.5,
    )
    episode.started_at = timezone.now() - timedelta(hours=2)
    context = {"request": RequestFactory().get("/api/v1/episodes/")}
    fast = EpisodeOutputSerializer(episode, context=context).data
    assert fast == drf_output(EpisodeOutputSerializer, episode, context=context)
    assert fast["videos"][0]["duration_s"] == 3.5
    assert fast["rate_hz_est"] == "2.5"

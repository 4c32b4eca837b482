import io

import pytest
from django.core.management import call_command
from django.db.models import F

from assessments.models import Assessment
from episodes.models import Episode, EpisodeVideo, VideoState


@pytest.mark.django_db
def test_seed_demo_adds_episodes_and_processed_videos_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=io.StringIO())
    episodes, videos = Episode.objects.count(), EpisodeVideo.objects.count()
    call_command("seed_demo", stdout=io.StringIO())
    assert Episode.objects.count() == episodes == 12
    assert EpisodeVideo.objects.count() == videos == 4
    assert set(EpisodeVideo.objects.values_list("state", flat=True)) == {VideoState.READY}
    assert Episode.objects.filter(movement_type="spasm_like_flexion_extension").exists()
    # Every demo episode happened after its infant's birth, so every one is assessed.
    assert not Episode.objects.filter(started_at__lt=F("infant__born_at")).exists()
    for infant_id in set(Episode.objects.values_list("infant_id", flat=True)):
        assert Assessment.objects.filter(infant_id=infant_id).exists(), infant_id

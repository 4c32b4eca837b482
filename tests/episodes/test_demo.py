import io

import pytest
from django.core.management import call_command

from episodes.models import Episode, EpisodeVideo, VideoState


@pytest.mark.django_db
def test_seed_demo_adds_episodes_and_processed_videos_once():
    call_command("seed_demo", stdout=io.StringIO())
    episodes, videos = Episode.objects.count(), EpisodeVideo.objects.count()
    call_command("seed_demo", stdout=io.StringIO())
    assert Episode.objects.count() == episodes == 12
    assert EpisodeVideo.objects.count() == videos == 4
    assert set(EpisodeVideo.objects.values_list("state", flat=True)) == {VideoState.READY}
    assert Episode.objects.filter(movement_type="spasm_like_flexion_extension").exists()

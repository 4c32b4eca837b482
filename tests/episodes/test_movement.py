"""Movement analysis in the video pipeline: stored once per algorithm version, immutable, never
touching a triage; shown to staff in the API, never to caregivers; the command."""

import copy
import io
import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, transaction
from django.urls import reverse
from django.utils import timezone

from assessments.models import Assessment
from episodes import movement
from episodes.models import EpisodeVideo, MovementAnalysis, VideoState
from episodes.services import (
    movement_measure,
    video_analyse,
    video_process,
    videos_needing_analysis,
)
from episodes.tasks import video_analyse_task, videos_sweep_task
from patients.models import AssessmentRequest
from tests.episodes.test_processing import stored_video, wait_for
from tests.factories import EpisodeFactory
from tests.movement_clips import ClipSpec, render

REPO_ROOT = Path(__file__).resolve().parents[2]
SMALL = {"size": (320, 180), "seconds": 5.0, "fps": 30}


@pytest.fixture(scope="module")
def tremor_clip(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("movement") / "tremor.mp4"
    render(ClipSpec(pattern="tremor", frequency_hz=6.5, amplitude=0.1, seed=3, **SMALL), path)
    return path


@pytest.fixture(scope="module")
def still_clip(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("movement") / "still.mp4"
    render(ClipSpec(pattern="still", seed=4, **SMALL), path)
    return path


def test_the_analysis_imports_without_django(tremor_clip):
    probe = (
        "import sys; from episodes.movement import analyse_file; "
        f"analyse_file({str(tremor_clip)!r}); "
        "loaded = [m for m in sys.modules if m == 'django' or m.startswith('django.')]; "
        "print(loaded); sys.exit(1 if loaded else 0)"
    )
    completed = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO_ROOT, capture_output=True, text=True, check=False
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_a_tremor_clip_is_measured_with_every_field(tremor_clip):
    result = movement.analyse_file(str(tremor_clip))
    assert result["algorithm_version"] == movement.ALGORITHM_VERSION
    assert result["quality"] == "good"
    assert result["quality_reasons"] == []
    assert result["dominant_frequency_hz"] == pytest.approx(6.5, abs=0.3)
    assert result["pattern"] == "tremor_like"
    assert 0.5 < result["rhythmicity"] <= 1
    assert result["waveform_asymmetry"] < 0.2
    assert -0.3 < result["side_asymmetry"] < 0.3
    assert result["amplitude_index"] > 0
    assert result["bursts"]
    assert result["bursts"][0]["peak_frequency_hz"] == pytest.approx(6.5, abs=0.5)
    assert len(result["signal"]["values"]) <= 600
    spectrum = result["spectrum"]
    assert len(spectrum["frequencies_hz"]) == len(spectrum["power"])
    assert max(spectrum["power"]) == 1
    words = movement.describe(result)
    assert words.startswith("rhythmic, about 6."), words
    assert words.endswith("tremor-like"), words


def test_a_still_scene_gives_no_pattern_and_no_frequency(still_clip):
    result = movement.analyse_file(str(still_clip))
    assert result["quality"] == "poor"
    assert "no movement found" in result["quality_reasons"]
    assert result["pattern"] is None
    assert result["dominant_frequency_hz"] is None


def test_a_clip_too_short_to_measure_is_unusable(tmp_path):
    path = tmp_path / "short.mp4"
    render(ClipSpec(pattern="tremor", frequency_hz=6, size=(320, 180), seconds=1.5), path)
    result = movement.analyse_file(str(path))
    assert (result["quality"], result["quality_reasons"]) == ("unusable", ["too short"])
    assert result["pattern"] is None
    assert result["dominant_frequency_hz"] is None


def test_a_dark_clip_is_poor(tmp_path):
    path = tmp_path / "dark.mp4"
    spec = ClipSpec(pattern="tremor", frequency_hz=6, brightness=0.25, seed=5, **SMALL)
    render(spec, path)
    result = movement.analyse_file(str(path))
    assert result["quality"] == "poor"
    assert "too dark" in result["quality_reasons"]


def test_the_command_prints_the_analysis_as_json(tremor_clip):
    out = io.StringIO()
    call_command("analyse_video", str(tremor_clip), stdout=out)
    printed = json.loads(out.getvalue())
    assert printed["pattern"] == "tremor_like"
    assert printed["summary"].endswith("tremor-like")


@pytest.mark.parametrize("content", [b"not a video at all", None])
def test_the_command_exits_2_on_an_unreadable_file(tmp_path, content):
    path = tmp_path / "bad.mp4"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(CommandError) as raised:
        call_command("analyse_video", str(path))
    assert raised.value.returncode == 2
    assert "cannot" in str(raised.value)


@pytest.fixture(scope="module")
def tremor_measured(tremor_clip) -> dict:
    """The tremor clip measured once, as the pipeline measures it (in the sandbox)."""
    return movement_measure(str(tremor_clip), "video/mp4")


@pytest.fixture
def measured(tremor_measured):
    """The pipeline's measurement of the tremor clip without measuring it again: for tests of
    what is done with a stored analysis (the measurement itself is tested above and below)."""
    with mock.patch(
        "episodes.services.processing.movement_measure",
        side_effect=lambda *_: copy.deepcopy(tremor_measured),
    ):
        yield


@pytest.fixture
def ready_video(family, tremor_clip, django_capture_on_commit_callbacks):
    video = stored_video(family["episode"], tremor_clip)
    with mock.patch.object(video_analyse_task, "apply_async") as queued:
        video = video_process(video_uuid=video.uuid)
    assert queued.call_count == 1, "a ready video is queued for analysis"
    assert queued.call_args.kwargs["kwargs"] == {"video_uuid": str(video.uuid)}
    return video


@pytest.mark.django_db
def test_a_ready_video_is_analysed_once_per_algorithm_version(ready_video):
    analysis = video_analyse(video_uuid=ready_video.uuid)
    assert analysis.pattern == "tremor_like"
    assert analysis.input_sha256 == ready_video.sha256
    assert analysis.algorithm_version == movement.ALGORITHM_VERSION
    assert video_analyse(video_uuid=ready_video.uuid) is None, "the same version is not re-run"
    assert MovementAnalysis.objects.count() == 1
    with mock.patch.object(movement, "ALGORITHM_VERSION", "99.0.0"):
        assert videos_needing_analysis(now=timezone.now() + timedelta(hours=1)) == [
            ready_video.uuid
        ]
        with mock.patch(
            "episodes.services.processing.movement_measure",
            return_value={**movement.unusable("x"), "algorithm_version": "99.0.0"},
        ):
            newer = video_analyse(video_uuid=ready_video.uuid)
    assert newer.algorithm_version == "99.0.0"
    assert ready_video.movement_analyses.count() == 2
    assert EpisodeVideo.objects.get(pk=ready_video.pk).movement_analysis == newer


@pytest.mark.django_db(transaction=True)
def test_a_stored_analysis_cannot_be_changed(ready_video, measured):
    analysis = video_analyse(video_uuid=ready_video.uuid)
    with pytest.raises(DatabaseError), transaction.atomic():
        MovementAnalysis.objects.filter(pk=analysis.pk).update(pattern="clonic_like")
    assert MovementAnalysis.objects.get(pk=analysis.pk).pattern == "tremor_like"


@pytest.mark.django_db
def test_the_analysis_never_changes_the_episode_or_the_triage(ready_video, measured):
    episode = ready_video.episode
    requests_before = AssessmentRequest.objects.count()
    assessments_before = Assessment.objects.count()
    video_analyse(video_uuid=ready_video.uuid)
    episode.refresh_from_db()
    assert (episode.oscillation, episode.rate_hz_est, episode.reviewed_at) == ("", None, None)
    assert AssessmentRequest.objects.count() == requests_before
    assert Assessment.objects.count() == assessments_before


@pytest.mark.django_db
def test_an_unreadable_original_is_stored_as_unusable(family, tmp_path):
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 8)
    video = stored_video(family["episode"], broken, state=VideoState.READY)
    analysis = video_analyse(video_uuid=video.uuid)
    assert analysis.quality == "unusable"
    assert analysis.pattern == ""
    assert analysis.quality_reasons[0].startswith("not a decodable video")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("limit", "value", "reason"),
    [
        ("wall_seconds", 0.05, "time limit"),
        ("memory_bytes", 64 * 1024**2, "not analysed"),
    ],
)
def test_a_clip_past_the_processing_limits_is_stored_as_unusable_and_the_pipeline_goes_on(
    family, tremor_clip, settings, limit, value, reason
):
    settings.VIDEO_PROCESS_LIMITS = {**settings.VIDEO_PROCESS_LIMITS, limit: value}
    video = stored_video(family["episode"], tremor_clip, state=VideoState.READY)
    analysis = video_analyse(video_uuid=video.uuid)
    assert analysis.quality == "unusable"
    assert analysis.pattern == ""
    assert analysis.dominant_frequency_hz is None
    assert analysis.quality_reasons[0].startswith("not analysed: ")
    assert reason in analysis.quality_reasons[0]
    video.refresh_from_db()
    assert video.state == VideoState.READY
    assert (video.analysis_started_at, video.analysis_attempts) == (None, 0)
    assert videos_needing_analysis(now=timezone.now() + timedelta(hours=1)) == []


@pytest.mark.django_db
def test_the_analysis_refuses_what_the_intake_refuses(family, tremor_clip, settings, tmp_path):
    settings.VIDEO_MAX_SECONDS = 2  # the clip lasts 5 s
    video = stored_video(family["episode"], tremor_clip, state=VideoState.READY)
    analysis = video_analyse(video_uuid=video.uuid)
    assert analysis.quality == "unusable"
    assert analysis.quality_reasons == ["refused: the video lasts 5 s, longer than 2 s"]
    settings.VIDEO_MAX_UPLOAD_BYTES = 1000
    with pytest.raises(movement.Unreadable, match="larger than the upload limit"):
        movement_measure(str(tremor_clip))
    renamed = tmp_path / "clip.txt"
    renamed.write_bytes(b"just some text, " * 100)
    settings.VIDEO_MAX_UPLOAD_BYTES = 10**9
    with pytest.raises(movement.Unreadable, match="not a video type the clinic accepts"):
        movement_measure(str(renamed))


@pytest.mark.django_db
def test_a_storage_error_releases_the_analysis_lease(family, tremor_clip):
    video = stored_video(family["episode"], tremor_clip, state=VideoState.READY)
    with (
        mock.patch(
            "episodes.services.processing.movement_measure", side_effect=OSError("disk gone")
        ),
        pytest.raises(OSError, match="disk gone"),
    ):
        video_analyse(video_uuid=video.uuid)
    video.refresh_from_db()
    assert video.analysis_started_at is None
    assert video.analysis_attempts == 1
    assert video_analyse(video_uuid=video.uuid).pattern == "tremor_like"


@pytest.mark.django_db
def test_a_live_analysis_lease_is_respected(family, tremor_clip):
    video = stored_video(
        family["episode"],
        tremor_clip,
        state=VideoState.READY,
        analysis_started_at=timezone.now(),
        analysis_attempts=1,
    )
    assert video_analyse(video_uuid=video.uuid) is None
    assert videos_needing_analysis() == []


@pytest.mark.django_db
def test_sweep_queues_ready_videos_without_an_analysis(family, tremor_clip, clip):
    old = timezone.now() - timedelta(hours=2)
    lost = stored_video(family["episode"], tremor_clip, state=VideoState.READY)
    dead = stored_video(
        family["episode"],
        clip("b.mp4", shade=1),
        state=VideoState.READY,
        analysis_started_at=old,
        analysis_attempts=1,
    )
    EpisodeVideo.objects.filter(pk__in=[lost.pk, dead.pk]).update(updated_at=old)
    stored_video(family["episode"], clip("c.mp4", shade=2), state=VideoState.READY)  # fresh
    with mock.patch.object(video_analyse_task, "delay") as delay:
        assert videos_sweep_task() == 2
    assert {call.args[0] for call in delay.call_args_list} == {str(lost.uuid), str(dead.uuid)}


@pytest.mark.django_db
def test_staff_see_the_movement_in_the_episode_and_video_outputs(
    token_client, family, ready_video, measured, django_assert_max_num_queries
):
    video_analyse(video_uuid=ready_video.uuid)
    client = token_client(family["doctor"])
    body = client.get(f"/api/v1/episodes/{family['episode'].uuid}/").json()
    measured = body["videos"][0]["movement"]
    assert measured["pattern"] == "tremor_like"
    assert measured["dominant_frequency_hz"] == pytest.approx(6.5, abs=0.3)
    assert measured["review_suggestion"]["oscillation"] == "equal"
    assert measured["summary"].endswith("tremor-like")
    assert measured["signal"]["values"]
    assert measured["spectrum"]["power"]
    listed = client.get("/api/v1/episodes/").json()["results"][0]["videos"][0]["movement"]
    assert listed["id"] == measured["id"]


@pytest.mark.django_db
def test_the_episode_list_reads_analyses_in_one_query(
    token_client, family, ready_video, measured, tremor_clip
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    video_analyse(video_uuid=ready_video.uuid)
    for _ in range(3):  # more episodes with an analysed video: still one read of analyses
        episode = EpisodeFactory(infant=family["infant"], reported_by=family["parent"])
        video = stored_video(episode, tremor_clip, state=VideoState.READY)
        video_analyse(video_uuid=video.uuid)
    client = token_client(family["doctor"])
    with CaptureQueriesContext(connection) as queries:
        rows = client.get("/api/v1/episodes/").json()["results"]
    assert sum(1 for row in rows for video in row["videos"] if video["movement"]) == 4
    analysis_reads = [q for q in queries if "episodes_movementanalysis" in q["sql"]]
    assert len(analysis_reads) == 1


@pytest.mark.django_db
def test_caregivers_never_see_the_movement_analysis(token_client, family, ready_video, measured):
    video_analyse(video_uuid=ready_video.uuid)
    client = token_client(family["parent"])
    body = client.get(f"/api/v1/episodes/{family['episode'].uuid}/").json()
    assert body["videos"][0]["movement"] is None
    listed = client.get("/api/v1/episodes/").json()["results"][0]
    assert listed["videos"][0]["movement"] is None


@pytest.mark.django_db
def test_the_schema_documents_the_movement_of_a_video(api_client):
    schema = api_client.get(reverse("api-schema"), HTTP_ACCEPT="application/json").json()
    components = schema["components"]["schemas"]
    video = components["VideoOutput"]["properties"]["movement"]
    assert "MovementOutput" in json.dumps(video)
    fields = components["MovementOutput"]["properties"]
    for name in (
        "quality",
        "quality_reasons",
        "dominant_frequency_hz",
        "rhythmicity",
        "waveform_asymmetry",
        "amplitude_index",
        "side_asymmetry",
        "bursts",
        "bursts_clustered",
        "pattern",
        "algorithm_version",
        "signal",
        "spectrum",
    ):
        assert name in fields, name


@pytest.mark.services
def test_a_real_worker_takes_an_uploaded_clip_to_a_stored_analysis(
    celery_worker, token_client, tremor_clip, media_dirs
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.factories import EpisodeFactory, caregiver_of

    episode = EpisodeFactory()
    parent = caregiver_of(episode.infant)
    response = token_client(parent).post(
        f"/api/v1/episodes/{episode.uuid}/videos/",
        {"file": SimpleUploadedFile("IMG_0002.MP4", tremor_clip.read_bytes(), "video/mp4")},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    video = EpisodeVideo.objects.get(uuid=response.json()["id"])
    assert wait_for(lambda: video.movement_analyses.exists(), seconds=90)
    analysis = video.movement_analyses.get()
    assert analysis.pattern == "tremor_like"
    assert analysis.dominant_frequency_hz == pytest.approx(6.5, abs=0.3)
    assert EpisodeVideo.objects.get(pk=video.pk).state == VideoState.READY


def _episode_page(client, episode, query=""):
    return client.get(
        reverse("episodes:detail", kwargs={"episode_uuid": episode.uuid}) + query
    ).content.decode()


@pytest.mark.django_db
def test_the_staff_episode_page_draws_the_trace_and_the_spectrum(
    verified_client, family, ready_video, measured
):
    analysis = video_analyse(video_uuid=ready_video.uuid)
    html = _episode_page(verified_client(family["doctor"]), family["episode"])
    assert 'data-testid="movement-trace"' in html
    assert 'data-testid="movement-spectrum"' in html
    assert "tremor-like" in html
    assert "peak: 6." in html
    assert f"?use_movement={analysis.uuid}#review" in html


@pytest.mark.django_db
def test_use_in_review_fills_the_form_and_saves_nothing(
    verified_client, family, ready_video, measured
):
    analysis = video_analyse(video_uuid=ready_video.uuid)
    client = verified_client(family["doctor"])
    html = _episode_page(client, family["episode"], f"?use_movement={analysis.uuid}")
    assert 'data-testid="movement-suggested"' in html
    assert '<option value="equal" selected>' in html
    assert f'value="{round(analysis.dominant_frequency_hz, 1)}"' in html
    family["episode"].refresh_from_db()
    assert family["episode"].oscillation == ""
    assert family["episode"].reviewed_at is None


@pytest.mark.django_db
def test_a_nurse_sees_the_analysis_without_use_in_review(
    verified_client, family, ready_video, measured
):
    from clinics.models import Role
    from tests.factories import staff

    video_analyse(video_uuid=ready_video.uuid)
    nurse = staff(Role.NURSE, clinic=family["infant"].clinic)
    html = _episode_page(verified_client(nurse), family["episode"])
    assert "tremor-like" in html
    assert 'data-testid="use-in-review"' not in html


@pytest.mark.django_db
def test_the_caregiver_portal_shows_nothing_of_the_analysis(client, family, ready_video, measured):
    video_analyse(video_uuid=ready_video.uuid)
    client.force_login(family["parent"])
    html = client.get(
        reverse("portal:episode", kwargs={"episode_uuid": family["episode"].uuid})
    ).content.decode()
    assert "Movement measured" not in html
    assert "tremor-like" not in html


@pytest.mark.django_db
def test_the_case_page_shows_the_latest_video_beside_its_analysis(
    verified_client, family, ready_video, measured
):
    video_analyse(video_uuid=ready_video.uuid)
    html = (
        verified_client(family["doctor"])
        .get(reverse("dashboard:case", kwargs={"infant_uuid": family["infant"].uuid}))
        .content.decode()
    )
    assert 'data-testid="case-video"' in html
    assert "<video" in html
    assert 'data-testid="movement-trace"' in html
    assert 'data-testid="use-in-review"' in html

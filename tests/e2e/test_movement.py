"""The movement measured in a caregiver's video, as a pediatrician sees it in Debian Chromium:
the trace and the spectrum beside the player on the case page, and "Use in review" filling the
review form for the clinician to confirm. Screenshots under var/screenshots/."""

from datetime import timedelta

import pytest
import structlog
from django.core.files import File
from django.utils import timezone

from clinics.models import Role
from episodes.models import EpisodeVideo
from episodes.services import video_analyse, video_process
from tests.e2e.test_journeys import DESKTOP, shot, sign_in
from tests.factories import EpisodeFactory, InfantFactory, caregiver_of, staff, totp_device
from tests.movement_clips import ClipSpec, render

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def measured_case(postgres, tmp_path):
    infant = InfantFactory(given_name="Mila", born_at=timezone.now() - timedelta(days=12))
    parent = caregiver_of(infant)
    doctor = staff(Role.PEDIATRICIAN, clinic=infant.clinic)
    totp_device(doctor)
    episode = EpisodeFactory(infant=infant, reported_by=parent, movement_type="fine_tremor")
    path = tmp_path / "IMG_0042.MP4"
    render(ClipSpec(pattern="tremor", frequency_hz=6.5, amplitude=0.08, seconds=8, seed=11), path)
    video = EpisodeVideo(
        episode=episode,
        uploaded_by=parent,
        original_filename="IMG_0042.MP4",
        content_type="video/mp4",
        size_bytes=path.stat().st_size,
        sha256="0" * 64,
    )
    with open(path, "rb") as fh:
        video.original.save("original.mp4", File(fh), save=False)
    video.save()
    # The processing and the analysis run at once; their log lines carry the set-up's own id.
    with structlog.contextvars.bound_contextvars(request_id="movement-case-setup"):
        video_process(video_uuid=video.uuid)
        video_analyse(video_uuid=video.uuid)
    assert video.movement_analyses.get().pattern == "tremor_like"
    return {"infant": infant, "episode": episode, "doctor": doctor, "parent": parent}


def test_case_page_shows_the_trace_the_spectrum_and_use_in_review(
    browser, live_server, measured_case
):
    infant, episode = measured_case["infant"], measured_case["episode"]
    page = sign_in(
        browser, live_server, measured_case["doctor"], next_path=f"/cases/{infant.uuid}/"
    )
    page.goto(f"{live_server.url}/cases/{infant.uuid}/")
    panel = page.get_by_test_id("case-video")
    panel.get_by_test_id("movement-trace").wait_for()
    assert panel.get_by_test_id("movement-spectrum").is_visible()
    assert "per second" in panel.get_by_test_id("spectrum-peak").text_content()
    summary = panel.get_by_test_id("movement-summary").inner_text()
    assert "rhythmic, about 6." in summary
    assert "tremor-like" in summary
    assert panel.locator("video").count() == 1
    shot(page, "case-movement-analysis")

    panel.get_by_test_id("use-in-review").click()
    page.wait_for_load_state("load")
    assert page.url.split("#")[0].split("?")[0].endswith(f"/episodes/{episode.uuid}/")
    assert page.get_by_test_id("movement-suggested").is_visible()
    assert page.locator("select[name=oscillation]").input_value() == "equal"
    rate = float(page.locator("input[name=rate_hz_est]").input_value())
    assert rate == pytest.approx(6.5, abs=0.3)
    shot(page, "episode-review-filled-from-movement")
    page.get_by_role("button", name="Save review").click()
    page.wait_for_load_state("load")
    episode.refresh_from_db()
    assert episode.oscillation == "equal"
    assert float(episode.rate_hz_est) == pytest.approx(rate)
    page.close()


def test_the_caregiver_portal_shows_nothing_of_the_analysis(browser, live_server, measured_case):
    page = sign_in(browser, live_server, measured_case["parent"], viewport=DESKTOP)
    page.goto(f"{live_server.url}/portal/episodes/{measured_case['episode'].uuid}/")
    page.wait_for_load_state("load")
    body = page.content()
    assert "Movement measured" not in body
    assert "tremor-like" not in body
    page.close()

"""A parent on a phone-sized screen logs an episode and sends a video."""

from urllib.parse import urlsplit

import pytest

from episodes.demo import synthetic_clip
from episodes.models import Episode, EpisodeVideo
from tests.factories import PASSWORD, InfantFactory, caregiver_of

RECORD_PROGRESS = """
document.addEventListener("DOMContentLoaded", () => {
  const bar = document.querySelector("[data-testid=upload-progress]");
  if (!bar) return;
  new MutationObserver(() => {
    const seen = (sessionStorage.getItem("upload-progress-seen") || "").split(",");
    seen.push(bar.textContent.trim());
    sessionStorage.setItem("upload-progress-seen", seen.join(","));
  }).observe(bar, {childList: true, characterData: true, subtree: true});
});
"""


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_parent_logs_an_episode_and_uploads_a_video_on_a_phone(
    postgres, browser, live_server, tmp_path
):
    infant = InfantFactory(given_name="Mia")
    parent = caregiver_of(infant)
    clip = tmp_path / "shaking.mp4"
    synthetic_clip(str(clip), seconds=2, size=(160, 120))

    page = browser.new_page(viewport={"width": 360, "height": 740})
    page.goto(f"{live_server.url}/accounts/login/?next=/portal/")
    page.fill("input[name=username]", parent.email)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: urlsplit(url).path == "/portal/")
    assert page.get_by_test_id("emergency-banner").is_visible()
    assert "cannot be woken" in page.get_by_test_id("emergency-banner").inner_text()

    page.click("text=Log shaking now")
    assert page.get_by_test_id("emergency-banner").is_visible()
    page.fill("input[name=duration_s]", "20")
    page.check("input[name=state][value=awake_crying_or_handled]")
    page.check("input[name=movement_type][value=fine_tremor]")
    page.check("input[name=stops_with_gentle_restraint][value=yes]")
    page.get_by_role("button", name="Save this episode").click()
    page.wait_for_url(lambda url: urlsplit(url).path.startswith("/portal/episodes/"))
    episode = Episode.objects.get()
    assert episode.stops_with_gentle_restraint == "yes"
    assert episode.eye_signs == "", "an unanswered question stays unknown"
    infant.refresh_from_db()
    assert infant.caregiver_advice, "the new episode was assessed at once"
    # Ruleset 2.0.0 advice is one instruction per line; compare the words.
    shown = " ".join(page.get_by_test_id("advice").inner_text().split())
    assert " ".join(infant.caregiver_advice.split())[:60] in shown
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, "nothing overflows a 360 px wide screen"

    # Record what the progress bar shows; the page reloads itself when the upload is done.
    page.add_init_script(RECORD_PROGRESS)
    page.reload()
    page.set_input_files("input[type=file]", str(clip))
    page.get_by_role("button", name="Send video").click()
    page.get_by_test_id("video-list").get_by_text("shaking.mp4").wait_for(timeout=30_000)
    seen = page.evaluate("sessionStorage.getItem('upload-progress-seen') || ''").split(",")
    assert "100%" in seen, f"the progress bar reached 100% before the page reloaded: {seen}"
    page.get_by_test_id("video-list").get_by_text("shaking.mp4").wait_for()
    video = EpisodeVideo.objects.get(episode=episode)
    assert video.original_filename == "shaking.mp4"
    assert video.size_bytes == clip.stat().st_size

"""A caregiver whose account is in Spanish walks every portal page on a phone and on a desktop
(home, the episode form with a validation error, the episode page with its advice and the video
upload, appointments): each page is in Spanish and shows none of the portal's English.
Screenshots under var/screenshots/spanish-*.png."""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
import structlog
from django.conf import settings
from django.utils import timezone, translation

from clinics.models import Role
from dashboard.templatetags.portal_time import portal_datetime
from episodes.demo import synthetic_clip
from episodes.models import Episode, EpisodeVideo
from tests.factories import PASSWORD, ClinicFactory, InfantFactory, caregiver_of, staff
from tests.workups.factories import SlotFactory
from workups.models import ReferralUrgency
from workups.services import referral_create

SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
# The portal's English, in the page's text or its markup (the phone's collapsed menu too).
ENGLISH = (
    "My children",
    "Log shaking now",
    "Recent episodes",
    "What happens next",
    "Call emergency services now",
    "Call the emergency phone number",
    "See a doctor today",
    "Sign out",
    "Notifications",
    "Appointments",
    "Upcoming appointments",
    "neurology with",
    "Save this episode",
    "What did the movement look like?",
    "Not sure / did not see",
    "Enter a valid",
    "Ensure this value",
    "Record or choose a video",
    "Send video",
    "Back to my children",
    "Change language",
    "Skip to main content",
    "Thank you",
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def english_on(page) -> list[str]:
    html = page.content()
    return [text for text in ENGLISH if text in html]


def in_spanish(page, *expected: str) -> None:
    text = page.locator("body").inner_text()
    missing = [words for words in expected if words not in text]
    assert missing == [], f"{urlsplit(page.url).path} lacks {missing}"
    assert english_on(page) == [], f"{urlsplit(page.url).path} shows English"
    assert page.locator("html").get_attribute("lang") == "es"
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{urlsplit(page.url).path} scrolls sideways by {overflow}px"


@pytest.fixture
def spanish_family(postgres):
    clinic = ClinicFactory(
        name="Clínica del Sur", time_zone="America/Chicago", phone="+13125550100"
    )
    infant = InfantFactory(
        clinic=clinic, given_name="Lucía", born_at=timezone.now() - timedelta(days=30)
    )
    parent = caregiver_of(infant)
    parent.language = "es"
    parent.phone = "+15550199"
    parent.save()
    slot = SlotFactory(
        clinic=clinic, starts_at=timezone.now() + timedelta(days=1), location="Sala 4"
    )
    # The booking runs its tasks at once; their log lines carry the set-up's own id.
    with structlog.contextvars.bound_contextvars(request_id="spanish-portal-setup"):
        referral_create(
            infant=infant,
            created_by=staff(Role.PEDIATRICIAN, clinic),
            reason="Temblor",
            urgency=ReferralUrgency.URGENT,
        )
    return infant, parent, slot


# A Spanish phone; a desktop browser that asks for English (the account's language wins).
@pytest.mark.parametrize(
    ("size", "viewport", "locale"), [("phone", PHONE, "es-ES"), ("desktop", DESKTOP, "en-US")]
)
def test_a_spanish_caregiver_reads_every_portal_page_in_spanish(
    browser, live_server, spanish_family, tmp_path, size, viewport, locale
):
    infant, parent, slot = spanish_family
    page = browser.new_context(viewport=viewport, locale=locale).new_page()
    page.goto(f"{live_server.url}/accounts/login/?next=/portal/")
    page.fill("input[name=username]", parent.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("input[type=submit], button[type=submit]").first.click()
    page.wait_for_url(lambda url: urlsplit(url).path == "/portal/")

    in_spanish(page, "Mis hijos", "Lucía", "Anotar un temblor ahora", "Qué pasará ahora")
    in_spanish(page, "Llame ahora al número de emergencias si su bebé:", "Idioma")
    shot(page, f"spanish-{size}-01-home")

    page.click("text=Anotar un temblor ahora")
    in_spanish(page, "¿Qué le pasó a Lucía?", "¿Cómo era el movimiento?", "No estoy seguro")
    shot(page, f"spanish-{size}-02-episode-form")
    page.fill("input[name=duration_s]", "20")
    page.check("input[name=state][value=awake_crying_or_handled]")
    page.check("input[name=movement_type][value=fine_tremor]")
    page.check("input[name=stops_with_gentle_restraint][value=yes]")
    page.fill("input[name=temperature_c]", "45")
    page.get_by_role("button", name="Guardar este episodio").click()
    page.wait_for_load_state("load")
    in_spanish(page, "Asegúrese de que este valor es menor o igual a")
    shot(page, f"spanish-{size}-03-episode-form-error")

    page.fill("input[name=temperature_c]", "36.8")
    page.get_by_role("button", name="Guardar este episodio").click()
    page.wait_for_url(lambda url: urlsplit(url).path.startswith("/portal/episodes/"))
    episode = Episode.objects.filter(infant=infant).latest("created_at")
    infant.refresh_from_db()
    assert infant.caregiver_advice, "the episode was assessed at once"
    advice = page.get_by_test_id("advice").first.inner_text()
    assert advice.strip(), "the advice is on the page"
    in_spanish(page, "Gracias. El episodio está guardado.", "Videos", "Enviar video")
    in_spanish(page, "Llame ahora al número de emergencias si su bebé:", "Deja de respirar")
    shot(page, f"spanish-{size}-04-episode-advice")

    # The upload page's own messages, then a real upload.
    page.get_by_role("button", name="Enviar video").click()
    assert page.locator("[data-upload-status]").inner_text() == "Primero grabe o elija un video."
    clip = tmp_path / "temblor.mp4"
    synthetic_clip(str(clip), seconds=2, size=(160, 120))
    page.set_input_files("input[type=file]", str(clip))
    page.get_by_role("button", name="Enviar video").click()
    page.get_by_test_id("video-list").get_by_text("temblor.mp4").wait_for(timeout=30_000)
    assert EpisodeVideo.objects.filter(episode=episode).exists()
    in_spanish(page, "temblor.mp4")
    shot(page, f"spanish-{size}-05-upload")

    page.goto(f"{live_server.url}/portal/appointments/")
    # In the clinic's zone, as the page shows it.
    local = timezone.localtime(slot.starts_at, ZoneInfo(infant.clinic.time_zone))
    with translation.override("es"):
        spanish_time = portal_datetime(local)
    english_time = portal_datetime(local)
    in_spanish(page, "Próximas citas", "neurología con", "Sala 4", "minutos", spanish_time)
    assert english_time not in page.content()
    shot(page, f"spanish-{size}-06-appointments")

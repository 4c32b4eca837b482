"""A caregiver whose account is in Spanish reads the portal, its advice, its errors, and the
emails and text messages sent to them in Spanish; English readers see what they saw before."""

import base64
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from assessments.advice import advice_from_result
from assessments.services import triage_alert_raise
from clinics.models import Role
from clinics.sms import MemorySmsBackend
from tests.factories import ClinicFactory, EpisodeFactory, InfantFactory, caregiver_of, staff
from tests.workups.factories import AssessmentFactory, SlotFactory
from workups.models import ReferralUrgency
from workups.services import appointment_reminders_send, referral_create

pytestmark = pytest.mark.django_db

# A ruleset 2.0.0 result: every advice line has a code and the engine's English text.
SAME_DAY = {
    "ruleset": {"version": "2.0.0", "digest": "0" * 64},
    "triage": "same_day",
    "caregiver_advice": "See a doctor today. Call the clinic or your baby's doctor now.",
    "advice": {
        "level": "same_day",
        "headline": {"code": "same_day.headline", "text": "See a doctor today."},
        "steps": [
            {
                "code": "same_day.step.call_clinic",
                "text": "Call the clinic or your baby's doctor now.",
            },
            {"code": "same_day.step.bring_log", "text": "Bring your log and any videos."},
        ],
        "emergency_signs": [{"code": "sign.stops_breathing", "text": "Stops breathing"}],
        "what_next": {
            "code": "next.same_day",
            "text": "The clinic will call you today. If no one calls within 2 hours, call the "
            "clinic.",
        },
    },
}
EMERGENCY = {
    "ruleset": {"version": "2.0.0", "digest": "0" * 64},
    "triage": "emergency",
    "caregiver_advice": "Call the emergency phone number now.",
    "advice": {
        "level": "emergency",
        "headline": {"code": "emergency.headline", "text": "Call the emergency phone number now."},
        "steps": [{"code": "emergency.step.side", "text": "Lay your baby on their side."}],
    },
}
# English a Spanish page must not show (navigation, headings, buttons, advice).
ENGLISH = (
    "My children",
    "Log shaking now",
    "What happens next",
    "Call emergency services now",
    "See a doctor today",
    "Sign out",
    "Notifications",
)


@pytest.fixture(autouse=True)
def _empty_sms_outbox():
    MemorySmsBackend.outbox.clear()


def _spanish_family(result=SAME_DAY, phone="+15550100"):
    clinic = ClinicFactory(time_zone="America/Chicago", phone="+13125550100")
    infant = InfantFactory(clinic=clinic, given_name="Lucía")
    parent = caregiver_of(infant)
    parent.language = "es"
    parent.phone = phone
    parent.save()
    assessment = AssessmentFactory(infant=infant, triage=result["triage"], result=result)
    return infant, parent, assessment


def _book_neurology(infant, django_capture_on_commit_callbacks) -> None:
    """A same-day referral, booked at once into a slot in five hours (Dr. Neuro, Sala 9)."""
    SlotFactory(
        clinic=infant.clinic, starts_at=timezone.now() + timedelta(hours=5), location="Sala 9"
    )
    doctor = staff(Role.PEDIATRICIAN, infant.clinic)
    with django_capture_on_commit_callbacks(execute=True):
        referral_create(
            infant=infant, created_by=doctor, reason="x", urgency=ReferralUrgency.SAME_DAY
        )


def _no_english(html: str) -> list[str]:
    return [text for text in ENGLISH if text in html]


def test_the_portal_home_and_its_advice_are_in_spanish(client):
    _, parent, _ = _spanish_family()
    client.force_login(parent)
    html = client.get(reverse("portal:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Mis hijos" in html
    assert "Lleve a su bebé al médico hoy." in html
    assert "Llame ahora a la clínica o al médico de su bebé." in html
    assert "Qué pasará ahora" in html
    assert "Revisión hoy mismo" in html
    assert _no_english(html) == []


def test_an_english_reader_sees_the_engines_own_words(client):
    _, parent, _ = _spanish_family()
    parent.language = "en"
    parent.save()
    client.force_login(parent)
    html = client.get(reverse("portal:home")).content.decode()
    assert "See a doctor today." in html
    assert "My children" in html
    assert "Mis hijos" not in html


def test_the_episode_page_shows_spanish_advice(client):
    infant, parent, _ = _spanish_family()
    episode = EpisodeFactory(infant=infant)
    client.force_login(parent)
    url = reverse("portal:episode", kwargs={"episode_uuid": episode.uuid})
    html = client.get(url).content.decode()
    assert "Lleve a su bebé al médico hoy." in html
    assert "Enviar video" in html
    assert 'data-text-sent="Video enviado. Gracias."' in html
    assert _no_english(html) == []


def test_the_episode_form_and_its_errors_are_in_spanish(client):
    infant, parent, _ = _spanish_family()
    client.force_login(parent)
    url = reverse("portal:log", kwargs={"infant_uuid": infant.uuid})
    form = client.get(url).content.decode()
    assert "¿Qué le pasó a Lucía?" in form
    assert "¿Qué estaba haciendo su bebé cuando empezó?" in form
    assert "Despierto y tranquilo" in form
    assert "Guardar este episodio" in form
    refused = client.post(url, {"started_at": "not a time", "temperature_c": "55"})
    assert refused.status_code == 200
    html = refused.content.decode()
    assert "Introduzca una fecha/hora válida." in html
    assert "Asegúrese de que este valor es menor o igual a" in html
    assert _no_english(html) == []


def test_an_upload_refusal_reaches_the_page_in_spanish(client):
    infant, parent, _ = _spanish_family()
    episode = EpisodeFactory(infant=infant)
    client.force_login(parent)
    response = client.post(
        reverse("api:upload-list"),
        HTTP_TUS_RESUMABLE="1.0.0",
        HTTP_UPLOAD_LENGTH="0",
        HTTP_UPLOAD_METADATA=f"episode {_b64(str(episode.uuid))}",
    )
    assert response.status_code == 400
    assert response.content.decode() == "El archivo está vacío. Grabe o elija el video de nuevo."


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def test_the_appointment_email_and_text_message_are_in_spanish(
    django_capture_on_commit_callbacks,
):
    infant, parent, _ = _spanish_family()
    _book_neurology(infant, django_capture_on_commit_callbacks)
    [email] = [m for m in mail.outbox if m.to == [parent.email]]
    assert "Cita de neurología para Lucía" in email.subject
    assert "Responda o llame a la clínica si no puede venir." in email.body
    assert " de " in email.body.split("Dr. Neuro, ")[1]  # "martes 1 de diciembre de 2026"
    [sms] = [m for m in MemorySmsBackend.outbox if m.to == parent.phone]
    assert sms.body.startswith("Cita de neurología para Lucía")


def test_the_reminder_text_message_is_in_spanish(django_capture_on_commit_callbacks):
    infant, parent, _ = _spanish_family()
    _book_neurology(infant, django_capture_on_commit_callbacks)
    MemorySmsBackend.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        appointment_reminders_send(now=timezone.now())
    [sms] = [m for m in MemorySmsBackend.outbox if m.to == parent.phone]
    assert sms.body.startswith("Recordatorio: cita de neurología el ")
    assert "a las" in sms.body


def test_emergency_advice_by_email_and_text_message_is_in_spanish(
    django_capture_on_commit_callbacks,
):
    _, parent, assessment = _spanish_family(result=EMERGENCY)
    with django_capture_on_commit_callbacks(execute=True):
        triage_alert_raise(assessment=assessment)
    [email] = [m for m in mail.outbox if m.to == [parent.email]]
    assert "Consejos sobre Lucía" in email.subject
    assert "Llame ahora al número de emergencias.\nAcueste a su bebé de lado." in email.body
    [sms] = [m for m in MemorySmsBackend.outbox if m.to == parent.phone]
    assert sms.body.startswith("Consejos sobre Lucía")


def test_an_english_caregiver_gets_the_same_event_in_english(
    django_capture_on_commit_callbacks,
):
    infant, spanish, assessment = _spanish_family(result=EMERGENCY)
    english = caregiver_of(infant)
    with django_capture_on_commit_callbacks(execute=True):
        triage_alert_raise(assessment=assessment)
    [email] = [m for m in mail.outbox if m.to == [english.email]]
    assert "Advice about Lucía" in email.subject
    assert email.body == assessment.caregiver_advice
    assert spanish.email not in email.to


def test_advice_lines_follow_the_active_language():
    with translation.override("es"):
        spanish = advice_from_result(SAME_DAY)
        assert spanish.level_label == "Revisión hoy mismo"
    english = advice_from_result(SAME_DAY)
    assert spanish.headline.text == "Lleve a su bebé al médico hoy."
    assert english.headline.text == "See a doctor today."
    assert english.level_label == "Same-day review"


def test_sign_in_and_a_missing_page_are_in_the_browsers_spanish(client):
    login = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Entrar" in login
    assert "Correo electrónico" in login
    assert "Contraseña" in login
    refused = client.post(
        reverse("login"),
        {"username": "nadie@familia.example", "password": "x" * 12},
        HTTP_ACCEPT_LANGUAGE="es",
    ).content.decode()
    assert "Ese correo y esa contraseña no coinciden con ninguna cuenta." in refused


def test_a_page_a_spanish_caregiver_cannot_open_says_so_in_spanish(client):
    _, parent, _ = _spanish_family()
    client.force_login(parent)
    response = client.get("/portal/episodes/00000000-0000-0000-0000-000000000000/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "No encontrado" in html
    assert "Volver al inicio" in html
    assert "Not found" not in html

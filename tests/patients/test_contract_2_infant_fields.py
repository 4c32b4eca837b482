"""The infant fields of the engine's contract 2: stored, constrained, edited by staff."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from clinics.models import Role
from patients.models import AssessmentRequest, Infant
from tests.factories import InfantFactory, caregiver_of, sign_in_verified, staff

pytestmark = pytest.mark.django_db


def _infant_of(user, **fields) -> Infant:
    return InfantFactory(clinic=user.memberships.get().clinic, **fields)


def test_staff_record_every_contract_2_field_on_the_infant_record_page(client):
    nurse = staff(Role.NURSE)
    sign_in_verified(client, nurse)
    infant = _infant_of(nurse, born_at=timezone.now() - timedelta(days=3))
    given = (timezone.now() - timedelta(hours=20)).astimezone(timezone.get_current_timezone())
    form = {
        "mrn": infant.mrn,
        "given_name": infant.given_name,
        "family_name": infant.family_name,
        "sex": infant.sex,
        "born_date": infant.born_at.astimezone(timezone.get_current_timezone()).date(),
        "born_time": infant.born_at.astimezone(timezone.get_current_timezone()).strftime("%H:%M"),
        "gestational_weeks": "39",
        "gestational_days": "2",
        "birth_weight_g": "2300",
        "maternal_diabetes": "none",
        "feeding": "formula",
        "size_for_gestational_age": "sga",
        "maternal_drug_exposure": ["methadone_or_buprenorphine", "nicotine"],
        "skin_signs": ["hypomelanotic_macules"],
        "neuro_exam": ["hypertonia", "exaggerated_nose_tap_startle"],
        "head": "microcephaly",
        "fontanelle": "bulging",
        "family_history": ["tuberous_sclerosis", "consanguinity"],
        "medication_0_drug": "phenobarbital",
        "medication_0_given_at": given.strftime("%Y-%m-%dT%H:%M"),
        "medication_0_response": "reduced",
    }
    edit_url = reverse("patients:infant-edit", kwargs={"infant_id": infant.uuid})
    page = client.get(edit_url).content.decode()
    assert "Pale (hypomelanotic) patches" in page
    assert "Bulging" in page
    assert "Phenobarbital" in page

    response = client.post(edit_url, form)

    assert response.status_code == 302, response.content.decode()[:3000]
    infant.refresh_from_db()
    assert infant.size_for_gestational_age == "sga"
    assert infant.maternal_drug_exposure == ["methadone_or_buprenorphine", "nicotine"]
    assert infant.skin_signs == ["hypomelanotic_macules"]
    assert infant.neuro_exam == ["hypertonia", "exaggerated_nose_tap_startle"]
    assert (infant.head, infant.fontanelle) == ("microcephaly", "bulging")
    assert infant.family_history == ["tuberous_sclerosis", "consanguinity"]
    [dose] = infant.medications
    assert (dose["drug"], dose["response"]) == ("phenobarbital", "reduced")
    assert dose["given_at"].startswith(given.strftime("%Y-%m-%dT%H:%M"))
    assert AssessmentRequest.objects.filter(infant=infant, trigger="record_change").exists(), (
        "a change the engine reads re-assesses the infant"
    )
    detail = client.get(reverse("patients:infant-detail", kwargs={"infant_id": infant.uuid}))
    html = detail.content.decode()
    assert "Increased tone (hypertonia)" in html
    assert "Phenobarbital at 52 h of age" in html


def test_a_dose_without_a_time_is_refused_on_its_field(client):
    nurse = staff(Role.NURSE)
    sign_in_verified(client, nurse)
    infant = _infant_of(nurse)
    edit_url = reverse("patients:infant-edit", kwargs={"infant_id": infant.uuid})
    local_birth = infant.born_at.astimezone(timezone.get_current_timezone())
    response = client.post(
        edit_url,
        {
            "mrn": infant.mrn,
            "given_name": infant.given_name,
            "family_name": infant.family_name,
            "sex": infant.sex,
            "born_date": local_birth.date(),
            "born_time": local_birth.strftime("%H:%M"),
            "gestational_weeks": "39",
            "gestational_days": "2",
            "birth_weight_g": "3300",
            "maternal_diabetes": "none",
            "medication_0_drug": "dextrose",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["medication_0_given_at"] == ["When was it given?"]
    infant.refresh_from_db()
    assert infant.medications == []


def test_staff_patch_contract_2_fields_through_the_api(token_client):
    nurse = staff(Role.NURSE)
    infant = _infant_of(nurse)
    given_at = (timezone.now() - timedelta(hours=3)).isoformat()
    response = token_client(nurse).patch(
        f"/api/v1/infants/{infant.uuid}/",
        {
            "maternal_drug_exposure": ["opioids"],
            "size_for_gestational_age": "lga",
            "skin_signs": ["cafe_au_lait_macules"],
            "head": "rapidly_growing",
            "fontanelle": "sunken",
            "neuro_exam": ["hypotonia"],
            "family_history": ["epilepsy"],
            "medications": [{"drug": "calcium", "given_at": given_at, "response": "stopped"}],
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["maternal_drug_exposure"] == ["opioids"]
    assert body["skin_signs"] == ["cafe_au_lait_macules"]
    assert body["neuro_exam"] == ["hypotonia"]
    assert (body["head"], body["fontanelle"], body["size_for_gestational_age"]) == (
        "rapidly_growing",
        "sunken",
        "lga",
    )
    assert body["medications"][0]["drug"] == "calcium"


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ({"maternal_drug_exposure": True}, {"maternal_drug_exposure": ["other"]}),
        ({"maternal_drug_exposure": False}, {"maternal_drug_exposure": []}),
        ({"neuro_exam": "normal"}, {"neuro_exam": ["normal"]}),
    ],
)
def test_the_api_reads_the_older_single_values_as_lists(token_client, sent, stored):
    nurse = staff(Role.NURSE)
    infant = _infant_of(nurse)
    response = token_client(nurse).patch(f"/api/v1/infants/{infant.uuid}/", sent, format="json")
    assert response.status_code == 200, response.json()
    infant.refresh_from_db()
    assert {name: getattr(infant, name) for name in stored} == stored


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"skin_signs": ["freckles"]}, "skin_signs"),
        ({"maternal_drug_exposure": ["tea"]}, "maternal_drug_exposure"),
        ({"neuro_exam": ["normal", "hypotonia"]}, "neuro_exam"),
        ({"neuro_exam": ["hypotonia", "hypotonia"]}, "neuro_exam"),
        ({"head": "huge"}, "head"),
        ({"fontanelle": "open"}, "fontanelle"),
        ({"size_for_gestational_age": "small"}, "size_for_gestational_age"),
        ({"family_history": ["gout"]}, "family_history"),
        ({"medications": [{"drug": "aspirin", "given_at": "2026-01-01T00:00:00Z"}]}, "medications"),
        ({"medications": [{"drug": "calcium", "given_at": "2999-01-01T00:00:00Z"}]}, "medications"),
        ({"skin_signs": {"a": 1}}, "skin_signs"),
    ],
)
def test_a_bad_contract_2_value_is_a_400_naming_the_field(token_client, body, field):
    nurse = staff(Role.NURSE)
    infant = _infant_of(nurse)
    response = token_client(nurse).patch(f"/api/v1/infants/{infant.uuid}/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    infant.refresh_from_db()
    assert infant.skin_signs == []
    assert infant.medications == []


def test_a_caregiver_cannot_change_the_contract_2_fields(token_client):
    infant = InfantFactory()
    parent = caregiver_of(infant)
    response = token_client(parent).patch(
        f"/api/v1/infants/{infant.uuid}/", {"skin_signs": ["other"]}, format="json"
    )
    assert response.status_code == 403
    infant.refresh_from_db()
    assert infant.skin_signs == []


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("skin_signs", ["freckles"]),
        ("maternal_drug_exposure", ["tea"]),
        ("neuro_exam", "normal"),
        ("family_history", ["gout"]),
        ("medications", {"drug": "calcium"}),
        ("head", "huge"),
        ("fontanelle", "open"),
        ("size_for_gestational_age", "xga"),
    ],
)
def test_the_database_refuses_a_code_outside_the_vocabulary(postgres, column, value):
    infant = InfantFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Infant.objects.filter(pk=infant.pk).update(**{column: value})

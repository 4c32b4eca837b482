import pytest
from django.utils import timezone

from clinics.models import AuditEvent, Role
from patients.models import Infant
from tests.factories import GuardianshipFactory, InfantFactory, caregiver_of, staff

pytestmark = pytest.mark.django_db

VALID = {
    "mrn": "A-100",
    "given_name": "Ada",
    "family_name": "Lovelace",
    "sex": "female",
    "born_at": "2025-01-10T08:30:00",
    "gestational_weeks": 35,
    "gestational_days": 2,
    "birth_weight_g": 2300,
    "maternal_diabetes": "gestational",
    "feeding": "formula",
    "family_history": ["epilepsy"],
}


def test_staff_register_an_infant_with_birth_time_read_in_the_clinic_time_zone(token_client):
    nurse = staff(Role.NURSE)
    clinic = nurse.memberships.get().clinic
    clinic.time_zone = "America/New_York"
    clinic.save()
    response = token_client(nurse).post("/api/v1/infants/", VALID)
    assert response.status_code == 201, response.json()
    body = response.json()
    infant = Infant.objects.get(uuid=body["id"])
    assert infant.clinic == clinic
    assert infant.born_at.isoformat() == "2025-01-10T13:30:00+00:00"
    assert body["is_preterm"]
    assert body["is_low_birth_weight"]
    assert "id" in body
    assert "pk" not in body
    assert AuditEvent.objects.filter(
        action="create", infant_uuid=infant.uuid, channel="api"
    ).exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("born_at", "2999-01-01T00:00:00Z"),
        ("gestational_weeks", 15),
        ("birth_weight_g", 90000),
        ("gestational_days", 9),
    ],
)
def test_implausible_infant_is_refused_naming_the_field_and_nothing_is_stored(
    token_client, field, value
):
    client = token_client(staff(Role.NURSE))
    response = client.post("/api/v1/infants/", {**VALID, field: value})
    assert response.status_code == 400
    assert field in response.json()
    assert not Infant.objects.exists()
    assert not AuditEvent.objects.filter(action="create").exists()


def test_duplicate_mrn_in_the_clinic_is_refused_naming_mrn(token_client):
    nurse = staff(Role.NURSE)
    InfantFactory(clinic=nurse.memberships.get().clinic, mrn="A-100")
    response = token_client(nurse).post("/api/v1/infants/", VALID)
    assert response.status_code == 400
    assert "mrn" in response.json()
    assert Infant.objects.count() == 1


def test_same_mrn_in_another_clinic_is_allowed(token_client):
    InfantFactory(mrn="A-100")
    response = token_client(staff(Role.NURSE)).post("/api/v1/infants/", VALID)
    assert response.status_code == 201


def test_staff_search_infants_by_name_mrn_and_birth_date(token_client):
    nurse = staff(Role.NURSE)
    clinic = nurse.memberships.get().clinic
    ada = InfantFactory(clinic=clinic, given_name="Ada", family_name="Byron", mrn="Q-1")
    InfantFactory(clinic=clinic, given_name="Bob", family_name="Smith", mrn="Q-2")
    client = token_client(nurse)
    for query in ("ada", "Q-1", ada.born_on.isoformat(), "Ada Byron"):
        ids = [
            row["id"] for row in client.get("/api/v1/infants/", {"search": query}).json()["results"]
        ]
        assert str(ada.uuid) in ids, query
    assert client.get("/api/v1/infants/", {"search": "Q-2"}).json()["count"] == 1


def test_search_pages_carry_the_total_and_links_of_the_whole_result(token_client):
    nurse = staff(Role.NURSE)
    clinic = nurse.memberships.get().clinic
    for n in range(5):
        InfantFactory(clinic=clinic, given_name=f"Zoe{n}", family_name="Quill", mrn=f"Z-{n}")
    InfantFactory(clinic=clinic, given_name="Bob", family_name="Smith", mrn="Q-2")
    client = token_client(nurse)

    def page(**params):
        return client.get("/api/v1/infants/", {"search": "quill", **params}).json()

    first, last, beyond = page(limit=2), page(limit=2, offset=4), page(limit=2, offset=10)
    assert (first["count"], len(first["results"])) == (5, 2)
    assert "offset=2" in first["next"]
    assert first["previous"] is None
    assert (last["count"], len(last["results"]), last["next"]) == (5, 1, None)
    assert (beyond["count"], beyond["results"]) == (5, [])
    ids = [row["id"] for row in page(limit=2)["results"] + page(limit=2, offset=2)["results"]]
    assert len(set(ids + [row["id"] for row in last["results"]])) == 5
    assert client.get("/api/v1/infants/", {"search": "nobody"}).json()["count"] == 0


def test_staff_update_only_the_fields_sent(token_client):
    infant = InfantFactory()
    client = token_client(staff(Role.PEDIATRICIAN, infant.clinic))
    response = client.patch(f"/api/v1/infants/{infant.uuid}/", {"feeding": "formula"})
    assert response.status_code == 200, response.json()
    infant.refresh_from_db()
    assert infant.feeding == "formula"
    event = AuditEvent.objects.get(action="update", infant_uuid=infant.uuid)
    assert event.detail == {"fields": ["feeding"]}


def test_invalid_update_is_refused_and_nothing_changes(token_client):
    infant = InfantFactory(birth_weight_g=3000)
    client = token_client(staff(Role.NURSE, infant.clinic))
    response = client.patch(f"/api/v1/infants/{infant.uuid}/", {"birth_weight_g": 90000})
    assert response.status_code == 400
    assert "birth_weight_g" in response.json()
    infant.refresh_from_db()
    assert infant.birth_weight_g == 3000


def test_caregiver_reads_own_infant_but_cannot_write_it(token_client):
    infant = InfantFactory()
    client = token_client(caregiver_of(infant))
    assert client.get(f"/api/v1/infants/{infant.uuid}/").status_code == 200
    assert (
        client.patch(f"/api/v1/infants/{infant.uuid}/", {"feeding": "formula"}).status_code == 403
    )
    assert client.post("/api/v1/infants/", VALID).status_code == 403
    assert client.get(f"/api/v1/infants/{infant.uuid}/caregivers/").status_code == 403


def test_caregiver_gets_404_for_another_familys_infant(token_client):
    mine, theirs = InfantFactory(), InfantFactory(clinic=InfantFactory().clinic)
    client = token_client(caregiver_of(mine))
    assert client.get(f"/api/v1/infants/{theirs.uuid}/").status_code == 404
    assert (
        client.patch(f"/api/v1/infants/{theirs.uuid}/", {"feeding": "formula"}).status_code == 404
    )
    listed = [row["id"] for row in client.get("/api/v1/infants/").json()["results"]]
    assert listed == [str(mine.uuid)]


def test_revoked_guardianship_stops_the_caregivers_token_on_the_next_request(token_client):
    infant = InfantFactory()
    link = GuardianshipFactory(infant=infant)
    caregiver_client = token_client(link.caregiver)
    assert caregiver_client.get(f"/api/v1/infants/{infant.uuid}/").status_code == 200
    staff_client = token_client(staff(Role.NURSE, infant.clinic))
    response = staff_client.delete(f"/api/v1/infants/{infant.uuid}/caregivers/{link.uuid}/")
    assert response.status_code == 204
    assert caregiver_client.get(f"/api/v1/infants/{infant.uuid}/").status_code == 404
    assert caregiver_client.get("/api/v1/infants/").json()["count"] == 0


def test_another_clinics_guardianship_under_my_infant_is_404(token_client):
    mine = InfantFactory()
    foreign = GuardianshipFactory()
    client = token_client(staff(Role.NURSE, mine.clinic))
    response = client.delete(f"/api/v1/infants/{mine.uuid}/caregivers/{foreign.uuid}/")
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.revoked_at is None


def test_caregiver_and_staff_add_milestones_and_read_the_log(token_client):
    infant = InfantFactory(born_at=timezone.now() - timezone.timedelta(days=70))
    parent = caregiver_of(infant)
    entry = {
        "milestone": "social_smile",
        "status": "achieved",
        "observed_on": str(timezone.localdate()),
    }
    assert (
        token_client(parent).post(f"/api/v1/infants/{infant.uuid}/milestones/", entry).status_code
        == 201
    )
    nurse_client = token_client(staff(Role.NURSE, infant.clinic))
    assert (
        nurse_client.post(
            f"/api/v1/infants/{infant.uuid}/milestones/", {**entry, "milestone": "coos"}
        ).status_code
        == 201
    )
    log = token_client(parent).get(f"/api/v1/infants/{infant.uuid}/milestones/").json()
    assert {row["milestone"] for row in log["results"]} == {"social_smile", "coos"}


def test_milestone_in_the_future_is_refused_naming_the_field(token_client):
    infant = InfantFactory()
    client = token_client(caregiver_of(infant))
    response = client.post(
        f"/api/v1/infants/{infant.uuid}/milestones/",
        {"milestone": "coos", "status": "achieved", "observed_on": "2999-01-01"},
    )
    assert response.status_code == 400
    assert "observed_on" in response.json()
    assert not infant.milestone_entries.exists()


def test_api_list_and_detail_reads_are_audited(token_client):
    infant = InfantFactory()
    nurse = staff(Role.NURSE, infant.clinic)
    client = token_client(nurse)
    client.get("/api/v1/infants/")
    client.get(f"/api/v1/infants/{infant.uuid}/", HTTP_X_FORWARDED_FOR="203.0.113.9")
    listed = AuditEvent.objects.get(action="list", actor=nurse)
    assert listed.infant_uuids == [infant.uuid]
    assert listed.channel == "api"
    assert listed.actor_role == "nurse"
    viewed = AuditEvent.objects.get(action="view", actor=nurse)
    assert viewed.infant_uuid == infant.uuid
    assert viewed.clinic == infant.clinic
    # No trusted proxy: the socket address, never what the client wrote.
    assert viewed.client_address == "127.0.0.1"


@pytest.mark.parametrize("count", [5, 50])
def test_api_list_query_count_does_not_grow_with_infants(
    token_client, django_assert_max_num_queries, count
):
    nurse = staff(Role.NURSE)
    InfantFactory.create_batch(count, clinic=nurse.memberships.get().clinic)
    client = token_client(nurse)
    with django_assert_max_num_queries(6):
        response = client.get("/api/v1/infants/")
    assert response.json()["count"] == count

from collections import Counter

import pytest
from django.core.management import call_command

from assessments.models import Assessment
from clinics.models import Clinic, Membership
from dashboard.management.commands.generate_load_data import Command
from episodes.models import Episode
from patients.models import Guardianship, Infant
from workups.models import NeurologySlot, TestOrder

pytestmark = pytest.mark.django_db

SIZE = {"infants": 30, "episodes_per_infant": 3, "clinics": 2}


def generate(**overrides):
    call_command("generate_load_data", **{**SIZE, **overrides})


def snapshot():
    return {
        "infants": sorted(Infant.objects.values_list("uuid", "mrn", "current_triage")),
        "episodes": sorted(Episode.objects.values_list("uuid", "started_at")),
        "orders": sorted(TestOrder.objects.values_list("uuid", "test", "status")),
    }


def test_load_data_has_the_asked_size_and_mostly_benign_standing():
    generate()
    assert Clinic.objects.count() == 2
    assert Infant.objects.count() == 30
    assert Episode.objects.count() == 90
    assert Guardianship.objects.count() == 30
    assert Membership.objects.filter(clinic__slug="load-000").count() > 5
    assert NeurologySlot.objects.exists()
    assert Assessment.objects.count() == Infant.objects.exclude(current_triage="").count()
    triage = Counter(Infant.objects.values_list("current_triage", flat=True))
    # The engine triages the generated episodes: most infants are not urgent.
    benign = triage["reassure_monitor"] + triage["routine_visit"]
    assert benign > 15 > triage["emergency"] + triage["same_day"], triage


def test_load_data_is_the_same_for_the_same_seed_and_a_rerun_adds_nothing():
    generate()
    first = snapshot()
    generate()
    assert snapshot() == first


@pytest.mark.django_db(transaction=True)
def test_clinics_written_in_parallel_are_the_rows_of_one_process():
    # On PostgreSQL three clinics are written by two processes at once, reserving ids from the
    # same sequences: an overlapping reservation would fail the COPY on a primary key.
    generate(jobs=2, clinics=3)
    parallel = snapshot()
    assert len(parallel["infants"]) == 30
    call_command("flush", "--noinput")
    generate(jobs=1, clinics=3)
    assert snapshot() == parallel


def test_a_stopped_run_keeps_finished_clinics_and_resumes_with_the_same_rows(monkeypatch):
    written_before_the_stop = []
    workups = Command._workups

    def stop_in_the_second_clinic(self, writer, rng, clinic_id, standing, staff, assessed):
        if Clinic.objects.filter(slug="load-001").exists():
            written_before_the_stop.extend(
                Infant.objects.filter(clinic__slug="load-001").values_list("uuid", flat=True)
            )
            raise RuntimeError("the machine went down")
        return workups(self, writer, rng, clinic_id, standing, staff, assessed)

    monkeypatch.setattr(Command, "_workups", stop_in_the_second_clinic)
    with pytest.raises(RuntimeError):
        generate()
    assert list(Clinic.objects.values_list("slug", flat=True)) == ["load-000"]
    assert Infant.objects.count() == 15
    assert Episode.objects.count() == 45
    first_clinic = snapshot()

    monkeypatch.setattr(Command, "_workups", workups)
    generate()
    assert Infant.objects.count() == 30
    assert Episode.objects.count() == 90
    assert sorted(
        Infant.objects.filter(clinic__slug="load-001").values_list("uuid", flat=True)
    ) == sorted(written_before_the_stop)
    resumed = snapshot()
    assert set(first_clinic["episodes"]) <= set(resumed["episodes"])

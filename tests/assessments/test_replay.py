"""Every stored assessment, re-scored with its own ruleset version from its stored input, gives
back exactly the stored result: over the demo data and over generated load data."""

import io

import pytest
from django.core.management import call_command

from assessments.models import Assessment
from assessments.services import ruleset_score

pytestmark = pytest.mark.django_db


def replay_every_assessment() -> dict[str, int]:
    """Re-score each stored assessment; count them by ruleset version. A result that differs
    fails with the assessment named."""
    replayed: dict[str, int] = {}
    for assessment in Assessment.objects.order_by("id").iterator():
        again = ruleset_score(assessment.input_case, ruleset=assessment.ruleset_version)
        assert again == assessment.result, f"assessment {assessment.uuid} does not replay"
        replayed[assessment.ruleset_version] = replayed.get(assessment.ruleset_version, 0) + 1
    return replayed


def test_every_demo_assessment_replays_to_its_stored_result(
    django_capture_on_commit_callbacks, measured
):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=io.StringIO())
    replayed = replay_every_assessment()
    measured(f"demo: re-scored and matched {replayed}")
    assert sum(replayed.values()) == Assessment.objects.count() >= 10


def test_every_load_data_assessment_replays_to_its_stored_result(measured):
    call_command("generate_load_data", infants=60, episodes_per_infant=4, clinics=2)
    replayed = replay_every_assessment()
    measured(f"load data: re-scored and matched {replayed}")
    assert sum(replayed.values()) == Assessment.objects.count() >= 40

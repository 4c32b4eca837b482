from datetime import timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from assessments.models import Assessment, AssessmentTrigger, Triage
from tests.factories import ClinicFactory, InfantFactory, UserFactory
from workups.models import (
    Appointment,
    FollowUpKind,
    FollowUpTask,
    NeurologySlot,
    OrderedTest,
    Priority,
    Referral,
    ReferralUrgency,
    TestOrder,
)


class AssessmentFactory(DjangoModelFactory):
    class Meta:
        model = Assessment

    infant = factory.SubFactory(InfantFactory)
    trigger = AssessmentTrigger.CLINICIAN_REQUEST
    input_case = factory.LazyFunction(dict)
    result = factory.LazyAttribute(
        lambda o: {"triage": o.triage, "recommended_tests": ["glucose", "total_calcium"]}
    )
    ruleset_version = "test"
    ruleset_digest = "0" * 64
    triage = Triage.SAME_DAY


class TestOrderFactory(DjangoModelFactory):
    __test__ = False

    class Meta:
        model = TestOrder

    infant = factory.SubFactory(InfantFactory)
    test = OrderedTest.GLUCOSE_PLASMA
    priority = Priority.URGENT
    due_by = factory.LazyFunction(lambda: timezone.now() + timedelta(hours=24))
    reason_text = "Jittery, feeding poorly"
    ordered_by = factory.SubFactory(UserFactory)


class SlotFactory(DjangoModelFactory):
    class Meta:
        model = NeurologySlot

    clinic = factory.SubFactory(ClinicFactory)
    neurologist_name = "Dr. Neuro"
    location = "Neurology clinic, room 2"
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=2))
    length_minutes = 30


class ReferralFactory(DjangoModelFactory):
    class Meta:
        model = Referral

    infant = factory.SubFactory(InfantFactory)
    urgency = ReferralUrgency.URGENT
    deadline = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    reason = "Rhythmic jerks, possible seizure"
    created_by = factory.SubFactory(UserFactory)


class AppointmentFactory(DjangoModelFactory):
    class Meta:
        model = Appointment

    referral = factory.SubFactory(ReferralFactory, status="booked")
    slot = factory.SubFactory(SlotFactory, clinic=factory.SelfAttribute("..referral.infant.clinic"))


class FollowUpFactory(DjangoModelFactory):
    class Meta:
        model = FollowUpTask

    infant = factory.SubFactory(InfantFactory)
    kind = FollowUpKind.CALL_CAREGIVER
    description = "Call the family"
    due_at = factory.LazyFunction(lambda: timezone.now() + timedelta(hours=4))
    source_key = factory.Sequence(lambda n: f"test:{n}")

import time
from datetime import timedelta

import factory
from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from factory.django import DjangoModelFactory

from clinics.middleware import LAST_ACTIVITY_SESSION_KEY
from clinics.models import Clinic, Membership, Role, User
from episodes.models import Episode, MovementType, State
from patients.models import (
    Feeding,
    Guardianship,
    Infant,
    MaternalDiabetes,
    MilestoneEntry,
    MilestoneStatus,
    Relationship,
    Sex,
)

PASSWORD = "correct-horse-battery"


class ClinicFactory(DjangoModelFactory):
    class Meta:
        model = Clinic
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Clinic {n}")
    slug = factory.Sequence(lambda n: f"clinic-{n}")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.test")
    full_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    clinic = factory.SubFactory(ClinicFactory)
    role = Role.PEDIATRICIAN


def staff(role: Role = Role.PEDIATRICIAN, clinic: Clinic | None = None) -> User:
    clinic = clinic or ClinicFactory()
    return MembershipFactory(role=role, clinic=clinic).user


def totp_device(user: User) -> TOTPDevice:
    """The user's confirmed authenticator app (created on first use)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Test phone", confirmed=True)


def sign_in_verified(client, user: User):
    """Sign the test client in as `user` with a second factor already verified, as after the
    code step of the sign-in page. Works for caregivers too (they need no second factor)."""
    client.force_login(user)
    request = HttpRequest()
    request.session = client.session
    request.user = user
    otp_login(request, totp_device(user))
    # As the sign-in pages leave it: the idle clock starts now (and the next request need not
    # write the session).
    request.session[LAST_ACTIVITY_SESSION_KEY] = int(time.time())
    request.session.set_expiry(settings.STAFF_SESSION_IDLE_MINUTES * 60)
    request.session.save()
    return client


class InfantFactory(DjangoModelFactory):
    class Meta:
        model = Infant

    clinic = factory.SubFactory(ClinicFactory)
    mrn = factory.Sequence(lambda n: f"MRN{n:06d}")
    given_name = factory.Faker("first_name")
    family_name = factory.Faker("last_name")
    sex = Sex.FEMALE
    born_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=10))
    born_on = factory.LazyAttribute(lambda o: o.born_at.date())
    gestational_weeks = 39
    gestational_days = 2
    birth_weight_g = 3300
    maternal_diabetes = MaternalDiabetes.NONE
    feeding = Feeding.BREAST


class GuardianshipFactory(DjangoModelFactory):
    class Meta:
        model = Guardianship

    infant = factory.SubFactory(InfantFactory)
    caregiver = factory.SubFactory(UserFactory)
    relationship = Relationship.MOTHER


def caregiver_of(*infants: Infant) -> User:
    """A caregiver account with an active guardianship of each infant."""
    user = UserFactory()
    for infant in infants:
        GuardianshipFactory(infant=infant, caregiver=user)
    return user


class MilestoneEntryFactory(DjangoModelFactory):
    class Meta:
        model = MilestoneEntry

    infant = factory.SubFactory(InfantFactory)
    milestone = "social_smile"
    status = MilestoneStatus.ACHIEVED
    observed_on = factory.LazyFunction(timezone.localdate)


class EpisodeFactory(DjangoModelFactory):
    class Meta:
        model = Episode

    infant = factory.SubFactory(InfantFactory)
    reported_by = factory.SubFactory(UserFactory)
    started_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=2))
    duration_s = 20
    state = State.AWAKE_CRYING_OR_HANDLED
    movement_type = MovementType.FINE_TREMOR


def episode_time_value() -> str:
    """A form's datetime-local value two days ago: in the past in every time zone and after the
    birth of any InfantFactory infant (born ten days ago)."""
    return (timezone.now() - timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")

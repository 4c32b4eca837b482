import factory
from factory.django import DjangoModelFactory

from clinics.models import Clinic, Membership, Role, User

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
    user = MembershipFactory(role=role, clinic=clinic).user
    if role == Role.CLINIC_ADMIN:
        # As clinics.services.staff_member_ensure does: clinic admins use the Django admin.
        user.is_staff = True
        user.save()
    return user

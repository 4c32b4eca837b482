import pytest
from django.utils import timezone

from clinics.models import Role
from patients.selectors import infants_visible_to
from tests.factories import GuardianshipFactory, InfantFactory, caregiver_of, staff

pytestmark = pytest.mark.django_db


def test_staff_see_only_their_clinics_infants():
    mine, theirs = InfantFactory(), InfantFactory()
    nurse = staff(Role.NURSE, clinic=mine.clinic)
    assert list(infants_visible_to(nurse)) == [mine]
    assert theirs not in infants_visible_to(nurse)


def test_caregiver_sees_own_children_including_twins_only():
    twin_a, twin_b, stranger = InfantFactory(), InfantFactory(), InfantFactory()
    parent = caregiver_of(twin_a, twin_b)
    assert set(infants_visible_to(parent)) == {twin_a, twin_b}
    assert stranger not in infants_visible_to(parent)


def test_revoked_guardianship_hides_the_infant_at_once():
    infant = InfantFactory()
    link = GuardianshipFactory(infant=infant)
    assert list(infants_visible_to(link.caregiver)) == [infant]
    link.revoked_at = timezone.now()
    link.save()
    assert not infants_visible_to(link.caregiver).exists()


def test_inactive_user_sees_nothing():
    infant = InfantFactory()
    nurse = staff(Role.NURSE, clinic=infant.clinic)
    nurse.is_active = False
    nurse.save()
    assert not infants_visible_to(nurse).exists()

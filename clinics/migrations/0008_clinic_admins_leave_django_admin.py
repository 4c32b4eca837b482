"""Clinic admins no longer use the Django admin (superusers only): only superusers keep is_staff."""

from django.db import migrations


def clinic_admins_leave_django_admin(apps, schema_editor):
    User = apps.get_model("clinics", "User")
    User.objects.filter(is_staff=True, is_superuser=False).update(is_staff=False)


class Migration(migrations.Migration):
    dependencies = [("clinics", "0007_staff_invitation")]

    operations = [
        migrations.RunPython(clinic_admins_leave_django_admin, migrations.RunPython.noop),
    ]

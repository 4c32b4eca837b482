from django.apps import AppConfig


class ClinicsConfig(AppConfig):
    name = "clinics"
    verbose_name = "Clinics, staff and access"

    def ready(self):
        # django-axes reports a lockout only through its signal; the receiver writes the audit row.
        from axes.signals import user_locked_out

        from clinics.services import sign_in_lockout_record

        user_locked_out.connect(sign_in_lockout_record, dispatch_uid="clinics-lockout-audit")

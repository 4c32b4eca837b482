from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row, Submit
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils import timezone

from clinics.forms import NewAccountForm
from clinics.models import Clinic, Role, User
from patients.models import (
    DevelopmentStatus,
    FamilyHistory,
    Infant,
    MaternalDrug,
    MedicationDrug,
    MedicationResponse,
    Milestone,
    MilestoneStatus,
    NeuroExam,
    Relationship,
    SkinSign,
)
from patients.services import birth_datetime

INFANT_MODEL_FIELDS = [
    "mrn",
    "given_name",
    "family_name",
    "sex",
    "gestational_weeks",
    "gestational_days",
    "birth_weight_g",
    "maternal_diabetes",
    "feeding",
    "maternal_hyperparathyroidism",
    "maternal_vitamin_d_deficiency",
    "maternal_drug_details",
    "size_for_gestational_age",
    "head",
    "fontanelle",
]
# The list fields, edited as checkboxes.
INFANT_CHECKLISTS = {
    "maternal_drug_exposure": (MaternalDrug, "Maternal drug exposure in pregnancy"),
    "skin_signs": (SkinSign, "Skin signs"),
    "neuro_exam": (NeuroExam, "Neurological examination findings"),
    "family_history": (FamilyHistory, "Family history"),
}
# Rows for medications given: every recorded dose and this many empty rows for new ones.
EMPTY_MEDICATION_ROWS = 2


def _helper(submit_label: str, *layout) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    if layout:
        helper.layout = Layout(*layout)
    helper.add_input(Submit("submit", submit_label))
    return helper


class ServiceErrorsMixin(forms.BaseForm):
    """Puts a service's ValidationError on the form, under the form field it concerns."""

    service_field_names: dict[str, str] = {}

    def add_service_errors(self, error: ValidationError) -> None:
        for name, messages in error.message_dict.items():
            field = self.service_field_names.get(name, name)
            self.add_error(field if field in self.fields else None, messages)


class InfantSearchForm(forms.Form):
    search = forms.CharField(
        required=False,
        label="Search",
        widget=forms.TextInput(attrs={"placeholder": "Name, MRN or date of birth (YYYY-MM-DD)"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_class = "d-flex gap-2 mb-3"
        self.helper.form_show_labels = False
        self.helper.layout = Layout("search", Submit("", "Search", css_class="btn-secondary"))


class InfantForm(ServiceErrorsMixin, forms.Form):
    """Registration and edits. Birth date and clock time are entered in the clinic's time zone."""

    service_field_names = {"born_at": "born_date", "born_on": "born_date"}

    born_date = forms.DateField(
        label="Date of birth", widget=forms.DateInput(attrs={"type": "date"})
    )
    born_time = forms.TimeField(
        label="Time of birth", widget=forms.TimeInput(attrs={"type": "time"})
    )
    assigned_clinician = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        empty_label="Unassigned",
        help_text="The pediatrician who follows this infant (the dashboard filters on it).",
    )

    def __init__(self, *args, clinic: Clinic, infant: Infant | None = None, **kwargs):
        self.clinic = clinic
        self.zone = ZoneInfo(clinic.time_zone)
        doses = list(infant.medications) if infant is not None else []
        self.medication_rows = len(doses) + EMPTY_MEDICATION_ROWS
        if infant is not None:
            local_birth = infant.born_at.astimezone(self.zone)
            kwargs["initial"] = {
                **{name: getattr(infant, name) for name in INFANT_MODEL_FIELDS},
                **{name: list(getattr(infant, name)) for name in INFANT_CHECKLISTS},
                "assigned_clinician": infant.assigned_clinician_id,
                "born_date": local_birth.date(),
                "born_time": local_birth.time().replace(second=0, microsecond=0),
            }
            for row, dose in enumerate(doses):
                given = datetime.fromisoformat(dose["given_at"]).astimezone(self.zone)
                kwargs["initial"].update(
                    {
                        f"medication_{row}_drug": dose["drug"],
                        f"medication_{row}_given_at": given.strftime("%Y-%m-%dT%H:%M"),
                        f"medication_{row}_response": dose["response"],
                    }
                )
        super().__init__(*args, **kwargs)
        self.fields.update(forms.fields_for_model(Infant, fields=INFANT_MODEL_FIELDS))
        for name, (vocabulary, label) in INFANT_CHECKLISTS.items():
            self.fields[name] = forms.MultipleChoiceField(
                label=label,
                choices=vocabulary.choices,
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )
        self.fields["neuro_exam"].help_text = "Leave all unticked when not examined."
        medication_layout = []
        for row in range(self.medication_rows):
            self.fields[f"medication_{row}_drug"] = forms.ChoiceField(
                label="Drug", choices=[("", "-"), *MedicationDrug.choices], required=False
            )
            self.fields[f"medication_{row}_given_at"] = forms.DateTimeField(
                label="Given at",
                required=False,
                widget=forms.DateTimeInput(
                    attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
                ),
                input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
                help_text=f"Clinic time ({clinic.time_zone}).",
            )
            self.fields[f"medication_{row}_response"] = forms.ChoiceField(
                label="What the movements did",
                choices=MedicationResponse.choices,
                initial=MedicationResponse.UNKNOWN,
                required=False,
            )
            medication_layout.append(
                Row(
                    Column(f"medication_{row}_drug"),
                    Column(f"medication_{row}_given_at"),
                    Column(f"medication_{row}_response"),
                )
            )
        self.fields["born_time"].help_text = f"Clinic time ({clinic.time_zone})."
        # Only this clinic's clinicians can follow its infants.
        assigned = self.fields["assigned_clinician"]
        assert isinstance(assigned, forms.ModelChoiceField)
        assigned.queryset = (
            User.objects.filter(
                memberships__clinic=clinic,
                memberships__is_active=True,
                memberships__role__in=[Role.PEDIATRICIAN, Role.CLINIC_ADMIN],
            )
            .distinct()
            .order_by("full_name", "email")
        )
        self.helper = _helper(
            "Save",
            Fieldset(
                "Identity",
                Row(Column("mrn"), Column("given_name"), Column("family_name"), Column("sex")),
            ),
            Fieldset(
                "Birth",
                Row(Column("born_date"), Column("born_time")),
                Row(
                    Column("gestational_weeks"),
                    Column("gestational_days"),
                    Column("birth_weight_g"),
                ),
            ),
            Fieldset(
                "Risk context",
                Row(
                    Column("maternal_diabetes"),
                    Column("feeding"),
                    Column("size_for_gestational_age"),
                ),
                "maternal_hyperparathyroidism",
                "maternal_vitamin_d_deficiency",
                "maternal_drug_exposure",
                "maternal_drug_details",
                "family_history",
            ),
            Fieldset(
                "Examination",
                "neuro_exam",
                Row(Column("head"), Column("fontanelle")),
                "skin_signs",
            ),
            Fieldset("Medications given, and what the movements did", *medication_layout),
            Fieldset("Care team", "assigned_clinician"),
        )

    def clean(self):
        cleaned = super().clean()
        for row in range(self.medication_rows):
            drug = cleaned.get(f"medication_{row}_drug")
            if drug and not cleaned.get(f"medication_{row}_given_at"):
                self.add_error(f"medication_{row}_given_at", "When was it given?")
        return cleaned

    def _medications(self) -> list[dict]:
        doses = []
        for row in range(self.medication_rows):
            drug = self.cleaned_data.get(f"medication_{row}_drug")
            if not drug:
                continue
            wall_time = timezone.make_naive(self.cleaned_data[f"medication_{row}_given_at"])
            doses.append(
                {
                    "drug": drug,
                    "given_at": timezone.make_aware(wall_time, self.zone).isoformat(),
                    "response": self.cleaned_data[f"medication_{row}_response"]
                    or MedicationResponse.UNKNOWN.value,
                }
            )
        return doses

    def service_fields(self) -> dict:
        data = {name: self.cleaned_data[name] for name in INFANT_MODEL_FIELDS}
        data.update({name: list(self.cleaned_data[name]) for name in INFANT_CHECKLISTS})
        data["medications"] = self._medications()
        data["assigned_clinician"] = self.cleaned_data["assigned_clinician"]
        data["born_at"] = birth_datetime(
            self.clinic, self.cleaned_data["born_date"], self.cleaned_data["born_time"]
        )
        return data


PHONE_FIELD: dict[str, Any] = {
    "max_length": 40,
    "validators": [
        RegexValidator(r"^\+?[0-9 ()-]{6,39}$", "Digits, spaces, brackets and dashes only.")
    ],
    "widget": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
}


class InvitationForm(ServiceErrorsMixin, forms.Form):
    email = forms.EmailField(label="Caregiver's email")
    phone = forms.CharField(
        label="Caregiver's phone", help_text="The number the nurses will call.", **PHONE_FIELD
    )
    relationship = forms.ChoiceField(choices=Relationship.choices)
    language = forms.ChoiceField(
        label="Caregiver's language",
        choices=[("", "Not known: their browser's language"), *settings.LANGUAGES],
        required=False,
        help_text="The invitation, the portal, emails and text messages use it; they can "
        "change it in the portal.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("Send invitation")


class CaregiverPhoneForm(ServiceErrorsMixin, forms.Form):
    phone = forms.CharField(label="Phone", required=False, **PHONE_FIELD)


class MilestoneEntryForm(ServiceErrorsMixin, forms.Form):
    milestone = forms.ChoiceField(choices=Milestone.choices)
    status = forms.ChoiceField(choices=MilestoneStatus.choices)
    observed_on = forms.DateField(
        label="Date observed", widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            "Record", Row(Column("milestone"), Column("status"), Column("observed_on")), "note"
        )


class DevelopmentOverrideForm(ServiceErrorsMixin, forms.Form):
    service_field_names = {"development_override_reason": "reason"}

    status = forms.ChoiceField(
        choices=[("", "Decided by the milestone log"), *DevelopmentStatus.choices],
        required=False,
        label="Development status",
    )
    reason = forms.CharField(max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("Set status", Row(Column("status"), Column("reason")))


class AcceptInvitationForm(NewAccountForm):
    """A first-time caregiver chooses a password."""

from zoneinfo import ZoneInfo

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator

from clinics.forms import NewAccountForm
from clinics.models import Clinic, Role, User
from patients.models import (
    DevelopmentStatus,
    FamilyHistory,
    Infant,
    Milestone,
    MilestoneStatus,
    Relationship,
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
    "maternal_drug_exposure",
    "maternal_drug_details",
    "neuro_exam",
]


def _helper(submit_label: str, *layout) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    if layout:
        helper.layout = Layout(*layout)
    helper.add_input(Submit("submit", submit_label))
    return helper


class ServiceErrorsMixin:
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
    family_history = forms.MultipleChoiceField(
        choices=FamilyHistory.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    assigned_clinician = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        empty_label="Unassigned",
        help_text="The pediatrician who follows this infant (the dashboard filters on it).",
    )

    def __init__(self, *args, clinic: Clinic, infant: Infant | None = None, **kwargs):
        self.clinic = clinic
        if infant is not None:
            local_birth = infant.born_at.astimezone(ZoneInfo(clinic.time_zone))
            kwargs["initial"] = {
                **{name: getattr(infant, name) for name in INFANT_MODEL_FIELDS},
                "family_history": infant.family_history,
                "assigned_clinician": infant.assigned_clinician_id,
                "born_date": local_birth.date(),
                "born_time": local_birth.time().replace(second=0, microsecond=0),
            }
        super().__init__(*args, **kwargs)
        self.fields.update(forms.fields_for_model(Infant, fields=INFANT_MODEL_FIELDS))
        self.fields["born_time"].help_text = f"Clinic time ({clinic.time_zone})."
        # Only this clinic's clinicians can follow its infants.
        self.fields["assigned_clinician"].queryset = (
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
                Row(Column("maternal_diabetes"), Column("feeding")),
                "maternal_hyperparathyroidism",
                "maternal_vitamin_d_deficiency",
                "maternal_drug_exposure",
                "maternal_drug_details",
                "family_history",
                "neuro_exam",
            ),
            Fieldset("Care team", "assigned_clinician"),
        )

    def service_fields(self) -> dict:
        data = {name: self.cleaned_data[name] for name in INFANT_MODEL_FIELDS}
        data["family_history"] = list(self.cleaned_data["family_history"])
        data["assigned_clinician"] = self.cleaned_data["assigned_clinician"]
        data["born_at"] = birth_datetime(
            self.clinic, self.cleaned_data["born_date"], self.cleaned_data["born_time"]
        )
        return data


PHONE_FIELD = {
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

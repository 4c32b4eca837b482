from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms

from episodes.models import MovementType
from patients.models import Infant
from workups.models import (
    NORMAL_OR_ABNORMAL_STUDIES,
    ORDER_TRANSITIONS,
    FollowUpKind,
    FollowUpOutcome,
    FollowUpStatus,
    OrderedTest,
    OrderStatus,
    Priority,
    ReferralUrgency,
    StudyInterpretation,
)

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def helper(submit_label: str | None, *, method: str = "post", inline: bool = False) -> FormHelper:
    form_helper = FormHelper()
    form_helper.form_tag = False
    form_helper.form_method = method
    if inline:
        form_helper.form_class = "row row-cols-lg-auto g-2 align-items-end"
    if submit_label:
        form_helper.add_input(Submit("submit", submit_label))
    return form_helper


class OrderForm(forms.Form):
    test = forms.ChoiceField(choices=OrderedTest.choices)
    priority = forms.ChoiceField(choices=Priority.choices, initial=Priority.ROUTINE)
    reason_text = forms.CharField(label="Reason", max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper("Order the test")


class OrderTransitionForm(forms.Form):
    to_status = forms.ChoiceField(label="Move to")
    reason = forms.CharField(max_length=300, required=False, help_text="Required when cancelling.")

    def __init__(self, *args, order=None, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = ORDER_TRANSITIONS[order.status] - {OrderStatus.RESULTED} if order else set()
        self.fields["to_status"].choices = [c for c in OrderStatus.choices if c[0] in allowed]
        self.helper = helper("Update the order")


class ResultForm(forms.Form):
    collected_at = forms.DateTimeField(
        label="Collected or performed at", widget=DATETIME_INPUT, required=False,
        help_text="Leave empty for now.",
    )  # fmt: skip
    value = forms.FloatField(required=False)
    unit = forms.CharField(max_length=16, required=False)
    study_interpretation = forms.ChoiceField(
        choices=[("", "-"), *StudyInterpretation.choices], required=False
    )
    captured_typical_event = forms.NullBooleanField(label="Typical event captured", required=False)
    captured_event_types = forms.MultipleChoiceField(
        label="Movement types seen during the recording",
        choices=MovementType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    report_text = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, order=None, **kwargs):
        super().__init__(*args, **kwargs)
        if order is not None and order.is_study:
            del self.fields["value"], self.fields["unit"]
            if order.engine_code in NORMAL_OR_ABNORMAL_STUDIES:
                del self.fields["captured_typical_event"], self.fields["captured_event_types"]
        else:
            del self.fields["study_interpretation"], self.fields["captured_typical_event"]
            del self.fields["captured_event_types"]
            if order is not None and order.spec.units:
                self.fields["unit"] = forms.ChoiceField(
                    choices=[(unit, unit) for unit in order.spec.units], required=False
                )
        self.helper = helper("Record the result")


class ReferralForm(forms.Form):
    urgency = forms.ChoiceField(
        choices=[("", "From the latest triage"), *ReferralUrgency.choices], required=False
    )
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper("Refer to neurology")


class SlotForm(forms.Form):
    neurologist_name = forms.CharField(max_length=200)
    location = forms.CharField(max_length=200)
    starts_at = forms.DateTimeField(widget=DATETIME_INPUT, help_text="Clinic time.")
    length_minutes = forms.IntegerField(min_value=5, max_value=480, initial=30)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper("Add the slot")


class WorklistFilterForm(forms.Form):
    kind = forms.ChoiceField(choices=[("", "All kinds"), *FollowUpKind.choices], required=False)
    status = forms.ChoiceField(
        choices=[("", "All"), *FollowUpStatus.choices], required=False, initial="open"
    )
    assignee = forms.ChoiceField(required=False)

    def __init__(self, *args, assignees=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [("", "Anyone"), ("me", "Me")] + [
            (str(user.uuid), str(user)) for user in assignees
        ]
        self.helper = helper("Filter", method="get", inline=True)


class FollowUpCompleteForm(forms.Form):
    outcome_note = forms.CharField(max_length=2000)


class FollowUpCallForm(forms.Form):
    outcome = forms.ChoiceField(choices=FollowUpOutcome.choices)
    note = forms.CharField(max_length=500, required=False)


class FollowUpAddForm(forms.Form):
    kind = forms.ChoiceField(choices=FollowUpKind.choices)
    priority = forms.ChoiceField(choices=Priority.choices, initial=Priority.ROUTINE, required=False)
    description = forms.CharField(max_length=300, label="What to do")
    due_at = forms.DateTimeField(widget=DATETIME_INPUT, label="Due", help_text="Clinic time.")
    assignee = forms.ChoiceField(required=False, label="Assign to")

    def __init__(self, *args, assignees=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [("", "Unassigned")] + [
            (str(person.uuid), str(person)) for person in assignees
        ]
        self.helper = helper("Add the follow-up")


class FollowUpReassignForm(forms.Form):
    assignee = forms.UUIDField(required=False)


class InfantPickForm(forms.Form):
    """Choose the infant to order tests for or to refer."""

    infant: "forms.ModelChoiceField[Infant]" = forms.ModelChoiceField(
        queryset=None, to_field_name="uuid", empty_label="Infant..."
    )
    then = forms.ChoiceField(
        choices=[("order", "Order tests"), ("refer", "Refer to neurology")], label="To"
    )

    def __init__(self, *args, infants=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["infant"].queryset = infants
        self.helper = helper("Go", method="get", inline=True)

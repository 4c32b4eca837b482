from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Layout, Submit
from django import forms

from assessments.models import Cause, ReviewDecision, Triage


class AssessmentReviewForm(forms.Form):
    decision = forms.ChoiceField(
        choices=ReviewDecision.choices, widget=forms.RadioSelect, initial=ReviewDecision.AGREE
    )
    triage = forms.ChoiceField(
        label="Triage (if overriding)",
        choices=[("", "Keep the engine's triage"), *Triage.choices],
        required=False,
    )
    leading_cause = forms.ChoiceField(
        label="Leading cause (if overriding)",
        choices=[("", "Keep the engine's leading cause"), *Cause.choices],
        required=False,
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Required when overriding: what the engine could not know.",
    )
    family_note = forms.CharField(
        label="Note for the family (optional)",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=1000,
        help_text="Shown in the family's portal, in plain words.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field("decision"),
            Field("triage"),
            Field("leading_cause"),
            Field("reason"),
            Field("family_note"),
        )
        self.helper.add_input(Submit("submit", "Record review"))

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Field, Layout, Row, Submit
from django import forms

from assessments.models import Cause, Triage
from workups.models import ReferralStatus


class DashboardFilterForm(forms.Form):
    search = forms.CharField(
        required=False, label="Search", widget=forms.TextInput(attrs={"placeholder": "Name or MRN"})
    )
    triage = forms.ChoiceField(required=False, choices=[("", "Any triage"), *Triage.choices])
    cause = forms.ChoiceField(required=False, choices=[("", "Any cause"), *Cause.choices])
    assigned = forms.ChoiceField(
        required=False,
        label="Clinician",
        choices=[("", "Anyone"), ("me", "Assigned to me"), ("unassigned", "Unassigned")],
    )
    alerts_only = forms.BooleanField(required=False, label="Unanswered alerts only")
    pending_results = forms.BooleanField(required=False, label="Results pending")
    referral = forms.ChoiceField(
        required=False,
        label="Referral",
        choices=[("", "Any referral state"), ("none", "No referral"), *ReferralStatus.choices],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_id = "dashboard-filters"
        self.helper.attrs = {
            "hx-get": "",
            "hx-target": "#dashboard-results",
            "hx-trigger": "change, submit, keyup changed delay:400ms from:#id_search",
            "hx-push-url": "true",
            "role": "search",
        }
        self.helper.layout = Layout(
            Row(
                Column(Field("search"), css_class="col-md-3"),
                Column(Field("triage"), css_class="col-md-2"),
                Column(Field("cause"), css_class="col-md-3"),
                Column(Field("assigned"), css_class="col-md-2"),
                Column(Field("referral"), css_class="col-md-2"),
            ),
            Row(
                Column(Field("alerts_only"), css_class="col-auto"),
                Column(Field("pending_results"), css_class="col-auto"),
            ),
            Submit("apply", "Filter", css_class="btn-sm"),
        )

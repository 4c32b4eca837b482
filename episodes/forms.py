from typing import TYPE_CHECKING

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout, Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from episodes.models import (
    TEMPERATURE_MAX_C,
    TEMPERATURE_MIN_C,
    AfterEvent,
    Associated,
    Autonomic,
    Consciousness,
    Distribution,
    EyeSigns,
    MovementType,
    Oscillation,
    RestraintResponse,
    State,
    Symmetry,
    Trigger,
    WakingResponse,
    YesNoUnknown,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

NOT_SURE = ("", _("Not sure / did not see"))


def _question(
    vocabulary, label: "StrOrPromise", help_text: "StrOrPromise" = ""
) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        help_text=help_text,
        choices=[*vocabulary.choices, NOT_SURE],
        required=False,
        initial="",
        widget=forms.RadioSelect,
    )


def _checklist(
    vocabulary, label: "StrOrPromise", help_text: "StrOrPromise" = ""
) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        help_text=help_text,
        choices=vocabulary.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


def _count(
    label: "StrOrPromise", maximum: int, help_text: "StrOrPromise" = ""
) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        help_text=help_text,
        min_value=0,
        max_value=maximum,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class EpisodeLogForm(forms.Form):
    """The parent's guided questions. Every question may be left as "Not sure": an unknown
    answer is kept as unknown."""

    started_at = forms.DateTimeField(
        label=_("When did it start?"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    duration_s = _count(
        _("About how many seconds did it last?"),
        24 * 60 * 60,
        _("A rough guess is fine. One minute is 60 seconds."),
    )
    state = _question(State, _("What was your baby doing when it started?"))
    trigger = _question(
        Trigger,
        _("Did something seem to set it off?"),
        _("Shaking set off by crying, handling, cold or a sudden noise is common in young babies."),
    )
    movement_type = _question(MovementType, _("What did the movement look like?"))
    distribution = _question(Distribution, _("Which parts of the body moved?"))
    symmetry = _question(Symmetry, _("Was it the same on both sides?"))
    stops_with_gentle_restraint = _question(
        RestraintResponse,
        _("Hold the leg gently. Did the shaking stop?"),
        _(
            "Rest your hand softly on the shaking leg or bend it gently. Normal jitteriness "
            "usually stops when the limb is held; shaking that carries on under your hand is "
            "important to tell us about."
        ),
    )
    stops_on_waking = _question(
        WakingResponse,
        _("If your baby was asleep: did it stop when your baby woke up?"),
        _("Jerks that happen only in sleep and stop when the baby wakes are usually harmless."),
    )
    stimulus_sensitive = _question(
        YesNoUnknown, _("Does touching or a noise make it start or get stronger?")
    )
    clusters = _question(
        YesNoUnknown,
        _("Did the movements come in a series, one after another?"),
        _("For example several sudden bends or crunches in a row, often just after waking."),
    )
    episodes_per_day = _count(_("About how many times a day does this happen?"), 1000)
    eye_signs = _question(EyeSigns, _("What did the eyes do?"))
    autonomic = _checklist(
        Autonomic,
        _("During the shaking, did any of these happen?"),
        _("If your baby stopped breathing or turned blue, call emergency services now."),
    )
    consciousness = _question(Consciousness, _("Was your baby responding to you during it?"))
    after_event = _question(AfterEvent, _("How was your baby just afterwards?"))
    associated = _checklist(Associated, _("Have you noticed any of these lately?"))
    temperature_c = forms.DecimalField(
        label=_("Your baby's temperature, if you measured it (°C)"),
        help_text=_("Leave it empty if you did not measure it."),
        max_digits=3,
        decimal_places=1,
        min_value=TEMPERATURE_MIN_C,
        max_value=TEMPERATURE_MAX_C,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.1"}),
    )
    notes = forms.CharField(
        label=_("Anything else you want to tell us?"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["started_at"].initial = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(_("When"), "started_at", "duration_s"),
            Fieldset(
                _("What you saw"), "state", "trigger", "movement_type", "distribution", "symmetry"
            ),
            Fieldset(
                _("What you tried"),
                "stops_with_gentle_restraint",
                "stops_on_waking",
                "stimulus_sensitive",
                "clusters",
                "episodes_per_day",
            ),
            Fieldset(
                _("Eyes, breathing and alertness"),
                "eye_signs",
                "autonomic",
                "consciousness",
                "after_event",
                "associated",
                "temperature_c",
            ),
            "notes",
        )
        self.helper.add_input(Submit("submit", _("Save this episode"), css_class="w-100 btn-lg"))


class EpisodeReviewForm(forms.Form):
    """What the clinician reads from the video; the caregiver's answers are not edited here."""

    oscillation = forms.ChoiceField(
        choices=[("", "Not assessed"), *Oscillation.choices], required=False
    )
    rate_hz_est = forms.DecimalField(
        label="Estimated rate (Hz)",
        max_digits=4,
        decimal_places=1,
        min_value=0,
        max_value=30,
        required=False,
    )
    clinician_notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.add_input(Submit("submit", "Save review"))

"""The engine's advice lines and questions in the reader's language, by their stable code.

Ruleset 2.0.0 gives every advice line and every missing-information question a `code` (with its
English text). The web app never stores or translates prose: it looks the code up here (msgids are
the engine's English, so translators see exactly what the engine says; locale/ holds the rest),
and a code this catalogue does not know yet falls back to the engine's English text.
tests/assessments/test_advice_text.py keeps this catalogue equal to the ruleset's codes and texts.
"""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ADVICE_TEXT: dict[str, Promise] = {
    "emergency.headline": _("Call the emergency phone number now."),
    "same_day.headline": _("See a doctor today."),
    "routine.headline": _("Book a visit with your baby's doctor."),
    "reassure.headline": _("This looks like the shaking many healthy babies have."),
    "emergency.step.call": _("Call the emergency phone number now."),
    "emergency.step.side": _("Lay your baby on their side."),
    "emergency.step.mouth": _("Put nothing in the mouth."),
    "emergency.step.time": _("Note the time the shaking started."),
    "emergency.step.film": _("Film it only if someone else is making the call."),
    "step.flexion": _(
        "If your baby goes stiff and stops breathing, bend the head and legs in toward the chest."
    ),
    "same_day.step.call_clinic": _("Call the clinic or your baby's doctor now."),
    "same_day.step.bring_log": _("Bring your log and any videos."),
    "same_day.step.feed": _("Keep feeding your baby as usual."),
    "routine.step.log": _("Keep writing down each episode."),
    "routine.step.video": _("Film the next episode if you can."),
    "reassure.step.common": _("This kind of shaking is common in young babies."),
    "reassure.step.why": _("It is usually harmless, because the brain is still growing."),
    "reassure.step.fades": _("It often fades as your baby grows."),
    "reassure.step.video": _("Film one episode and keep the log for the next check-up."),
    "warning.not_stopped_by_holding": _(
        "See a doctor today if the shaking does not stop when you hold the leg."
    ),
    "warning.sleepy_after": _("See a doctor today if your baby is very sleepy or floppy after it."),
    "warning.feeding": _("See a doctor today if your baby feeds poorly."),
    "warning.fever": _("See a doctor today if your baby has a fever or feels cold."),
    "warning.series": _("See a doctor today if the jerks come in a series, mostly on waking."),
    "warning.skills": _("See a doctor today if your baby stops smiling or loses a skill."),
    "warning.one_side": _("See a doctor today if one side shakes more than the other."),
    "signs.intro": _("Call the emergency phone number now if your baby:"),
    "sign.stops_breathing": _("Stops breathing"),
    "sign.blue_or_grey": _("Turns blue or grey"),
    "sign.eyes": _("Has eyes that are fixed or rolling"),
    "sign.cannot_wake": _("Cannot be woken"),
    "sign.long_fit": _("Has a fit that lasts over 5 minutes"),
    "next.emergency": _("The emergency team will check your baby. Show them your log and videos."),
    "next.same_day": _(
        "The clinic will call you today. If no one calls within 2 hours, call the clinic."
    ),
    "next.routine": _("The clinic will call you within 2 working days to book a visit."),
    "next.reassure": _("Your baby's doctor will look at the log at the next check-up."),
}

QUESTION_TEXT: dict[str, Promise] = {
    "describe_episode": _(
        "Describe at least one episode: what the legs did, what the baby was doing, and "
        "what happened just before."
    ),
    "age": _("How old is the baby (date of birth, or age in days)?"),
    "state": _("Was the baby awake, feeding, falling asleep or asleep when the shaking happened?"),
    "hold_leg": _("Hold the leg gently during the next episode: does the shaking stop?"),
    "woken_during_episode": _("Was the baby woken during an episode? Did the movements stop?"),
    "video": _(
        "Record a video of the next episode, from the start, with the whole body and face in view."
    ),
    "movement": _(
        "What did the movement look like: fine trembling, big rhythmic jerks, stiffening, "
        "a startle, or a sudden bending of the body?"
    ),
    "trigger": _(
        "What happened just before: a noise, handling, hunger, cold, waking, or nothing at all?"
    ),
    "side": _("Were both sides shaking the same, or only one arm or leg?"),
    "eyes": _(
        "What were the eyes doing during the episode: normal, staring, turned to one side "
        "or rolling up?"
    ),
    "breathing_colour": _(
        "During the episode, did the baby stop breathing, change colour (blue, grey or "
        "pale) or drool?"
    ),
    "responsiveness": _("Did the baby respond to you normally during the episode?"),
    "after_episode": _(
        "How was the baby just after the episode: back to normal, crying then settling, "
        "unusually sleepy or floppy?"
    ),
    "feeding_fever": _(
        "Is the baby feeding well? Any fever, unusual sleepiness, floppiness or stiffness?"
    ),
    "clusters": _(
        "Did the movements come in a series, one after another (for example just after waking)?"
    ),
    "temperature": _("What was the baby's temperature during or after the episode?"),
    "measure_glucose": _(
        "Clinician: measure blood glucose now (bedside, then a laboratory plasma glucose)."
    ),
    "measure_calcium": _("Clinician: measure total and ionized calcium and magnesium."),
    "measure_sodium": _(
        "Clinician: measure sodium (high-sodium dehydration is an emergency to exclude)."
    ),
    "measure_bilirubin": _(
        "Clinician: measure bilirubin (acute bilirubin encephalopathy is an emergency to exclude)."
    ),
    "maternal_diabetes": _(
        "Did the mother have diabetes in pregnancy (including gestational diabetes)?"
    ),
    "maternal_drugs": _(
        "Did the mother take any medicines or drugs in pregnancy (for example methadone, "
        "opioids, sleeping pills or antidepressants)?"
    ),
    "gestation": _("At how many weeks of pregnancy was the baby born?"),
    "birth_weight": _("What did the baby weigh at birth?"),
    "size_for_gestational_age": _(
        "Was the baby small or large for the weeks of pregnancy at birth?"
    ),
    "feeding": _(
        "How is the baby fed: breast milk, formula, both, with solids, or another kind of milk?"
    ),
    "development": _(
        "Is the baby's development on track (smiling, looking at faces, new skills)? Any "
        "skills lost?"
    ),
    "neuro_exam": _(
        "Clinician: examine the baby's muscle tone, reflexes and both sides of the body."
    ),
    "fontanelle": _("Clinician: feel the fontanelle (soft spot): is it bulging?"),
    "skin_signs": _(
        "Clinician: look for pale patches of skin (with a Wood's lamp) and other skin "
        "signs of tuberous sclerosis."
    ),
}


def advice_text(line: dict) -> str:
    """One advice line of a result ({"code", "text"}) in the active language."""
    known = ADVICE_TEXT.get(line.get("code", ""))
    return str(known) if known is not None else line.get("text", "")


def question_text(question: dict | str) -> str:
    """One missing-information question ({"code", "text"}; ruleset 1.0.0 stored plain English
    strings, shown as they are) in the active language."""
    if isinstance(question, str):
        return question
    known = QUESTION_TEXT.get(question.get("code", ""))
    return str(known) if known is not None else question.get("text", "")

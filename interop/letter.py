"""The referral letter: the case summary as a PDF for the receiving neurologist (fpdf2, pure
Python). The letter embeds DejaVu Sans, shipped in static/fonts/ (a font file on the machine may
not exist), so every name prints as written: Cyrillic, Vietnamese, Greek, Latin with any
diacritic."""

from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from fpdf import FPDF

from assessments.explanations import assessment_explanation
from assessments.models import Assessment
from assessments.templatetags.standing import triage_label
from episodes.models import Episode
from patients.models import Guardianship, Infant
from workups.models import Referral, Result, TestOrder

RECENT_EPISODES = 10


FONT = "DejaVu"
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf", "I": "DejaVuSans-Oblique.ttf"}


class _Letter(FPDF):
    def __init__(self, title: str):
        super().__init__(format="A4")
        fonts = Path(settings.BASE_DIR) / "static" / "fonts"
        for style, name in FONT_FILES.items():
            self.add_font(FONT, style, str(fonts / name))
        self.title_text = title
        self.set_title(title)
        self.set_auto_page_break(auto=True, margin=15)
        self.set_margins(18, 16, 18)
        self.add_page()

    def footer(self):
        self.set_y(-12)
        self.set_font(FONT, "I", 8)
        self.cell(0, 6, f"{self.title_text} - page {self.page_no()}", align="C")

    def heading(self, text: str) -> None:
        self.ln(2)
        self.set_font(FONT, "B", 12)
        self.cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
        self.set_font(FONT, "", 10)

    def line_text(self, text: str, bold: bool = False) -> None:
        self.set_font(FONT, "B" if bold else "", 10)
        self.multi_cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")

    def bullets(self, items: list[str], empty: str = "None recorded.") -> None:
        if not items:
            self.line_text(empty)
        for item in items:
            self.line_text(f"- {item}")


def _local(value) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}" if value else "-"


def _episode_line(episode: Episode) -> str:
    parts = [
        episode.get_movement_type_display(),
        episode.get_distribution_display(),
        episode.get_state_display(),
        f"{episode.duration_s} s" if episode.duration_s is not None else "",
        f"stops with restraint: {episode.get_stops_with_gentle_restraint_display()}"
        if episode.stops_with_gentle_restraint
        else "",
        f"eyes: {episode.get_eye_signs_display()}" if episode.eye_signs else "",
    ]
    return f"{_local(episode.started_at)}: " + "; ".join(p for p in parts if p)


def referral_letter_pdf(*, infant: Infant, author) -> bytes:
    """The letter's bytes. The caller looked the infant up through infants_visible_to."""
    clinic = infant.clinic
    pdf = _Letter(f"Referral to paediatric neurology: {infant.full_name}")
    pdf.set_font(FONT, "B", 15)
    pdf.multi_cell(0, 8, pdf.title_text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 10)
    pdf.line_text(f"From {clinic.name}{f', tel. {clinic.phone}' if clinic.phone else ''}")
    pdf.line_text(f"Prepared by {author} on {_local(timezone.now())}")

    pdf.heading("Infant")
    pdf.line_text(
        f"Name: {infant.full_name}    MRN: {infant.mrn}    Sex: {infant.get_sex_display()}"
    )
    pdf.line_text(
        f"Born: {_local(infant.born_at)} (age {infant.age_display}"
        + (f", corrected {infant.corrected_age_display}" if infant.corrected_age_days else "")
        + ")"
    )
    pdf.line_text(
        f"Gestation at birth: {infant.gestational_weeks}+{infant.gestational_days} weeks; "
        f"birth weight: {infant.birth_weight_g} g; "
        f"neurological examination: {infant.neuro_exam_display}"
    )
    caregivers = [
        f"{g.caregiver.get_full_name()} ({g.get_relationship_display()}), "
        f"{g.caregiver.phone or g.caregiver.email}"
        for g in Guardianship.objects.active().filter(infant=infant).select_related("caregiver")
    ]
    if caregivers:
        pdf.line_text("Caregivers: " + "; ".join(caregivers))

    pdf.heading("Risk factors")
    pdf.bullets(infant.risk_factors)

    episodes = list(Episode.objects.for_infant(infant).recent())
    recent = [e for e in episodes if e.started_at >= timezone.now() - timedelta(days=14)]
    pdf.heading("Episodes")
    pdf.line_text(
        f"{len(episodes)} episode(s) logged, {len(recent)} in the last 14 days; "
        f"{sum(1 for e in episodes if e.video_available)} with video."
    )
    pdf.bullets([_episode_line(e) for e in episodes[:RECENT_EPISODES]])

    assessment = Assessment.objects.for_infant(infant).latest_first().first()
    pdf.heading("Latest assessment")
    if assessment is None:
        pdf.line_text("Not assessed yet.")
    else:
        pdf.line_text(
            f"Triage: {assessment.get_triage_display()} ({_local(assessment.created_at)}, "
            f"ruleset {assessment.ruleset_version})",
            bold=True,
        )
        if infant.current_triage and infant.current_triage != assessment.triage:
            pdf.line_text(f"Current standing (after review): {triage_label(infant.current_triage)}")
        explanation = assessment_explanation(assessment)
        pdf.line_text("Why this triage:")
        pdf.bullets(explanation.rule_lines, empty="No rule fired.")
        if explanation.red_flags_split_by_time:
            pdf.line_text("Red flags now:")
            pdf.bullets([f.plain_text for f in explanation.red_flags_current], empty="None now.")
            pdf.line_text("Past red flags (history):")
            pdf.bullets([f.plain_text for f in explanation.red_flags_history], empty="None.")
        else:
            pdf.line_text("Red flags (not separated by time in this ruleset):")
            pdf.bullets([f.plain_text for f in explanation.red_flags_current], empty="None.")
        pdf.line_text("Causes, with how well the case supports them (not probabilities):")
        pdf.bullets([f"{row.label}: {row.support_label.lower()}" for row in explanation.leading])
        pdf.line_text("Still to find out:")
        pdf.bullets([q.text for q in explanation.missing_information], empty="Nothing.")

    pdf.heading("Results")
    results = Result.objects.filter(infant=infant).select_related("order").order_by("collected_at")
    pdf.bullets(
        [
            f"{_local(r.collected_at)} {r.order.get_test_display()}: {r.display_value}"
            + (f" [{r.get_flag_display().upper()}]" if r.flag else "")
            + (f" - {r.report_text}" if r.report_text else "")
            for r in results
        ]
    )

    pdf.heading("Orders")
    pdf.bullets(
        [
            f"{o.get_test_display()} ({o.get_priority_display()}): {o.get_status_display()}, "
            f"ordered {_local(o.created_at)}"
            for o in TestOrder.objects.filter(infant=infant).order_by("created_at")
        ]
    )

    pdf.heading("Referral")
    referrals = Referral.objects.filter(infant=infant).prefetch_related("appointments__slot")
    lines = []
    for referral in referrals:
        line = (
            f"{referral.get_urgency_display()}, {referral.get_status_display()}, due by "
            f"{_local(referral.deadline)}: {referral.reason}"
        )
        for appointment in referral.appointments.all():
            line += f" Appointment: {appointment.slot} ({appointment.get_status_display()})."
        lines.append(line)
    pdf.bullets(lines, empty="No referral recorded.")
    return bytes(pdf.output())

"""What people are shown of a stored assessment: one presenter for the pages, the API and FHIR.

It reads a stored result of either ruleset. Ruleset 2.0.0 results carry `support` words, the
episodes each criterion came from (indices into the case's episodes, mapped back to the stored
episodes through the ids the case builder put in the case), current and history red flags and
coded questions. Ruleset 1.0.0 results carry plain strings and a score; their support word is
derived from the score, and their red flags, which 1.0.0 does not split by time, are shown under
a heading that says so. A score is never shown: it orders causes, it is not a probability.
"""

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from django.urls import reverse

from assessments.cases import case_episode_uuids
from assessments.engine import vocabulary
from assessments.models import Assessment, Cause, Triage
from episodes.models import Episode

SUPPORT_LABELS = {
    "strong": "Strong support",
    "moderate": "Moderate support",
    "weak": "Weak support",
    "none": "Not supported",
}
# Ruleset 1.0.0 stored a score only. Its word, for display, by the score's band; the bands are
# the presenter's, not the engine's, and say how much of a cause's pattern the case showed.
_SUPPORT_BANDS_1_0_0 = ((0.6, "strong"), (0.3, "moderate"), (0.0001, "weak"))
_TEST_LABELS = dict(vocabulary.TEST)


def support_for_score(score: float | None) -> str:
    """The support word of a ruleset 1.0.0 score."""
    if score is None:
        return "none"
    return next((word for floor, word in _SUPPORT_BANDS_1_0_0 if score >= floor), "none")


@dataclass(frozen=True)
class EpisodeLink:
    number: int  # 1 for the oldest episode in the assessed case
    uuid: str
    started_at: datetime | None
    url: str
    anchor: str  # the episode's entry on the case page


@dataclass(frozen=True)
class Criterion:
    text: str
    code: str = ""
    episodes: list[EpisodeLink] = field(default_factory=list)
    why_history: str = ""

    @property
    def plain_text(self) -> str:
        """For text-only readers (letters, FHIR): the text with the episodes it came from."""
        text = self.text
        if self.episodes:
            numbers = ", ".join(str(link.number) for link in self.episodes)
            text += f" (episode{'s' if len(self.episodes) > 1 else ''} {numbers})"
        if self.why_history:
            text += f"; {self.why_history}"
        return text


@dataclass(frozen=True)
class CauseSupport:
    cause: str
    label: str
    support: str
    support_label: str
    criteria_for: list[Criterion]
    criteria_against: list[Criterion]


@dataclass(frozen=True)
class Question:
    text: str
    code: str = ""


@dataclass(frozen=True)
class RecommendedTest:
    code: str
    label: str


@dataclass(frozen=True)
class Explanation:
    ruleset_version: str
    triage: str
    triage_label: str
    leading_cause: str
    leading_cause_label: str
    rules: list[Criterion]
    differential: list[CauseSupport]
    red_flags_current: list[Criterion]
    red_flags_history: list[Criterion]
    # False for ruleset 1.0.0, which lists every red flag together whatever its time.
    red_flags_split_by_time: bool
    missing_information: list[Question]
    recommended_tests: list[RecommendedTest]
    caregiver_advice: str

    @property
    def rule_lines(self) -> list[str]:
        """Each rule that set the triage as one line of text, its id first."""
        return [
            rule.plain_text if rule.code in ("", rule.text) else f"{rule.code}: {rule.plain_text}"
            for rule in self.rules
        ]

    @property
    def leading(self) -> list[CauseSupport]:
        """The causes with some support, for short summaries."""
        return [row for row in self.differential if row.support != "none"][:3]

    def as_dict(self) -> dict:
        """For the API: the same content, episodes as their ids and numbers."""

        def criterion(item: Criterion) -> dict:
            data: dict[str, Any] = {"code": item.code, "text": item.text}
            data["episodes"] = [{"id": link.uuid, "number": link.number} for link in item.episodes]
            if item.why_history:
                data["why_history"] = item.why_history
            return data

        return {
            "ruleset_version": self.ruleset_version,
            "triage": self.triage,
            "leading_cause": self.leading_cause,
            "rules": [criterion(rule) for rule in self.rules],
            "differential": [
                {
                    "cause": row.cause,
                    "label": row.label,
                    "support": row.support,
                    "for": [criterion(item) for item in row.criteria_for],
                    "against": [criterion(item) for item in row.criteria_against],
                }
                for row in self.differential
            ],
            "red_flags": [criterion(item) for item in self.red_flags_current],
            "red_flags_history": [criterion(item) for item in self.red_flags_history],
            "red_flags_split_by_time": self.red_flags_split_by_time,
            "missing_information": [asdict(question) for question in self.missing_information],
            "recommended_tests": [asdict(test) for test in self.recommended_tests],
        }


def _links(indices, links: list[EpisodeLink | None]) -> list[EpisodeLink]:
    found = []
    for index in indices or []:
        link = links[index] if isinstance(index, int) and 0 <= index < len(links) else None
        if link is not None:
            found.append(link)
    return found


def _criterion(item, links) -> Criterion:
    if isinstance(item, str):
        return Criterion(text=item)
    return Criterion(
        text=item.get("text", ""),
        code=item.get("id") or item.get("code") or "",
        episodes=_links(item.get("episodes"), links),
        why_history=item.get("why_history", ""),
    )


def _question(item) -> Question:
    if isinstance(item, str):
        return Question(text=item)
    return Question(text=item.get("text", ""), code=item.get("code", ""))


def _rules(result: dict, links) -> list[Criterion]:
    fired = result.get("rules_fired")
    if fired:
        return [_criterion(rule, links) for rule in fired]
    return [Criterion(text=rule, code=rule) for rule in result.get("triage_rules", [])]


def _explain(assessment: Assessment, links: list[EpisodeLink | None]) -> Explanation:
    result = assessment.result or {}
    causes = dict(Cause.choices)
    differential = []
    for row in result.get("differential", []):
        support = row.get("support") or support_for_score(row.get("score"))
        differential.append(
            CauseSupport(
                cause=row["cause"],
                label=causes.get(row["cause"], row["cause"].replace("_", " ")),
                support=support,
                support_label=SUPPORT_LABELS.get(support, support),
                criteria_for=[_criterion(item, links) for item in row.get("for", [])],
                criteria_against=[_criterion(item, links) for item in row.get("against", [])],
            )
        )
    return Explanation(
        ruleset_version=assessment.ruleset_version,
        triage=assessment.triage,
        triage_label=Triage(assessment.triage).label,
        leading_cause=assessment.leading_cause,
        leading_cause_label=assessment.get_leading_cause_display(),
        rules=_rules(result, links),
        differential=differential,
        red_flags_current=[_criterion(item, links) for item in result.get("red_flags", [])],
        red_flags_history=[_criterion(item, links) for item in result.get("red_flags_history", [])],
        red_flags_split_by_time="red_flags_history" in result,
        missing_information=[_question(item) for item in result.get("missing_information", [])],
        recommended_tests=[
            RecommendedTest(
                code=code, label=_TEST_LABELS.get(code, code.replace("_", " ").capitalize())
            )
            for code in result.get("recommended_tests", [])
        ],
        caregiver_advice=result.get("caregiver_advice", ""),
    )


def assessment_explanations(assessments: Iterable[Assessment]) -> dict[int, Explanation]:
    """Each assessment's explanation by primary key, reading every linked episode in one query."""
    assessments = list(assessments)
    uuids_by_assessment = {a.pk: case_episode_uuids(a.input_case or {}) for a in assessments}
    wanted = {uuid for uuids in uuids_by_assessment.values() for uuid in uuids if uuid}
    episodes = {
        str(uuid): started_at
        for uuid, started_at in Episode.objects.filter(
            uuid__in=wanted, infant__in={a.infant_id for a in assessments}
        ).values_list("uuid", "started_at")
    }
    explanations = {}
    for assessment in assessments:
        links = [
            EpisodeLink(
                number=index + 1,
                uuid=uuid,
                started_at=episodes[uuid],
                url=reverse("episodes:detail", args=[uuid]),
                anchor=f"#episode-{uuid}",
            )
            if uuid in episodes
            else None
            for index, uuid in enumerate(uuids_by_assessment[assessment.pk])
        ]
        explanations[assessment.pk] = _explain(assessment, links)
    return explanations


def assessment_explanation(assessment: Assessment) -> Explanation:
    return assessment_explanations([assessment])[assessment.pk]

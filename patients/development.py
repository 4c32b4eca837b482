"""Developmental milestones of the first year and the rule that turns a milestone log into the
development status the engine receives (`development` in CLINICAL_CRITERIA.md).

The reference windows are data with their source. Two sources are used:

- CDC: Zubler JM et al. Evidence-informed milestones for developmental surveillance tools.
  Pediatrics 2022;149(3):e2021052138 ("Learn the Signs. Act Early." 2022). Each milestone is placed
  at the checklist age by which most children (75% or more) reach it. The CDC gives no
  "concern" cut-off: here a milestone still not reached at the *next* checklist age is a concern
  (policy of this system, stated so it can be reviewed).
- WHO: WHO Multicentre Growth Reference Study Group. WHO Motor Development Study: windows of
  achievement for six gross motor development milestones. Acta Paediatr 2006;Suppl 450:86-95.
  Typical = the median age; concern = the 99th centile (the upper end of the window).

Ages are in months; a month is 30.4375 days.

Rules, applied to the log at a given date, against the infant's age corrected for prematurity:
- `not_applicable_neonate`: chronological age under 28 days.
- `regression`: a milestone's latest entry is "lost" (the skill was there and is gone).
- `plateau`: the log has been kept for at least PLATEAU_WINDOW_DAYS, entries were recorded in the
  last PLATEAU_WINDOW_DAYS, none of them records a milestone achieved, and at least one milestone
  whose typical age has passed is not achieved.
- `delayed`: a milestone's latest entry is "not yet" and the infant is past its concern age.
- `age_appropriate`: otherwise. A milestone never recorded is unknown, not delayed: only what the
  log says counts (an empty log is age-appropriate).
The first rule that holds wins, in that order (plateau and regression point to infantile spasms).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from patients.models import NEONATAL_PERIOD_DAYS, DevelopmentStatus, Milestone, MilestoneStatus

DAYS_PER_MONTH = 30.4375
PLATEAU_WINDOW_DAYS = 60

CDC_2022 = "CDC Learn the Signs. Act Early. (Zubler et al., Pediatrics 2022;149:e2021052138)"
WHO_MGRS_2006 = "WHO Multicentre Growth Reference Study (Acta Paediatr 2006;Suppl 450:86)"


@dataclass(frozen=True)
class MilestoneWindow:
    milestone: Milestone
    typical_months: float
    concern_months: float
    source: str

    @property
    def typical_days(self) -> int:
        return round(self.typical_months * DAYS_PER_MONTH)

    @property
    def concern_days(self) -> int:
        return round(self.concern_months * DAYS_PER_MONTH)


MILESTONE_WINDOWS: dict[Milestone, MilestoneWindow] = {
    window.milestone: window
    for window in (
        MilestoneWindow(Milestone.SOCIAL_SMILE, 2, 4, CDC_2022),
        MilestoneWindow(Milestone.HEAD_UP_PRONE, 2, 4, CDC_2022),
        MilestoneWindow(Milestone.COOS, 2, 4, CDC_2022),
        MilestoneWindow(Milestone.HEAD_STEADY, 4, 6, CDC_2022),
        MilestoneWindow(Milestone.HANDS_TO_MOUTH, 4, 6, CDC_2022),
        MilestoneWindow(Milestone.LAUGHS, 6, 9, CDC_2022),
        MilestoneWindow(Milestone.ROLLS_OVER, 6, 9, CDC_2022),
        MilestoneWindow(Milestone.REACHES_FOR_TOY, 6, 9, CDC_2022),
        MilestoneWindow(Milestone.SITS_WITHOUT_SUPPORT, 5.9, 9.2, WHO_MGRS_2006),
        MilestoneWindow(Milestone.BABBLES, 9, 12, CDC_2022),
        MilestoneWindow(Milestone.CRAWLS, 8.5, 13.5, WHO_MGRS_2006),
        MilestoneWindow(Milestone.STANDS_WITH_ASSISTANCE, 7.4, 11.4, WHO_MGRS_2006),
        MilestoneWindow(Milestone.WALKS_WITH_ASSISTANCE, 9.0, 13.7, WHO_MGRS_2006),
        MilestoneWindow(Milestone.WAVES_BYE_BYE, 12, 15, CDC_2022),
        MilestoneWindow(Milestone.STANDS_ALONE, 10.8, 16.9, WHO_MGRS_2006),
        MilestoneWindow(Milestone.WALKS_ALONE, 12.0, 17.6, WHO_MGRS_2006),
    )
}


@dataclass(frozen=True)
class LogEntry:
    milestone: str
    status: str
    observed_on: date


def development_status_derive(
    *,
    age_days: int,
    effective_age_days: int,
    entries: Iterable[LogEntry],
    today: date,
) -> DevelopmentStatus:
    """The development status from the milestone log (rules in the module docstring).

    `age_days` is chronological; `effective_age_days` is corrected for prematurity."""
    if age_days < NEONATAL_PERIOD_DAYS:
        return DevelopmentStatus.NOT_APPLICABLE_NEONATE
    entries = sorted(entries, key=lambda entry: entry.observed_on)
    latest = {entry.milestone: entry.status for entry in entries}
    if MilestoneStatus.LOST in latest.values():
        return DevelopmentStatus.REGRESSION

    due_not_achieved = [
        window
        for code, window in MILESTONE_WINDOWS.items()
        if window.typical_days <= effective_age_days
        and latest.get(code) != MilestoneStatus.ACHIEVED
    ]
    recent = [e for e in entries if (today - e.observed_on).days <= PLATEAU_WINDOW_DAYS]
    log_is_long_enough = bool(entries) and (today - entries[0].observed_on).days >= (
        PLATEAU_WINDOW_DAYS
    )
    if (
        log_is_long_enough
        and recent
        and due_not_achieved
        and all(e.status != MilestoneStatus.ACHIEVED for e in recent)
    ):
        return DevelopmentStatus.PLATEAU

    for code, status in latest.items():
        window = MILESTONE_WINDOWS[Milestone(code)]
        if status == MilestoneStatus.NOT_YET and effective_age_days > window.concern_days:
            return DevelopmentStatus.DELAYED
    return DevelopmentStatus.AGE_APPROPRIATE

"""What the oversight services (dashboard indicators, recording quality, Supporting Families
readiness, exports) take in and hand back. Frozen, plain, Qt- and ORM-free (STYLE R4).

One tabular shape, :class:`Table`, carries every list a coordinator can see: an indicator's
drill-down, a recording-quality list, the Supporting Families list, the Ofsted Annex A list. The
screen shows it and the export service writes it to CSV or XLSX, so what is exported is exactly
what was on screen.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

# ---- Filters -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReportFilter:
    """Whose work and which period a figure covers (DOMAIN §9: hub, team, worker; period).

    ``period_start`` and ``period_end`` are inclusive calendar dates; ``snapshot`` is the day
    "at the snapshot" figures are taken (normally today, and never after ``period_end``).
    ``None`` for hub/team/worker means "everything the person may see".
    """

    period_start: dt.date
    period_end: dt.date
    hub_id: int | None = None
    team_id: int | None = None
    worker_id: int | None = None

    @property
    def snapshot(self) -> dt.date:
        return self.period_end

    @classmethod
    def rolling_12_months(
        cls, today: dt.date, *, hub_id: int | None = None, team_id: int | None = None, worker_id: int | None = None
    ) -> ReportFilter:
        """The default period: the twelve months up to and including ``today``."""
        try:
            start = today.replace(year=today.year - 1) + dt.timedelta(days=1)
        except ValueError:  # 29 February
            start = dt.date(today.year - 1, 3, 1)
        return cls(start, today, hub_id, team_id, worker_id)


# ---- Tables ------------------------------------------------------------------------------------

ColumnKind = Literal["text", "int", "float", "percent", "date", "datetime", "bool"]


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a :class:`Table`: a stable key, the heading people read, and its kind
    (which decides alignment on screen and the cell type in a spreadsheet)."""

    key: str
    label: str
    kind: ColumnKind = "text"


@dataclass(frozen=True, slots=True)
class Table:
    """A list behind a figure, ready to show and to export.

    ``rows`` hold plain values matching ``columns`` (str, int, float, date, datetime, bool or
    None). ``family_ids`` runs beside ``rows`` (same length; None where a row has no family), so a
    screen can open the family behind any row without a column for it. ``explanation`` says why
    the table is empty when it is ("No requests were decided in this period").
    """

    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[object, ...], ...]
    family_ids: tuple[int | None, ...] = ()
    explanation: str = ""
    filter: ReportFilter | None = None


# ---- Indicators --------------------------------------------------------------------------------

Unit = Literal["percent", "count", "wd", "days", "score"]


@dataclass(frozen=True, slots=True)
class TrendPoint:
    """One month of an indicator's trend: ``month`` is the first day of the month."""

    month: dt.date
    value: float | None
    numerator: int = 0
    denominator: int = 0


@dataclass(frozen=True, slots=True)
class Figure:
    """A secondary figure shown beside an indicator (the outcome mix, the maximum age...)."""

    label: str
    value: float | None
    unit: Unit = "count"


@dataclass(frozen=True, slots=True)
class Indicator:
    """One of the twelve indicators of DOMAIN §9, computed for a filter.

    ``value`` is None when it cannot be computed (nothing to count: an empty period, a hub with no
    families); ``explanation`` then says why, in words a coordinator understands. ``numerator``
    and ``denominator`` are the counts behind a percentage (or the count itself, with denominator
    0, for a count). ``below_target`` is True only when there is a value and a target and the value
    misses it in the indicator's direction (``higher_is_better``). ``drill_keys`` name the lists
    :func:`hubapp.services.dashboard.drill_down` can give for it (the first is the main one).
    """

    key: str
    number: int
    title: str
    definition: str
    value: float | None
    unit: Unit
    numerator: int = 0
    denominator: int = 0
    target: float | None = None
    higher_is_better: bool = True
    below_target: bool = False
    explanation: str = ""
    figures: tuple[Figure, ...] = ()
    trend: tuple[TrendPoint, ...] = ()
    drill_keys: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Dashboard:
    """All twelve indicators for one filter, in DOMAIN §9's order."""

    filter: ReportFilter
    indicators: tuple[Indicator, ...]
    generated_at: dt.datetime
    caseload: Table | None = None


@dataclass(frozen=True, slots=True)
class FilterOption:
    """One choice in the filter bar. ``hub_id`` is the hub a team belongs to (for a worker, the hub
    of their team, else their first hub); ``hub_ids`` lists every hub a worker belongs to."""

    id: int
    label: str
    hub_id: int | None = None
    hub_ids: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class FilterOptions:
    """What the filter bar offers: only hubs, teams and workers the person may see."""

    hubs: tuple[FilterOption, ...]
    teams: tuple[FilterOption, ...]
    workers: tuple[FilterOption, ...]


# ---- Recording quality -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QualityCount:
    """How many records one hub or one worker has with one kind of gap."""

    check_key: str
    group: Literal["hub", "worker"]
    group_id: int | None
    group_label: str
    count: int


@dataclass(frozen=True, slots=True)
class QualityCheck:
    """One kind of gap in recording (missing consent, overdue reviews...), with its total."""

    key: str
    title: str
    definition: str
    total: int


@dataclass(frozen=True, slots=True)
class QualityReport:
    filter: ReportFilter
    checks: tuple[QualityCheck, ...]
    counts: tuple[QualityCount, ...]
    generated_at: dt.datetime


# ---- Supporting Families -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NeedEvidence:
    """One identified need of a family and what evidences progress on it."""

    need_id: int
    outcome_code: str
    outcome_label: str
    description: str
    status: str
    identified_on: dt.date | None
    evidenced: bool
    evidence: str
    sustained_from: dt.date | None
    #: A positive outcome is evidenced: the need is met and what shows it is recorded (the claim
    #: condition). ``evidenced`` is wider: any evidenced progress (met, improving at the latest
    #: review, or an improving outcome score).
    outcome_met: bool = False


@dataclass(frozen=True, slots=True)
class FamilyReadiness:
    """Where one family stands against the Supporting Families claim conditions (DOMAIN §4)."""

    family_id: int
    family_name: str
    episode_id: int | None
    hub_label: str
    lead_worker: str
    needs: tuple[NeedEvidence, ...]
    conditions: tuple[tuple[str, bool, str], ...]
    sustainment_date: dt.date | None
    claimable_in_period: bool
    claim_status: str | None = None


@dataclass(frozen=True, slots=True)
class ExportResult:
    """A written export: where, how many rows, in which format."""

    path: str
    rows: int
    format: Literal["csv", "xlsx"]
    written_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))

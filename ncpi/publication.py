"""Whether a report is published as of a moment: not a draft, its date reached, its embargo passed.

The one place that decides it, for the national overview, the open data, the index and
`publish`. Dates and embargoes are UK local time (Europe/London, summer time included), whatever
the machine's own time zone.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from ncpi.errors import source_date_epoch

if TYPE_CHECKING:
    from ncpi.model import Report

#: Where the inspectorate publishes: its dates and embargoes are this zone's local time.
UK = ZoneInfo("Europe/London")


def now() -> dt.datetime:
    """The moment a run counts as: SOURCE_DATE_EPOCH if set (reproducible builds), else now."""

    epoch = source_date_epoch()
    if epoch is not None:
        return dt.datetime.fromtimestamp(epoch, dt.UTC)
    return dt.datetime.now(dt.UTC)


def in_uk_time(moment: dt.datetime) -> dt.datetime:
    """A moment as an aware UK time; a naive one is read as UK local time, as reports write it."""
    return moment.replace(tzinfo=UK) if moment.tzinfo is None else moment.astimezone(UK)


def presented(report: Report):
    """The part with the report's own publication date, as model.presented."""
    # Written again here: this module loads no model, so that the CLI's quick paths stay quick.
    return report.inspection if report.inspection.kind == "inspection" else report.reinspection


def publication_moment(report: Report) -> dt.datetime:
    """When a report may first be public: its publication day, or its embargo if later."""
    moment = dt.datetime.combine(presented(report).published, dt.time(0), UK)
    embargo = report.press_release.embargo
    if embargo is not None:
        moment = max(moment, in_uk_time(embargo))
    return moment


def why_unpublished(report: Report, as_of: dt.datetime) -> str | None:
    """Why a report is not published as of a moment, in a few words; None when it is."""
    if report.status == "draft":
        return "a draft"
    as_of = in_uk_time(as_of)
    published = presented(report).published
    if as_of < dt.datetime.combine(published, dt.time(0), UK):
        return f"to be published on {published.isoformat()}"
    embargo = report.press_release.embargo
    if embargo is not None and as_of < in_uk_time(embargo):
        return f"under embargo until {embargo:%Y-%m-%d %H:%M} (UK time)"
    return None


def is_published(report: Report, as_of: dt.datetime) -> bool:
    """Whether a report is published as of a moment (see why_unpublished)."""
    return why_unpublished(report, as_of) is None


def parse_as_of(text: str) -> dt.datetime:
    """A moment from the command line: a date (its midnight) or a date and time, UK time unless
    an offset is given; ValueError if it is neither."""
    text = text.strip()
    moment = dt.datetime.fromisoformat(text)
    if len(text) == 10:  # A date alone: the start of that day.
        moment = dt.datetime.combine(moment.date(), dt.time(0))
    return in_uk_time(moment)

"""A letting's availability as month grids for its page: which nights of the next months are taken.

Each month is a list of weeks (Monday first) of days, each day knowing whether its night is booked.
A period covers the nights from its arrival up to the day before its departure, so the departure
day itself is free for the next guests. The page renders the grids as tables that need no script.
"""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

WEEKDAYS = [(name[:3], name) for name in calendar.day_name]


@dataclass(frozen=True)
class Day:
    """One day of a month grid: its date and whether its night is taken."""

    date: date
    booked: bool


@dataclass(frozen=True)
class Month:
    """One month of a grid: its first day and its weeks (``None`` for the days of other months)."""

    first: date
    weeks: list[list[Day | None]]

    @property
    def label(self) -> str:
        """Return the month as "December 2026"."""
        return f"{calendar.month_name[self.first.month]} {self.first.year}"


def month_starts(today: date, count: int) -> list[date]:
    """Return the first day of this month and of the ``count - 1`` months after it."""
    starts, first = [], today.replace(day=1)
    for _ in range(count):
        starts.append(first)
        first = (first + timedelta(days=32)).replace(day=1)
    return starts


def window(today: date, count: int) -> tuple[date, date]:
    """Return the first day shown and the day after the last one, for ``count`` months from today's."""
    starts = month_starts(today, count + 1)
    return starts[0], starts[-1]


def booked_nights(periods, first: date, after_last: date) -> set[date]:
    """Return the nights between ``first`` and ``after_last`` that one of ``periods`` takes."""
    nights = set()
    for period in periods:
        night = max(period.start, first)
        while night < min(period.end, after_last):
            nights.add(night)
            night += timedelta(days=1)
    return nights


def months(periods, today: date, count: int = 3) -> list[Month]:
    """Return ``count`` month grids from today's month, with the nights ``periods`` take marked."""
    first, after_last = window(today, count)
    taken = booked_nights(periods, first, after_last)
    grids = []
    for start in month_starts(today, count):
        weeks = calendar.Calendar(firstweekday=calendar.MONDAY).monthdatescalendar(start.year, start.month)
        grids.append(
            Month(
                first=start,
                weeks=[
                    [Day(day, day in taken) if day.month == start.month else None for day in week] for week in weeks
                ],
            )
        )
    return grids

"""Equitable priority: one number per waiting request, from its urgency, how long it has
waited and how deprived its area is, with weights the group's admins set (/setup/priority/).

    priority = urgency weight      * (urgency - "in the next few days")    -1 .. +2
             + waiting weight      * days since it came in                  0 .. no limit
             + deprivation weight  * (5.5 - decile) / 4.5                  -1 .. +1

Each term is 0 for a request of normal urgency that has just come in from an area of middle
or unknown deprivation, positive where it ranks a request higher, negative where lower; a
weight of 0 turns its factor off. Decile 1 (the most deprived tenth of areas) gets the whole
deprivation weight, decile 10 loses it, an unknown area counts as neutral.

The database computes the terms and their sum (`with_priority`), so the queue is ordered and
paged in SQL; the explanation coordinators read (`explain`) is made from those same terms,
so it cannot disagree with the order. `terms` is the same formula in Python, for the
benchmark's simulation (a test holds the two equal).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.db.models import DateTimeField, F, FloatField, Func, Value
from django.db.models.functions import Cast, Coalesce, Greatest
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

NORMAL_URGENCY = 1  # HelpRequest.Urgency.NORMAL (a test holds them equal)
NEUTRAL_DECILE = 5.5  # the middle of 1..10
DECILE_SPAN = 4.5  # from the middle to either end
DAY_SECONDS = 86400.0
MAX_WEIGHT = Decimal("10")
# A term smaller than this is not worth a word in the explanation (0.05 points is under
# three hours of waiting at the default weight).
NOTABLE_POINTS = 0.05
# The order the queue and the nearby list use: highest priority, then oldest, then by id.
ORDER = ("-priority", "created_at", "pk")


@dataclass(frozen=True)
class Weights:
    """Points per urgency step, per day waiting, and for the most deprived decile."""

    urgency: float = 1.0
    waiting: float = 0.5
    deprivation: float = 1.0


DEFAULT_WEIGHTS = Weights()


class Terms(NamedTuple):
    """The points each factor adds to (or takes from) a request's priority."""

    urgency: float
    waiting: float
    deprivation: float

    @property
    def total(self) -> float:
        # Summed left to right, as the database sums them: the same float either way.
        return self.urgency + self.waiting + self.deprivation


def deprivation_lift(decile: int | None) -> float:
    """+1 for decile 1, -1 for decile 10, 0 for an unknown area."""
    return 0.0 if decile is None else (NEUTRAL_DECILE - decile) / DECILE_SPAN


def terms(*, urgency: int, waiting_days: float, decile: int | None,
          weights: Weights) -> Terms:
    """The formula in Python, operation for operation as `with_priority` writes it in SQL."""
    return Terms(
        (float(urgency) - NORMAL_URGENCY) * weights.urgency,
        max(0.0, waiting_days) * weights.waiting,
        deprivation_lift(decile) * weights.deprivation,
    )


def with_priority(requests, *, weights: Weights, now: datetime.datetime):
    """`requests` (a HelpRequest queryset) with `waiting_days`, the three terms
    (`priority_urgency`, `priority_waiting`, `priority_deprivation`) and their sum
    `priority`, computed by the database at `now`."""
    waiting_days = Greatest(Value(0.0), Func(
        Value(now, output_field=DateTimeField()) - F("created_at"),
        template="EXTRACT(EPOCH FROM %(expressions)s)::double precision",
        output_field=FloatField()) / Value(DAY_SECONDS))
    lift = Coalesce((Value(NEUTRAL_DECILE) - Cast("deprivation_decile", FloatField()))
                    / Value(DECILE_SPAN), Value(0.0))
    return requests.annotate(
        waiting_days=waiting_days,
        priority_urgency=(Cast("urgency", FloatField()) - Value(float(NORMAL_URGENCY)))
        * Value(weights.urgency),
        priority_waiting=F("waiting_days") * Value(weights.waiting),
        priority_deprivation=lift * Value(weights.deprivation),
    ).annotate(priority=F("priority_urgency") + F("priority_waiting")
               + F("priority_deprivation"))


def terms_of(row) -> Terms:
    """The terms the database computed for a row of `with_priority`."""
    return Terms(row.priority_urgency, row.priority_waiting, row.priority_deprivation)


@dataclass(frozen=True)
class Explanation:
    score: float  # the priority the order used
    higher: tuple[str, ...]  # what ranks it higher, the largest first
    lower: tuple[str, ...]  # what ranks it lower, the largest first

    def __str__(self) -> str:
        parts = []
        if self.higher:
            parts.append(_("ranked higher: %(reasons)s") % {"reasons": ", ".join(self.higher)})
        if self.lower:
            parts.append(_("ranked lower: %(reasons)s") % {"reasons": ", ".join(self.lower)})
        return "; ".join(parts) or _("nothing sets it apart: in the order it came in")


def explain(row) -> Explanation:
    """Why a row of `with_priority` sits where it does in the queue: its notable terms,
    largest first, in plain words. Staff only: it names the area's deprivation decile."""
    points = terms_of(row)
    named = [(points.urgency, _urgency_words(row.urgency)),
             (points.waiting, _waiting_words(row.waiting_days)),
             (points.deprivation, _decile_words(row.deprivation_decile))]
    notable = sorted(((p, words) for p, words in named if abs(p) >= NOTABLE_POINTS),
                     key=lambda term: -abs(term[0]))
    return Explanation(points.total, tuple(w for p, w in notable if p > 0),
                       tuple(w for p, w in notable if p < 0))


def _urgency_words(urgency: int) -> str:
    return {0: _("whenever possible"), 2: _("needed today or tomorrow"),
            3: _("urgent")}.get(urgency, "")


def _waiting_words(days: float) -> str:
    if days >= 1:
        return ngettext("waiting %(count)d day", "waiting %(count)d days",
                        int(days)) % {"count": int(days)}
    hours = int(days * 24)
    if hours < 1:
        return _("waiting under an hour")
    return ngettext("waiting %(count)d hour", "waiting %(count)d hours",
                    hours) % {"count": hours}


def _decile_words(decile: int | None) -> str:
    if decile is None:
        return ""
    return {1: _("most deprived decile"), 2: _("second most deprived decile"),
            9: _("second least deprived decile"), 10: _("least deprived decile"),
            }.get(decile) or _("deprivation decile %(decile)d of 10") % {"decile": decile}


def group_weights() -> Weights:
    """This group's weights (its admins set them), else the defaults."""
    from tenants.matching.models import PrioritySettings

    row = PrioritySettings.objects.filter(pk=1).first()
    if row is None:
        return DEFAULT_WEIGHTS
    return Weights(float(row.urgency_weight), float(row.waiting_weight),
                   float(row.deprivation_weight))

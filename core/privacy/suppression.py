"""Publishing tables of counts without giving a small one away (public pages, open data).

Two rules on top of core.privacy.anonymity:

- **Small figures, and those that would give one away.** A count under k is not published
  (`anonymity.suppress`). But a total minus its published parts is the sum of its hidden
  ones, so a page showing "14 received: 7 open, 5 done, 0 cancelled, could not help: fewer
  than 5" has told everyone it was 2. `publish` also hides, smallest first, published parts
  (else the total) until no hidden small figure can be narrowed below "somewhere from 1 to
  k-1" by the sums the page shows. Hidden small figures read "fewer than k"; figures hidden
  only to protect them read "not shown". This checks each sum on its own, as statistical
  offices' "secondary suppression" does; it is not a proof against every combination of
  several sums (README: "What is published").
- **Areas that do not overlap.** A map of counts by cell must not draw a cell inside a larger
  one (the larger minus the smaller is the rest). `areas` splits the coarsest cells into
  their children only while every child with requests holds k, so the cells drawn are
  disjoint, each holds at least k, and cells that never reach k are not drawn.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

import h3

from core.geo.cells import PUBLIC_RESOLUTION
from core.privacy.anonymity import COARSEST_RESOLUTION, Density, min_count

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class Figure:
    """A count as published: `value` is None when it is not; `small` says why (under k,
    read "fewer than k"; else hidden so that another figure cannot be worked out)."""

    value: int | None
    small: bool = False

    @property
    def shown(self) -> bool:
        return self.value is not None


def publish(values: Mapping[K, int], sums: Iterable[tuple[K, Sequence[K]]] = (), *,
            withheld: Iterable[K] = (), k: int | None = None) -> dict[K, Figure]:
    """Which of `values` may be published. `sums` says which figures add up to which:
    (total, parts), the parts summing exactly to the total. `withheld` figures are never
    published (a page computes them but does not show them, e.g. requests off the map)."""
    k = min_count() if k is None else k
    withheld = set(withheld)
    hidden = {key for key, value in values.items() if 0 < value < k} | withheld
    sums = [(total, list(parts)) for total, parts in sums]
    while True:  # each round hides one more figure, so this ends
        known, derived_by = _worked_out(values.keys() - hidden, sums)
        bad = _unsafe_sum(values, sums, known, derived_by, withheld, k)
        if bad is None:
            break
        choice = _to_hide(values, bad, sums, known, hidden, withheld, k)
        if choice is None:
            break  # nothing published is left to hide
        hidden.add(choice)
    # A figure hidden only to protect another, that the page's sums give away anyway, is
    # shown: it tells nothing more.
    known, _derived = _worked_out(values.keys() - hidden, sums)
    hidden -= {key for key in known if key not in withheld and not 0 < values[key] < k}
    return {key: Figure(None if key in hidden else value, small=key in hidden and value < k)
            for key, value in values.items()}


def _worked_out(published, sums) -> tuple[set, dict]:
    """Every figure known from the published ones: a sum with one unknown member gives it
    away. Returns them and, for those worked out, the sum that gives each away."""
    known, derived_by = set(published), {}
    changed = True
    while changed:
        changed = False
        for index, (total, parts) in enumerate(sums):
            unknown = [m for m in (total, *parts) if m not in known]
            if len(unknown) == 1:
                known.add(unknown[0])
                derived_by[unknown[0]] = index
                changed = True
    return known, derived_by


def _unsafe_sum(values, sums, known, derived_by, withheld, k) -> int | None:
    """The first sum that gives a small figure away, exactly or by narrowing it."""
    for key, index in derived_by.items():
        if 0 < values[key] < k:
            return index
    for index, (total, parts) in enumerate(sums):
        if total in known and not _safe(values, [p for p in parts if p not in known],
                                        withheld, k):
            return index
    return None


def _to_hide(values, index, sums, known, hidden, withheld, k):
    """What to hide next to mend sum `index`: the smallest of its shown parts that is
    enough alone, else its largest shown part, else its total, else the smallest shown figure
    of a sum it shares a figure with, else the smallest shown figure of all."""
    total, parts = sums[index]
    hidden_parts = [p for p in parts if p in hidden]
    shown = sorted((p for p in parts if p not in hidden and values[p] > 0), key=values.get)
    for part in shown:
        if _safe(values, [*hidden_parts, part], withheld, k):
            return part
    if shown:
        return shown[-1]
    if total not in hidden and values[total] > 0:
        return total
    members = {total, *parts}
    near = {m for t, ps in sums if members & {t, *ps} for m in (t, *ps)}
    for pool in (near, values.keys()):
        candidates = [m for m in pool if m not in hidden and values[m] > 0]
        if candidates:
            return min(candidates, key=values.get)
    return None


def _safe(values, hidden_parts, withheld, k) -> bool:
    """Whether the hidden parts of a known total could each still be any of 1..k-1, for
    those under k, knowing only their sum and what their labels say: "fewer than k" is
    1..k-1, "not shown" is k or more, a withheld figure is anything."""
    bounds = [(values[p], *_bounds(values[p], p in withheld, k)) for p in hidden_parts]
    if not any(0 < value < k for value, _lo, _hi in bounds):
        return True
    hidden_sum = sum(value for value, _lo, _hi in bounds)
    all_lo = sum(lo for _v, lo, _hi in bounds)
    all_hi = sum(hi for _v, _lo, hi in bounds)
    for value, lo, hi in bounds:
        if 0 < value < k:
            most = hidden_sum - (all_lo - lo)  # the others as small as they can be
            least = hidden_sum - (all_hi - hi)  # the others as large as they can be
            if most < k - 1 or least > 1:
                return False
    return True


def _bounds(value: int, withheld: bool, k: int) -> tuple[float, float]:
    if withheld:
        return 0, math.inf
    return (1, k - 1) if value < k else (k, math.inf)


def areas(counts: Mapping[str, int], k: int | None = None) -> dict[str, int]:
    """Disjoint cells to draw, each with its count, from counts by PUBLIC_RESOLUTION cell.

    From each COARSEST_RESOLUTION cell holding k or more: its children are drawn instead of
    it only if every child holding anything holds k, and so on down to PUBLIC_RESOLUTION.
    Requests in a coarsest cell under k are not drawn at all."""
    k = min_count() if k is None else k
    density = Density({cell: n for cell, n in counts.items() if cell and n > 0})
    drawn: dict[str, int] = {}

    def place(cell: str, resolution: int) -> None:
        here = density.by_resolution[resolution][cell]
        if resolution < PUBLIC_RESOLUTION:
            finer = density.by_resolution[resolution + 1]
            children = [c for c in h3.cell_to_children(cell, resolution + 1) if finer.get(c)]
            if all(finer[c] >= k for c in children):
                for child in children:
                    place(child, resolution + 1)
                return
        drawn[cell] = here

    for cell, count in density.by_resolution[COARSEST_RESOLUTION].items():
        if count >= k:
            place(cell, COARSEST_RESOLUTION)
    return drawn

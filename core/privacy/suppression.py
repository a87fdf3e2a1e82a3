"""Publishing tables of counts without giving a small one away (public pages, open data).

Two rules on top of core.privacy.anonymity:

- **Small figures, and those that would give one away.** A count under k is not published
  (`anonymity.suppress`). But a total minus its published parts is the sum of its hidden
  ones: a page showing "14 received: 7 open, 5 done, 0 cancelled, could not help: fewer than
  5" has told everyone it was 2. So `publish` hides more figures (secondary suppression, as
  statistical offices do) until, from everything published, every sum and what the labels
  say ("fewer than k" is 1 to k-1, "not shown" is k or more, a figure left out of a list
  could be anything), each hidden figure under k could still be 1 and could still be k-1.
  Those ranges are worked out by propagating bounds through the sums, which is exact when
  the sums form a tree (each figure is a part of at most one sum, and two sums share at most
  one figure): a page's headline and map, the open data's weeks, kinds and areas. Tables
  with crossing sums (rows and columns both totalled) need a linear program per figure and
  are not published this way.
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
TRIES = 20  # candidates tried one by one before hiding the largest


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
            withheld: Iterable[K] = (), unlisted: Iterable[K] = (),
            k: int | None = None) -> dict[K, Figure]:
    """Which of `values` may be published. `sums` says which figures add up to which:
    (total, parts), the parts summing exactly to the total, forming a tree. `withheld`
    figures are never published (a page works them out but does not show them, e.g.
    requests off the map); `unlisted` ones, when hidden, are left out rather than labelled
    (rows of a list, areas of a map), so nothing tells how big they are or that they exist."""
    table = _Table(values, [(t, list(ps)) for t, ps in sums], set(withheld),
                   set(unlisted) | set(withheld), min_count() if k is None else k)
    hidden = {key for key in values if table.small(key)} | table.withheld
    while (exposed := table.exposed(hidden)) is not None:  # each round hides one more
        choice = table.to_hide(exposed, hidden)
        if choice is None:
            break  # nothing published is left to hide
        hidden.add(choice)
    # A figure hidden only to protect another, that the sums give away anyway, is shown: it
    # tells nothing more.
    ranges = table.ranges(hidden)
    hidden -= {key for key in hidden if key not in table.withheld and not table.small(key)
               and ranges[key][0] == ranges[key][1]}
    return {key: Figure(None if key in hidden else value, small=key in hidden and table.small(key))
            for key, value in values.items()}


class _Table:
    def __init__(self, values, sums, withheld, unlisted, k):
        self.values, self.sums, self.withheld, self.unlisted, self.k = (
            values, sums, withheld, unlisted, k)
        # Ties are broken by the order of `values`, never by set order: the same table must
        # always be published the same way (two different choices, put together, tell more).
        self.order = {key: i for i, key in enumerate(values)}
        self.sums_of: dict = {}
        for index, (total, parts) in enumerate(sums):
            for member in (total, *parts):
                self.sums_of.setdefault(member, []).append(index)

    def small(self, key) -> bool:
        return 0 < self.values[key] < self.k

    def ranges(self, hidden: set) -> dict:
        """What each figure could be, to someone who sees the published ones, the sums and
        the labels: bounds propagated through the sums until nothing narrows."""
        bounds = {key: self._label(key) if key in hidden else (value, value)
                  for key, value in self.values.items()}
        changed, rounds = True, 0
        while changed and rounds < 4 * len(self.sums) + 4:
            changed, rounds = False, rounds + 1
            for total, parts in self.sums:
                lows = [bounds[p][0] for p in parts]
                highs = [bounds[p][1] for p in parts]
                low_sum, high_sum = sum(lows), sum(highs)
                t_low, t_high = bounds[total]
                new = (max(t_low, low_sum), min(t_high, high_sum))
                if new != bounds[total]:
                    bounds[total], changed = new, True
                t_low, t_high = new
                for part, low, high in zip(parts, lows, highs):
                    narrowed = (max(low, t_low - (high_sum - high)),
                                min(high, t_high - (low_sum - low)))
                    if narrowed != (low, high):
                        bounds[part], changed = narrowed, True
        return bounds

    def _label(self, key) -> tuple[float, float]:
        if key in self.unlisted:
            return 0, math.inf
        return (1, self.k - 1) if self.small(key) else (self.k, math.inf)

    def exposed(self, hidden: set):
        """The first small hidden figure whose range no longer reaches both 1 and k-1."""
        ranges = self.ranges(hidden)
        return next((key for key in sorted(hidden, key=self.order.__getitem__)
                     if self.small(key) and self._narrowed(ranges[key])), None)

    def _narrowed(self, bounds) -> bool:
        return bounds[0] > 1 or bounds[1] < self.k - 1

    def to_hide(self, key, hidden: set):
        """What to hide next to protect `key`: among the shown figures of its sums (else of
        the sums around those, and so on out), the smallest that is enough alone, else the
        largest."""
        reached, ring = {key}, {key}
        while ring:
            near = {m for member in ring for index in self.sums_of.get(member, ())
                    for m in (self.sums[index][0], *self.sums[index][1])} - reached
            shown = self._shown(near, hidden)
            for candidate in shown[:TRIES]:
                if not self._narrowed(self.ranges(hidden | {candidate})[key]):
                    return candidate
            if shown:
                return shown[-1]
            reached |= near
            ring = near
        return None

    def _shown(self, keys, hidden) -> list:
        return sorted((key for key in keys if key not in hidden and self.values[key] > 0),
                      key=lambda key: (self.values[key], self.order[key]))


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

"""Disclosure levels, lowest to highest. A viewer cleared for a level sees every field at or
below it."""

from __future__ import annotations

from enum import IntEnum


class Level(IntEnum):
    PUBLIC = 0  # anyone: the kind of help, the day, a fuzzed area
    VOLUNTEER = 1  # any active volunteer of the group
    ASSIGNED = 2  # the volunteer doing it, only while it is live; the person it is about
    STAFF = 3  # coordinators and admins
    RESTRICTED = 4  # admins only


# Showing a field at one of these levels to a person is written to the audit log.
AUDITED = frozenset({Level.ASSIGNED, Level.STAFF, Level.RESTRICTED})

"""Signing a group up: the control plane's one write, a thin layer over provisioning."""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.utils.translation import gettext as _

from core.observability import metrics
from core.tenancy.provisioning import (
    HASH_TIMEOUT_S, AdminSpec, GroupSpec, Provisioning, SlugTaken, hash_password_soon,
    provision_group,
)
from mutualaid.signup.forms import SignupForm


@dataclass
class Signup:
    form: SignupForm
    result: Provisioning | None  # None when the form was refused

    @property
    def ok(self) -> bool:
        return self.result is not None


def sign_up_group(*, data) -> Signup:
    """Validate a signup submission and, if it is valid, provision the group.

    The password starts hashing before validation, so the hash (the slowest part of a
    signup) runs beside validation and schema building. The admin's verification email is
    sent from the group's own host when the one-time login token is redeemed there
    (core.tenancy.views.welcome), so its links point home.
    """
    password = data.get("password", "")
    password_hash = hash_password_soon(password) if 0 < len(password) <= 128 else None
    form = SignupForm(data)
    if not form.is_valid():
        metrics.observe_signup("invalid")
        return Signup(form, None)
    d = form.cleaned_data
    started = time.perf_counter()
    try:
        result = provision_group(
            spec=GroupSpec(
                name=d["group_name"], slug=d["slug"], country=d["country"],
                timezone=d["timezone"], default_language=d["default_language"],
                map_center_lat=d["map_center_lat"], map_center_lng=d["map_center_lng"],
            ),
            admin=AdminSpec(name=d["admin_name"], email=d["email"], password=d["password"]),
            password_hash=password_hash,
        )
    except SlugTaken:
        metrics.observe_signup("taken")
        form.add_error("slug", _("This address was taken a moment ago. Please choose another."))
        return Signup(form, None)
    if result.password_stored is not None:
        # Before the hand-off: a login made while the placeholder password is stored would
        # be undone by the stored hash (the session's auth hash is derived from it), and the
        # new admin would meet a sign-in page on their second click (found by the load test).
        result.password_stored.result(timeout=HASH_TIMEOUT_S)
    metrics.observe_signup("created", seconds=time.perf_counter() - started)
    return Signup(form, result)

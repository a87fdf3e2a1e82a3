"""Every field of every model of this codebase has a declared disclosure level."""

from django.apps import apps

from core.privacy.registry import policy_for

OURS = ("core.", "tenants.", "mutualaid.", "billing.")
NOT_OURS_TO_DECLARE = ("core.testing.",)  # test-only apps


def our_models():
    return [m for m in apps.get_models()
            if m.__module__.startswith(OURS) and not m.__module__.startswith(NOT_OURS_TO_DECLARE)]


def test_every_field_of_every_model_has_a_level():
    missing = []
    for model in our_models():
        try:
            levels = policy_for(model).levels
        except KeyError:
            missing.append(f"{model._meta.label} (no declaration: add it to its app's privacy.py)")
            continue
        for field in model._meta.get_fields():
            stored = field.concrete or (field.many_to_many and not field.auto_created)
            if stored and field.name not in levels:
                missing.append(f"{model._meta.label}.{field.name}")
    assert missing == []


def test_the_walk_sees_the_models_it_must():
    labels = {m._meta.label for m in our_models()}
    assert {"requests.HelpRequest", "volunteers.VolunteerProfile", "accounts.User",
            "audit.AuditEntry"} <= labels


def test_personal_fields_are_never_public():
    from core.privacy.registry import declared_models

    for model in declared_models():
        policy = policy_for(model)
        public = policy.fields_upto(0)
        assert not (policy.personal & public), model._meta.label

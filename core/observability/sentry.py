"""Sentry (sentry-sdk, Django and Celery integrations), on when SENTRY_DSN is set.

Every event and transaction goes through core.observability.scrub before it leaves the
process. Events are tagged with the group (core.observability.context) and the release.
"""

from __future__ import annotations

import warnings

import sentry_sdk
from sentry_sdk.scrubber import EventScrubber

from core.observability.scrub import scrub_event


class _LearnFirst(EventScrubber):
    """The SDK's own scrubber would blank `password`, `token`... before our before_send sees
    them, and so before we could learn those values to take them out of messages too. Ours
    does all of it in before_send, on the serialized event."""

    def scrub_event(self, event) -> None:
        return None


def before_send(event, hint):
    return scrub_event(event)


def before_send_transaction(event, hint):
    return scrub_event(event)


def before_breadcrumb(crumb, hint):
    # Events are scrubbed whole on the way out; SQL parameters need not even be kept.
    data = crumb.get("data")
    if isinstance(data, dict):
        data.pop("db.params", None)
    return crumb


def init_sentry(*, dsn: str, environment: str, release: str | None = None,
                traces_sample_rate: float = 0.0, transport=None) -> None:
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration
    from sentry_sdk.utils import get_default_release

    options = {"transport": transport} if transport is not None else {}
    with warnings.catch_warnings():
        # sentry-sdk 2.7x calls send_default_pii deprecated in favour of `data_collection`,
        # whose presence also turns event scrubbing off. We state False explicitly anyway.
        warnings.simplefilter("ignore", DeprecationWarning)
        sentry_sdk.init(
            dsn=dsn,
            environment=environment,
            release=release or get_default_release(),  # SENTRY_RELEASE, else the git sha
            traces_sample_rate=traces_sample_rate,
            send_default_pii=False,
            include_local_variables=True,  # scrubbed in before_send
            # Bodies are read only to learn the values to scrub; before_send drops them.
            max_request_body_size="medium",
            event_scrubber=_LearnFirst(),
            before_send=before_send,
            before_send_transaction=before_send_transaction,
            before_breadcrumb=before_breadcrumb,
            integrations=[
                DjangoIntegration(transaction_style="url", middleware_spans=False),
                CeleryIntegration(monitor_beat_tasks=False),
            ],
            **options,
        )

"""Behind the reverse proxy the limits key on the client's address, not the proxy's
(TRUSTED_PROXY_COUNT; compose sets 1 for Caddy)."""

import pytest
from allauth.core.internal.ratelimit import get_ip as allauth_ip
from django.test import RequestFactory
from django_ratelimit.core import _get_ip as ratelimit_ip

PROXY, CLIENT = "172.18.0.5", "203.0.113.9"


@pytest.fixture
def through_proxy():
    # A forged entry first: clients may send their own X-Forwarded-For; Caddy adds the real one.
    return RequestFactory().get("/", REMOTE_ADDR=PROXY,
                                HTTP_X_FORWARDED_FOR=f"198.51.100.66, {CLIENT}")


def test_by_default_the_header_is_ignored(through_proxy, settings):
    assert settings.TRUSTED_PROXY_COUNT == 0
    assert ratelimit_ip(through_proxy) == PROXY  # signup limit (django-ratelimit)
    assert allauth_ip(through_proxy) == PROXY  # sign-in limit (allauth)


def test_one_trusted_proxy_means_the_last_address_is_the_clients(through_proxy, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1  # what TRUSTED_PROXY_COUNT=1 sets
    assert ratelimit_ip(through_proxy) == CLIENT
    assert allauth_ip(through_proxy) == CLIENT

"""Operators for the console's tests: public-schema staff users made through the service."""

import pytest
from django.test import Client

from core.testing.people import PASSWORD
from mutualaid.console.services import create_operator

PLATFORM = {"HTTP_HOST": "localhost"}


@pytest.fixture
def operator(db):
    return create_operator(email="ops@platform.example.org", name="Olu Operator",
                           password=PASSWORD)


@pytest.fixture
def ops(operator) -> Client:
    """A client signed in as the operator on the platform host."""
    client = Client(**PLATFORM)
    client.force_login(operator)
    return client

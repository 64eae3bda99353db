"""Signed-in sessions of the seeded users, shared by the whole run."""

import uuid

import pytest

from tests.sandbox.support import ACCOUNTS, Api


@pytest.fixture(scope="session")
def demo(sandbox) -> Api:
    return Api(sandbox.auth_url, *ACCOUNTS["demo"])


@pytest.fixture(scope="session")
def alice(sandbox) -> Api:
    return Api(sandbox.auth_url, *ACCOUNTS["alice"])


@pytest.fixture(scope="session")
def team2(sandbox) -> Api:
    return Api(sandbox.auth_url, *ACCOUNTS["team2"])


@pytest.fixture
def fresh_name() -> str:
    return f"t{uuid.uuid4().hex[:12]}.sandbox-test.com"

"""Signed-in sessions of the seeded users, shared by the whole run, on both wire profiles."""

import uuid
from dataclasses import dataclass

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


@pytest.fixture(scope="session")
def sdk_demo(sdk_sandbox) -> Api:
    return Api(sdk_sandbox.auth_url, *ACCOUNTS["demo"])


@pytest.fixture(scope="session")
def sdk_alice(sdk_sandbox) -> Api:
    return Api(sdk_sandbox.auth_url, *ACCOUNTS["alice"])


@dataclass(frozen=True)
class Profile:
    name: str
    demo: Api  # an administrator of tenant demo
    alice: Api  # a member of tenant demo


@pytest.fixture(params=["default", "sdk"])
def profile(request) -> Profile:
    """A test of behaviour both wire profiles share runs once on each."""
    prefix = "" if request.param == "default" else "sdk_"
    return Profile(request.param, request.getfixturevalue(f"{prefix}demo"), request.getfixturevalue(f"{prefix}alice"))

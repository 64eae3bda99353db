import secrets

import pytest
from django.utils import timezone

from alerts import services
from connections.tenancy import tenant_of
from jobs.models import Job, Kind, State
from tests.alerts.receiver import receiver  # noqa: F401 - a fixture


def token() -> str:
    return secrets.token_hex(16)


@pytest.fixture
def make_channel(operator):
    def make(name: str, kind: str, target: str):
        return services.create_channel(user=operator, tenant=tenant_of(operator), name=name, kind=kind, target=target)

    return make


@pytest.fixture
def make_rule(operator):
    def make(name: str, kind: str, channels, **fields):
        fields = {"name": name, "kind": kind, "interval_minutes": 1, **fields}
        return services.create_rule(user=operator, tenant=tenant_of(operator), fields=fields, channels=channels)

    return make


@pytest.fixture
def fail_job(operator):
    def fail(domain: str = "www.demo-shop.com") -> Job:
        return Job.objects.create(
            owner=operator,
            tenant_id=tenant_of(operator).tenant_id,
            kind=Kind.FLUSH,
            domain_name=domain,
            state=State.FAILED,
            finished_at=timezone.now(),
        )

    return fail

"""What the dashboard and /health/ say when Plcloud's identity service answers, but not with its
version document: "unreachable" only when it did not answer at all."""

import pytest

from ops import health


@pytest.fixture(autouse=True)
def fresh_checks():
    health.forget()  # /health/ keeps Plcloud's last answer for a while
    yield
    health.forget()


@pytest.fixture
def dashboard(client, viewer, panel_settings, clean_faults):
    client.force_login(viewer)

    def read(**faults) -> str:
        clean_faults.set_faults(scope="identity", **faults)
        response = client.get("/dashboard/identity/")
        assert response.status_code == 286  # the block is final: htmx loads it once
        return response.content.decode()

    return read


def plcloud_check(client, clean_faults, **faults) -> dict:
    clean_faults.set_faults(scope="identity", **faults)
    return client.get("/health/").json()["checks"]["plcloud"]


def test_the_dashboard_says_identity_refused_the_request_not_that_plcloud_is_unreachable(dashboard):
    text = dashboard(unauthorized=True)
    assert "Plcloud identity answered, but refused the request (HTTP 401)." in text
    assert "unreachable" not in text


def test_the_dashboard_says_identity_answered_something_else_than_its_version_document(dashboard):
    text = dashboard(malformed_rate=1.0)
    assert "Plcloud identity answered, but not with a Keystone version document." in text
    assert "unreachable" not in text


def test_the_dashboard_says_identity_answered_with_an_error(dashboard):
    text = dashboard(error_rate=1.0)
    assert "Plcloud identity answered with an error (HTTP 5" in text
    assert "unreachable" not in text


@pytest.mark.django_db(transaction=True)
def test_health_says_identity_refused_the_request(client, panel_settings, clean_faults):
    check = plcloud_check(client, clean_faults, unauthorized=True)
    assert check == {**check, "ok": False, "reason": "identity refused the request (HTTP 401)"}


@pytest.mark.django_db(transaction=True)
def test_health_says_a_malformed_answer_is_not_a_version_document(client, panel_settings, clean_faults):
    check = plcloud_check(client, clean_faults, malformed_rate=1.0)
    assert check == {**check, "ok": False, "reason": "identity answered, but not with a Keystone version document"}

"""An error no view handled answers a page in the panel's layout, not Django's bare one."""

from accounts.models import Role
from tests.panel_fixtures import make_member


def test_an_unexpected_error_answers_the_panels_own_500_page(client, db, monkeypatch, settings):
    settings.DEBUG = False
    member = make_member("erin", Role.VIEWER)
    client.force_login(member)
    client.raise_request_exception = False

    def broken(*args, **kwargs):
        raise RuntimeError("a bug, not an outage")

    monkeypatch.setattr("ops.dashboard_views.identity_version", broken)  # the dashboard's identity block fails
    response = client.get("/dashboard/identity/")
    text = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong" in text and 'class="brand"' in text
    assert "database" not in text and "a bug, not an outage" not in text
    assert "no-store" in response["Cache-Control"]

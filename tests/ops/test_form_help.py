"""A field's help text is what its aria-describedby names: a screen reader reads it with the field."""

import re

import pytest


@pytest.mark.parametrize("path", ["/connection/", "/team/"])
def test_every_described_field_points_at_its_help_text_on_the_page(client, admin, panel_settings, path):
    client.force_login(admin)
    page = client.get(path).content.decode()
    described = re.findall(r'aria-describedby="([^"]+)"', page)
    assert described  # the forms here have help texts
    ids = set(re.findall(r'\sid="([^"]+)"', page))
    assert [name for value in described for name in value.split() if name not in ids] == []

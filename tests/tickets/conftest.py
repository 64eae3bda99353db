"""Members connected to the sandbox as demo, and tickets made upstream for the tests."""

import uuid

import pytest

from connections.services import client_for


@pytest.fixture
def connected(members, connect_demo):
    """Every team member (admin, operator, viewer) connected as demo; the outsider too, though refused."""
    for user in members.values():
        connect_demo(user)
    return members


def unique(text: str = "ticket") -> str:
    return f"{text} {uuid.uuid4().hex[:10]}"


@pytest.fixture
def upstream():
    """Plcloud as a member sees it, through the real client (to check what the panel did)."""
    return client_for


@pytest.fixture
def new_ticket(upstream):
    def make(user, summary: str | None = None, description: str = "It broke.") -> dict:
        return upstream(user).ticket.create(summary or unique(), description)

    return make


def sandbox_summaries(user) -> set[str]:
    return {ticket["summary"] for ticket in client_for(user).ticket.list()}

"""``client.ticket``: every ticket call of the vendor's guide, with its names and parameters."""

from __future__ import annotations

from typing import TYPE_CHECKING

from plcloud._shapes import as_dict, as_list, segment, written

if TYPE_CHECKING:
    from plcloud.client import Client

WRAPPER = "ticket"


class TicketManager:
    def __init__(self, client: Client) -> None:
        self.client = client

    def _call(self, method: str, path: str, **kwargs: object) -> object:
        return self.client.call(method, path, WRAPPER, **kwargs)

    def _change(self, method: str, path: str, body: object) -> dict:
        return written(self.client.change(method, path, WRAPPER, json=body))

    def list(self, user_id: str | None = None) -> list[dict]:
        path = f"/ticket/{segment(user_id)}/list" if user_id else "/ticket"
        return as_list(self._call("GET", path), "tickets")

    def get(self, ticket_id: str) -> dict:
        return as_dict(self._call("GET", f"/ticket/{segment(ticket_id)}"), "a ticket")

    def create(self, summary: str, description: str) -> dict:
        # The one request body of the API that is not wrapped (WIRE.md).
        return self._change("POST", "/ticket", {"summary": summary, "description": description})

    def update(self, ticket_id: str, status: str) -> dict:
        return self._change("PUT", f"/ticket/{segment(ticket_id)}", {"status": status})

    def list_reply(self, ticket_id: str) -> list[dict]:
        return as_list(self._call("GET", f"/ticket/reply/{segment(ticket_id)}"), "replies")

    def reply(self, ticket_id: str, content: str) -> dict:
        return self._change("POST", f"/ticket/reply/{segment(ticket_id)}", {"content": content})

"""The panel's layers, read from the source with ast (nothing is imported):

- cdn knows nothing of jobs, tickets or notifications (jobs may use cdn, not the other way);
- plcloud, the API client, knows nothing of Django or of the panel;
- selectors and services take what they work on (a client, a member, a tenant), never a request;
- jobs never reach into the tickets app's models (a job's notice is notifications');
- no module of the panel or its client is over 400 lines (a reader finds a page's code quickly).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PANEL_APPS = {
    "accounts",
    "alerts",
    "audit",
    "cdn",
    "connections",
    "jobs",
    "notifications",
    "ops",
    "plcloud_panel",
    "plcloud_sandbox",
    "tickets",
}


def _modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def _name(path: Path) -> str:
    return str(path.relative_to(ROOT))


def imported(path: Path) -> set[str]:
    """Every module the file imports, dotted in full (``from a import b`` gives ``a`` and ``a.b``:
    ``b`` may be a module)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def _under(name: str, packages: set[str]) -> bool:
    return name.split(".", maxsplit=1)[0] in packages


def offending_imports(package: str, forbidden: set[str]) -> list[str]:
    return [
        f"{_name(path)} imports {name}"
        for path in _modules(package)
        for name in sorted(imported(path))
        if _under(name, forbidden)
    ]


def request_parameters() -> list[str]:
    found = []
    for app in sorted(PANEL_APPS):
        for path in _modules(app):
            if path.stem not in {"selectors", "services"}:
                continue
            for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                    arguments = node.args
                    every = arguments.posonlyargs + arguments.args + arguments.kwonlyargs
                    if any(argument.arg == "request" for argument in every):
                        found.append(f"{_name(path)}:{node.lineno} takes a request")
    return found


def test_cdn_imports_no_jobs_tickets_or_notifications():
    assert offending_imports("cdn", {"jobs", "tickets", "notifications"}) == []


def test_the_client_imports_neither_django_nor_the_panel():
    assert offending_imports("plcloud", {"django"} | PANEL_APPS) == []


def test_selectors_and_services_take_no_request():
    assert request_parameters() == []


def test_jobs_import_no_ticket_models():
    found = offending_imports("jobs", {"tickets"})
    assert [line for line in found if line.split(" imports ")[1].startswith("tickets.models")] == []


def test_no_module_is_over_400_lines():
    long = [
        f"{_name(path)}: {lines} lines"
        for package in sorted(PANEL_APPS | {"plcloud"})
        for path in _modules(package)
        if "migrations" not in path.parts and (lines := len(path.read_text().splitlines())) > 400
    ]
    assert long == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("import jobs.models", {"jobs.models"}),
        ("from tickets import models", {"tickets", "tickets.models"}),
        ("from . import views", set()),
        (
            "def f():\n    from notifications.selectors import unread",
            {"notifications.selectors", "notifications.selectors.unread"},
        ),
    ],
)
def test_imports_are_read_anywhere_in_a_module(tmp_path, source, expected):
    module = tmp_path / "module.py"
    module.write_text(source)
    assert imported(module) == expected

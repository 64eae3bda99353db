from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from audit.models import AuditEntry, Outcome
from connections.problems import explain
from connections.tenancy import PANEL, Tenant, tenant_of
from plcloud import PlcloudError

# Detail keys that could carry a secret are dropped, whatever a caller passes.
_SECRET_WORDS = ("password", "token", "secret", "key")


def record(
    *,
    actor,
    action: str,
    object_type: str = "",
    object_id: object = "",
    ok: bool = True,
    detail: dict | None = None,
    error: str = "",
    tenant: Tenant | None = None,
) -> AuditEntry:
    """One audit row. ``tenant``: the Plcloud tenant the change was made under (connections.tenancy;
    PANEL for changes to the panel itself); by default the actor's connection now."""
    if tenant is None:
        tenant = tenant_of(actor) if getattr(actor, "pk", None) else PANEL
    clean = {k: v for k, v in (detail or {}).items() if not any(word in k.lower() for word in _SECRET_WORDS)}
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=getattr(actor, "username", "") or "system",
        action=action,
        object_type=object_type,
        object_id=str(object_id)[:255],
        outcome=Outcome.OK if ok else Outcome.FAILED,
        detail=clean,
        error=error[:2000],
        tenant_id=tenant.tenant_id,
        region=tenant.region,
    )


@contextmanager
def audited(
    *,
    actor,
    action: str,
    object_type: str = "",
    object_id: object = "",
    detail: dict | None = None,
    tenant: Tenant | None = None,
) -> Iterator[dict]:
    """A change sent to Plcloud, audited either way: the body runs the call; a PlcloudError is
    recorded as failed with explain()'s sentence and raised again, anything else leaves an OK row.
    The body may add to the detail or set the object id it learnt (``row["object_id"] = ...``)
    through the dict this yields."""
    row = {"object_id": object_id, "detail": dict(detail or {})}
    where = {"actor": actor, "action": action, "object_type": object_type, "tenant": tenant}
    try:
        yield row
    except PlcloudError as error:
        record(**where, object_id=row["object_id"], detail=row["detail"], ok=False, error=explain(error).message)
        raise
    record(**where, object_id=row["object_id"], detail=row["detail"])

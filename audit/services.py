from __future__ import annotations

from audit.models import AuditEntry, Outcome

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
) -> AuditEntry:
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
    )

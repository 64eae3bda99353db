"""Injected failures, so a client can be seen coping with a slow, broken or lying service.

Faults act like a proxy in front of the service: errors and drops happen before the service
sees the request (nothing changes), a malformed answer mangles a real answer (the change was
made, the client just cannot read that it was).
"""

from __future__ import annotations

import math
import random
import threading
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace

# "service" is every call of the CDN and ticket services; "cdn" and "ticket" one of them.
SCOPES = ("all", "identity", "service", "cdn", "ticket")
RATES = ("error_rate", "malformed_rate", "drop_rate")
MAX_LATENCY_MS = 600_000
ERROR_STATUSES = (500, 502, 503)


class FaultsError(ValueError):
    """A fault setting that cannot be used; the message names the key."""


@dataclass(frozen=True)
class Faults:
    latency_ms: float = 0
    error_rate: float = 0.0
    unauthorized: bool = False
    malformed_rate: float = 0.0
    drop_rate: float = 0.0
    scope: str = "all"

    def as_dict(self) -> dict:
        data = asdict(self)
        data["latency_ms"] = int(self.latency_ms) if float(self.latency_ms).is_integer() else self.latency_ms
        return data

    def applies_to(self, scope: str) -> bool:
        """``scope``: the request's, "identity", "cdn" or "ticket"."""
        return self.scope in ("all", scope) or (self.scope == "service" and scope in ("cdn", "ticket"))


def checked(changes: Mapping[str, object]) -> dict:
    """Validated values for the keys given; unknown keys are refused so a typo is not silently ignored."""
    out: dict = {}
    for key, value in changes.items():
        if key == "latency_ms":
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
                raise FaultsError("latency_ms: must be a number of milliseconds")
            if not 0 <= value <= MAX_LATENCY_MS:
                raise FaultsError(f"latency_ms: must be between 0 and {MAX_LATENCY_MS}")
            out[key] = value
        elif key in RATES:
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
                raise FaultsError(f"{key}: must be a number between 0 and 1")
            if not 0 <= value <= 1:
                raise FaultsError(f"{key}: must be between 0 and 1")
            out[key] = float(value)
        elif key == "unauthorized":
            if not isinstance(value, bool):
                raise FaultsError("unauthorized: must be true or false")
            out[key] = value
        elif key == "scope":
            if value not in SCOPES:
                raise FaultsError(f"scope: must be one of {', '.join(SCOPES)}")
            out[key] = value
        else:
            known = ", ".join(("latency_ms", *RATES, "unauthorized", "scope"))
            raise FaultsError(f"{key}: is not a fault setting (known: {known})")
    return out


def faults_from_text(text: str) -> Faults:
    """``latency_ms=200,error_rate=0.1`` as PLCLOUD_SANDBOX_FAULTS gives it."""
    changes: dict[str, object] = {}
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        key, sep, raw = part.partition("=")
        key, raw = key.strip(), raw.strip()
        if not sep:
            raise FaultsError(f"{part!r} is not key=value")
        if key == "scope":
            changes[key] = raw
        elif key == "unauthorized":
            lowered = raw.lower()
            if lowered not in ("true", "false", "1", "0", "yes", "no", "on", "off"):
                raise FaultsError("unauthorized: must be true or false")
            changes[key] = lowered in ("true", "1", "yes", "on")
        else:
            try:
                changes[key] = float(raw)
            except ValueError:
                raise FaultsError(f"{key}: {raw!r} is not a number") from None
    return replace(Faults(), **checked(changes))


@dataclass(frozen=True)
class Decision:
    latency_s: float = 0.0
    drop: bool = False
    error_status: int | None = None
    unauthorized: bool = False
    malformed: bool = False


NO_FAULT = Decision()


class FaultSwitch:
    """The faults in force, switched at run time by /_sandbox/faults."""

    def __init__(self, faults: Faults) -> None:
        self._lock = threading.Lock()
        self._faults = faults
        # Rolls decide which requests fail, not any data, so an unseeded generator is right here.
        self._random = random.Random()

    def current(self) -> Faults:
        with self._lock:
            return self._faults

    def update(self, changes: Mapping[str, object]) -> Faults:
        values = checked(changes)
        with self._lock:
            self._faults = replace(self._faults, **values)
            return self._faults

    def clear(self) -> Faults:
        with self._lock:
            self._faults = Faults()
            return self._faults

    def decide(self, scope: str) -> Decision:
        """What happens to one request of that scope; rolled once, up front."""
        with self._lock:
            faults = self._faults
            if not faults.applies_to(scope):
                return NO_FAULT
            roll = self._random.random
            drop = roll() < faults.drop_rate
            error = None if drop or roll() >= faults.error_rate else self._random.choice(ERROR_STATUSES)
            malformed = roll() < faults.malformed_rate
        return Decision(
            latency_s=faults.latency_ms / 1000,
            drop=drop,
            error_status=error,
            unauthorized=faults.unauthorized,
            malformed=malformed,
        )

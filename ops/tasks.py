import os
import socket

from celery import shared_task
from django.utils import timezone

from ops.models import WorkerPing


@shared_task(ignore_result=True)
def answer_ping(ping_id: int) -> None:
    """Mark a ping answered; proves a worker consumes the queue and reaches the database."""
    WorkerPing.objects.filter(pk=ping_id, answered_at__isnull=True).update(
        answered_at=timezone.now(), worker=f"{socket.gethostname()}:{os.getpid()}"
    )


@shared_task(ignore_result=True)
def heartbeat() -> None:
    """Beat sends this every WORKER_HEARTBEAT_SECONDS; the worker that runs it leaves an answered
    ping, which /health/ reads. Old pings are pruned here, so the table stays small."""
    from ops.health import prune_pings

    now = timezone.now()
    WorkerPing.objects.create(answered_at=now, worker=f"{socket.gethostname()}:{os.getpid()}")
    prune_pings(now)

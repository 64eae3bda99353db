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

from django.db import transaction

from ops.models import WorkerPing
from ops.tasks import answer_ping


def request_worker_ping() -> WorkerPing:
    ping = WorkerPing.objects.create()
    transaction.on_commit(lambda: answer_ping.delay(ping.pk))
    return ping

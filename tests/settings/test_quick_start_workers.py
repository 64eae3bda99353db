"""`dev.py run`'s workers: one for every queue a task is sent to, and exports on their own, so a
long export never holds back a flush on the quick start either."""

from django.conf import settings

import dev
from tests.settings.test_compose import routed_queues, worker_queues


def test_the_quick_start_consumes_every_queue_with_exports_on_a_worker_of_their_own():
    workers = dev.workers("/srv/var")
    queues = {name: worker_queues(argv) for name, argv in workers.items()}
    assert routed_queues() <= set().union(*queues.values())
    assert {settings.EXPORT_QUEUE} in queues.values()
    for name, consumed in queues.items():
        assert consumed == {settings.EXPORT_QUEUE} or settings.EXPORT_QUEUE not in consumed, name
    # beat runs in exactly one of them, in the one that takes the default queue its tasks go to
    beat = [name for name, argv in workers.items() if "-B" in argv]
    assert len(beat) == 1 and settings.CELERY_TASK_DEFAULT_QUEUE in queues[beat[0]]
    assert "/srv/var/celerybeat-schedule" in workers[beat[0]]
    # two workers on one host must not share a node name (celery@host), or control commands mix them up
    names = [argv[argv.index("-n") + 1] for argv in workers.values()]
    assert len(set(names)) == len(names)

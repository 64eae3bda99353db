"""The Celery app: workers run the panel's long jobs (prefetch polling, log exports)."""

import os
from pathlib import Path

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plcloud_panel.settings")

app = Celery("plcloud_panel")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def make_broker_folders(sender: Celery, **_: object) -> None:
    """The embedded transport keeps messages as files; its folders must exist before a producer or
    a worker touches them. Made once the app reads its configuration, in the process about to use
    it (a worker, beat, or a page sending a task), not whenever this module is imported."""
    for key in ("data_folder_in", "data_folder_out", "control_folder"):
        folder = sender.conf.broker_transport_options.get(key)
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)

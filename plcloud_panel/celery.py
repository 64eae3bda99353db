"""The Celery app: workers run the panel's long jobs (prefetch polling, log exports)."""

import os
from pathlib import Path

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plcloud_panel.settings")

app = Celery("plcloud_panel")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The embedded transport keeps messages as files; its folders must exist before a
# producer or a worker touches them.
for key in ("data_folder_in", "data_folder_out", "control_folder"):
    folder = app.conf.broker_transport_options.get(key)
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)

"""The job ledger: every cache flush and prefetch a member submits, kept without expiry."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cdn.log_filters import LogType
from jobs.reasons import retell


class Kind(models.TextChoices):
    FLUSH = "flush", _("Cache flush")
    PREFETCH = "prefetch", _("Prefetch")
    EXPORT = "export", _("Log export")


class State(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    WAITING = "waiting", _("Waiting for a connection")
    # A change was sent and Plcloud may have carried it out, but the answer was lost: the member
    # decides whether to send it again (jobs.services.resend_call, skip_call). No worker and no
    # reconciler touches the job meanwhile, and no deadline ends it.
    ATTENTION = "attention", _("Needs your decision")
    SUCCEEDED = "succeeded", _("Succeeded")
    PARTIAL = "partial", _("Partly failed")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


ENDED = (State.SUCCEEDED, State.PARTIAL, State.FAILED, State.CANCELLED)
# States no worker may take the job in: it has ended, or it waits for its member's decision.
HALTED = (*ENDED, State.ATTENTION)


class Job(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jobs")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    # The Plcloud tenant (Keystone's id) and region the job was made under: it is listed only to
    # members connected to that tenant, and runs only while its owner's connection is to it.
    tenant_id = models.CharField(max_length=64, blank=True, db_index=True)
    region = models.CharField(max_length=128, blank=True)
    # The job's one domain ("" for a prefetch over several: see JobDomain): Plcloud's id as text,
    # and as Plcloud gave it (a JSON number or string), which is what goes back on the wire.
    domain_id = models.CharField(max_length=255, blank=True, db_index=True)
    domain_ref = models.JSONField(null=True, blank=True)
    domain_name = models.CharField(max_length=255, blank=True)
    state = models.CharField(max_length=16, choices=State.choices, default=State.QUEUED, db_index=True)
    # Plcloud's ids for the calls sent: flush ids, or prefetch request ids (stored before polling).
    upstream_ids = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    deadline = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    progress = models.PositiveSmallIntegerField(default=0)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="retries")
    # One worker at a time: a task works on the job only while it holds this lease.
    lease_owner = models.CharField(max_length=64, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    # When a task for the job was last queued (or is next due): the reconciler queues it again
    # only if nothing has run it well after that, e.g. when the broker lost the message.
    enqueued_at = models.DateTimeField(null=True, blank=True)
    # Leases taken over from a worker that never came back since the job last made progress (a
    # checkpoint, a poll that moved, a call's answer saved): a job that keeps killing its worker
    # without getting anywhere is failed after settings.JOB_MAX_CRASHES of them.
    crashes = models.PositiveSmallIntegerField(default=0)
    # Reads in a row whose answer could not be read (a poll, a log page): the job fails after
    # settings.JOB_MAX_BAD_READS of them, and any good read starts the count again.
    bad_reads = models.PositiveSmallIntegerField(default=0)
    # The change being sent, written before it leaves and cleared in the transaction that saves
    # its answer: {"call": index, "calls": how many the job makes, "items": the JobItem ids it
    # carries}. Found set by a later step, it means Plcloud may have carried the call out (its
    # answer was lost, or the worker died before saving it): the job then needs its member.
    sending = models.JSONField(null=True, blank=True)
    # When a worker last did something for the job (a call, a poll, a page written): the page
    # tells a job waiting for a worker from one that is running.
    worked_at = models.DateTimeField(null=True, blank=True)
    # The last poll that did not end the job, and job.progress then: when a prefetch will end.
    polled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "tenant_id", "-created_at"], name="job_owner_tenant_newest")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"

    @property
    def error_label(self) -> str:
        return retell(self.error)

    @property
    def ended(self) -> bool:
        return self.state in ENDED

    @property
    def needs_decision(self) -> bool:
        return self.state == State.ATTENTION

    @property
    def upstream_domain_id(self) -> object:
        return self.domain_ref if self.domain_ref is not None else self.domain_id


class JobDomain(models.Model):
    """A domain a job works on, by Plcloud's id: every domain of a prefetch that spans several."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="domains")
    domain_id = models.CharField(max_length=255, db_index=True)
    domain_name = models.CharField(max_length=255, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "domain_id"], name="job_domain_once")]

    def __str__(self) -> str:
        return f"{self.domain_name or self.domain_id} of job #{self.job_id}"


class ItemKind(models.TextChoices):
    URL = "url", _("URL")
    DIR = "dir", _("Directory")


class ItemState(models.TextChoices):
    PENDING = "pending", _("Pending")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class JobItem(models.Model):
    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="items")
    url = models.TextField()
    kind = models.CharField(max_length=8, choices=ItemKind.choices, default=ItemKind.URL)
    state = models.CharField(max_length=16, choices=ItemState.choices, default=ItemState.PENDING)
    progress = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.url

    @property
    def error_label(self) -> str:
        return retell(self.error)


class Export(models.Model):
    """A request-log export job's window, filters and file; the row outlives the file."""

    job = models.OneToOneField(Job, on_delete=models.CASCADE, related_name="export")
    log_type = models.CharField(max_length=8, choices=LogType.choices, default=LogType.CACHE)
    start_at = models.DateTimeField()
    end_at = models.DateTimeField()
    # The same filters as the log page (empty: all entries).
    status_class = models.CharField(max_length=3, blank=True)
    cache_state = models.CharField(max_length=4, blank=True)
    url_contains = models.CharField(max_length=200, blank=True)
    # The checkpoint: the file holds exactly ``rows`` lines in ``committed_bytes`` bytes: every
    # entry before ``covered_until`` (the end of the last time slice fully written; the window is
    # read a slice at a time, plcloud.log_window), and, when that slice's answer pages, its pages
    # before ``marker``. The next slice is ``slice_seconds`` long. A resumed run cuts the file back
    # to the checkpoint and reads on from there, so no line repeats and none is lost.
    covered_until = models.DateTimeField(null=True, blank=True)
    marker = models.TextField(blank=True)
    slice_seconds = models.FloatField(default=0)
    rows = models.PositiveBigIntegerField(default=0)
    scanned = models.PositiveBigIntegerField(default=0)
    committed_bytes = models.PositiveBigIntegerField(default=0)
    file_name = models.CharField(max_length=200, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    expires_at = models.DateTimeField(null=True, blank=True)
    expired = models.BooleanField(default=False)
    cancel_requested = models.BooleanField(default=False)
    # An analytics job: an export whose file, once complete, is counted (cdn.log_stats) and the
    # counts kept here for the team, after the file itself has expired.
    analyze = models.BooleanField(default=False)
    report = models.JSONField(null=True, blank=True)

    def __str__(self) -> str:
        return f"export of job #{self.job_id}"

    @property
    def downloadable(self) -> bool:
        return self.job.state == State.SUCCEEDED and bool(self.file_name) and not self.expired

"""Request-log exports: queuing one from the domain's log page, its file, cancelling it."""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.roles import role_required
from audit.services import record
from cdn import selectors
from cdn.forms import LogWindowForm
from connections.problems import explain
from connections.request_client import client_for_request
from jobs import errors, exports, presenters, services
from jobs.models import Kind
from jobs.views import job_or_404
from plcloud import NotFound, PlcloudError


@role_required(Role.VIEWER)
@require_POST
def export_start(request, domain_id: str):
    """Queue an export of the window and filters the log page shows; the worker writes the file.
    Anything wrong comes back on the log page (cdn.log_views), the window kept."""
    form = LogWindowForm(request.POST)
    context = {"domain": None, "problem": None, "form": form, "page": None}
    try:
        context["domain"] = selectors.get_domain(client=client_for_request(request), domain_id=domain_id)
    except NotFound:
        raise Http404 from None
    except PlcloudError as error:
        # Nothing is queued; the window and filters stay on the page, with a button to try again.
        context["problem"], context["export_retry"] = explain(error), domain_id
    if context["domain"] is None or not form.is_valid():
        return render(request, "cdn/domain_logs.html", context, status=400 if context["domain"] else 200)
    try:
        analyze = request.POST.get("analyze") == "1"
        job = services.submit_export(user=request.user, domain=context["domain"], window=form.window(), analyze=analyze)
    except errors.Refused as error:  # a limit (jobs.limits): said beside the export button
        context["export_refused"] = error
        return render(request, "cdn/domain_logs.html", context, status=429)
    if analyze:
        presenters.say_queued(request, job, _("Analysis queued as job %(id)s; its counts appear on the job page."))
    else:
        presenters.say_queued(request, job, _("Export queued as job %(id)s; its file appears on the job page."))
    return redirect("jobs:detail", job.pk)


@role_required(Role.VIEWER)
def export_download(request, job_id: int):
    """The export's file, to its owner only, while it has not expired."""
    job = job_or_404(request, job_id)
    export = getattr(job, "export", None) if job.kind == Kind.EXPORT else None
    if export is None:
        raise Http404
    path = exports.served_path(export) if export.downloadable and export.expires_at > timezone.now() else None
    if path is None:
        messages.error(request, _("This export has no file to download: it expired, was cancelled or failed."))
        return redirect("jobs:detail", job.pk)
    record(actor=request.user, action="jobs.export.download", object_type="job", object_id=job.pk)
    response = FileResponse(path.open("rb"), as_attachment=True, filename=exports.download_name(export))
    response["Content-Type"] = "application/gzip"
    return response


@role_required(Role.VIEWER)
@require_POST
def export_cancel(request, job_id: int):
    job = job_or_404(request, job_id)
    try:
        ended_now = services.cancel_export(user=request.user, job=job)
    except errors.Refused as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("Export cancelled.") if ended_now else _("Cancelling: the worker stops at its next page.")
        )
    return redirect("jobs:detail", job.pk)

from celery import shared_task

from alerts.checker import check_due


@shared_task(ignore_result=True)
def check_alerts() -> None:
    """Run by beat every ALERT_CHECK_SECONDS: check the due rules (each at most once per its interval)."""
    check_due()

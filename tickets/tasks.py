from celery import shared_task

from tickets.checker import check_all


@shared_task(ignore_result=True)
def check_ticket_replies() -> None:
    """Run by beat every TICKET_CHECK_SECONDS: notify members of new support replies."""
    check_all()

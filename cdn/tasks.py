"""The CDN app's background work: the account's traffic sums (cdn/flow_sums.py).

On the default queue, with the other short jobs. Arguments are ids and keys only: the member's
token is read from the database by the worker, never carried in a message.
"""

from celery import shared_task

from cdn import flow_sums


@shared_task(ignore_result=True)
def read_account_flow(user_id: int, tenant_id: str, period: str) -> None:
    """Sum the tenant's domains' traffic for the period under the member's token, and keep it."""
    flow_sums.refresh(user_id=user_id, tenant_id=tenant_id, period=period)

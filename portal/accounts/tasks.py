"""Celery tasks for accounts."""

from celery import shared_task

from portal.accounts import signin


@shared_task(name="accounts.forget_old_codes")
def forget_old_codes():
    """Every hour (Celery beat): delete sign-in code records older than a day."""
    return signin.forget_old_codes()

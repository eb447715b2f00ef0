"""Celery tasks for ratings."""

from celery import shared_task

from portal.ratings import results


@shared_task(name="ratings.publish_results")
def publish_results():
    """Every hour (Celery beat): publish last month's results once their day has come."""
    return results.publish_due()

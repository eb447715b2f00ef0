"""Celery tasks for learning sessions, run by beat (see CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from services.learning import api


@shared_task(name="learning.send_reminders", ignore_result=True)
def send_reminders():
    """Send tomorrow's reminders (daytime only, once per place); return how many."""
    return api.send_reminders()

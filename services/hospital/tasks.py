"""Celery tasks for hospital booking, run by beat every 15 minutes (see CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from services.hospital import api


@shared_task(name="hospital.send_reminders", ignore_result=True)
def send_reminders():
    """Send tomorrow's reminders (daytime only, once per appointment); return how many."""
    return api.send_reminders()


@shared_task(name="hospital.mark_missed", ignore_result=True)
def mark_missed():
    """Mark appointments whose session ended while still "booked" as missed; return how many."""
    return api.mark_missed()

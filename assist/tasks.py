"""Celery tasks for requests for help, run by beat (see CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from assist import api, follow_up, offers
from assist.models import HelpRequest


@shared_task(name="assist.end_lapsed_leases", ignore_result=True)
def end_lapsed_leases():
    """Give back the requests whose holder did not renew in time; return how many."""
    return api.end_lapsed_leases()


@shared_task(name="assist.offer_waiting", ignore_result=True)
def offer_waiting():
    """Offer waiting requests, text people with new offers, warn and escalate; return counts."""
    return offers.offer_waiting()


@shared_task(name="assist.offer_new", ignore_result=True)
def offer_new(request_id):
    """Offer a request just opened at once; return how many people it went to."""
    return offers.offer_new(request_id)


@shared_task(name="assist.ask_for_rating", ignore_result=True)
def ask_for_rating(request_id):
    """Ask the resident of a request just closed how satisfied they were."""
    help_request = HelpRequest.objects.select_related("resident").filter(pk=request_id).first()
    if help_request is not None:
        follow_up.ask_for_rating(help_request)

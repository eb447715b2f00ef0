"""What the services announce becomes a request for help (``portal.signals.needs_a_person``)."""

from django.db.models.signals import post_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from assist import api
from assist.application_cases import open_case
from assist.follow_up import ask_how_it_went
from assist.models import HelpRequest, Kind, RequestEvent, State, Topic
from assist.opening import working_days_later
from portal.channels import Channel
from portal.ratings import api as ratings
from portal.signals import needs_a_person, poor_rating

RATING_WORDS = _("The resident rated %(subject)s %(level)s out of 5.")
KIND_FOR_REASON = {"booking_refused": Kind.BOOKING_REFUSED}
TOPIC_FOR_SENDER = {"taxi": Topic.TAXI, "hospital": Topic.HOSPITAL}


@receiver(needs_a_person, dispatch_uid="assist.open_request_for_a_person")
def open_request_for_a_person(sender, *, resident, reason, record="", under="", summary="", **_):
    """A request already open (the service acted under it) gets a note; otherwise a new one.

    An application is always a case of its own (even one sent at the desk under a request):
    labelled, routed and due as its page says (``assist.application_cases``).
    """
    if reason == "application":
        case = open_case(resident, record, summary)
        if case is not None:
            return case
    current = _open_request_named(under)
    if current is not None and current.resident_id == resident.pk:
        api.note_from_the_portal(current, str(summary))
        return current
    return api.open_request(
        resident,
        kind=KIND_FOR_REASON.get(reason, Kind.NO_CAR),
        channel=Channel.SYSTEM,
        topic=TOPIC_FOR_SENDER.get(sender, Topic.OTHER),
        note=str(summary),
        about=record,
    )


@receiver(poor_rating, dispatch_uid="assist.follow_up_a_poor_rating")
def follow_up_a_poor_rating(sender, *, resident, subject, level, **_):
    """A rating of 1 or 2 opens a follow-up for a supervisor, due within one working day."""
    due = working_days_later(timezone.now(), 1)
    follow_up = api.open_request(
        resident,
        kind=Kind.FOLLOW_UP,
        channel=Channel.SYSTEM,
        note=str(RATING_WORDS % {"subject": subject, "level": level}),
        about=f"rating:{subject}",
        due=due,
    )
    ratings.follow_up_opened(resident, subject, due)
    return follow_up


@receiver(post_save, sender=RequestEvent, dispatch_uid="assist.rating_followed_up")
def rating_followed_up(sender, instance, created, **_):
    """A supervisor took up the follow-up of a poor rating (the first time counts towards the
    month's results); closed it: the resident may rate again."""
    follow_up = instance.request
    if not created or follow_up.kind != Kind.FOLLOW_UP:
        return
    if not follow_up.about.startswith("rating:"):
        return
    subject = follow_up.about.removeprefix("rating:")
    if instance.what == RequestEvent.What.TAKEN:
        ratings.followed_up(follow_up.resident, subject, instance.at)
    elif instance.what == RequestEvent.What.CLOSED:
        ratings.reopen_rating(follow_up.resident, subject)


def describe_request(resident, number):
    """A request for help, for the rating page: the resident's own, rated once closed."""
    help_request = (
        HelpRequest.objects.filter(pk=number, resident=resident)
        .exclude(kind=Kind.FOLLOW_UP)
        .first()
    )
    if help_request is None:
        return None
    day = date_format(timezone.localtime(help_request.opened_at), "MONTH_DAY_FORMAT")
    return ratings.Subject(
        reference=help_request.reference,
        kind="request",
        words=gettext("Your request for help on %(day)s") % {"day": day},
        may_rate=help_request.state == State.CLOSED,
        back_url=reverse("assist:request", args=[help_request.pk]),
    )


ratings.register("request", describe_request, service="assist")
ratings.register_asker(ask_how_it_went)


def _open_request_named(reference):
    kind, _, number = (reference or "").partition(":")
    if kind != "request" or not number.isdigit():
        return None
    return HelpRequest.objects.exclude(state=State.CLOSED).filter(pk=int(number)).first()

"""What the services announce becomes a request for help (``portal.signals.needs_a_person``)."""

from django.dispatch import receiver

from assist import api
from assist.models import HelpRequest, Kind, State, Topic
from portal.channels import Channel
from portal.signals import needs_a_person

KIND_FOR_REASON = {"booking_refused": Kind.BOOKING_REFUSED}
TOPIC_FOR_SENDER = {"taxi": Topic.TAXI, "hospital": Topic.HOSPITAL}


@receiver(needs_a_person, dispatch_uid="assist.open_request_for_a_person")
def open_request_for_a_person(sender, *, resident, reason, record="", under="", summary="", **_):
    """A request already open (the service acted under it) gets a note; otherwise a new one."""
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


def _open_request_named(reference):
    kind, _, number = (reference or "").partition(":")
    if kind != "request" or not number.isdigit():
        return None
    return HelpRequest.objects.exclude(state=State.CLOSED).filter(pk=int(number)).first()

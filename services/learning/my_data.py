"""What learning holds about a resident, for their "My data" page and download.

Registered from ``LearningConfig.ready()``: their places in sessions (with how each was
asked for), what they learned, and the hours they taught if they volunteer. A section with
nothing in it is left out.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.privacy.my_data import Section, register, who
from services.learning import words
from services.learning.models import Learned, Place, Teaching


@register(
    "learning",
    models=["learning.Place", "learning.Learned", "learning.Teaching"],
    order=30,
)
def learning(resident, *, own):
    """Places in sessions, things learned, and hours taught."""
    sections = [_places(resident), _learned(resident), _teaching(resident)]
    return [section for section in sections if section.records]


def _session_fields(session):
    return {
        "topic": session.get_topic_display(),
        "starts_at": timezone.localtime(session.starts_at),
        "where": words.where_words(session),
    }


def _places(resident):
    places = (
        Place.objects.filter(resident=resident)
        .select_related("session__centre", "signed_up_by", "entered_by")
        .order_by("created_at", "pk")
    )
    return Section(
        "learning_places",
        _("Places at learning sessions"),
        [
            ("asked_at", _("Asked for on")),
            ("topic", _("Topic")),
            ("starts_at", _("Session starts")),
            ("where", _("Where")),
            ("state", _("Status")),
            ("signed_up_by", _("Signed up by")),
            ("entered_by", _("Typed in by")),
            ("channel", _("How")),
        ],
        [
            {
                "asked_at": place.created_at,
                **_session_fields(place.session),
                "state": place.get_state_display(),
                "signed_up_by": who(place.signed_up_by, resident),
                "entered_by": who(place.entered_by, resident) if place.entered_by else "",
                "channel": place.get_channel_display(),
            }
            for place in places
        ],
    )


def _learned(resident):
    return Section(
        "learning_learned",
        _("What I have learned"),
        [("at", _("When")), ("topic", _("Topic")), ("how", _("How"))],
        [
            {"at": entry.at, "topic": entry.get_topic_display(), "how": entry.get_how_display()}
            for entry in Learned.objects.filter(resident=resident).order_by("at", "pk")
        ],
    )


def _teaching(resident):
    teaching = (
        Teaching.objects.filter(volunteer=resident)
        .select_related("session__centre")
        .order_by("session__starts_at", "pk")
    )
    return Section(
        "learning_teaching",
        _("Sessions I taught"),
        [
            ("topic", _("Topic")),
            ("starts_at", _("Session starts")),
            ("where", _("Where")),
            ("hours", _("Hours")),
        ],
        [{**_session_fields(row.session), "hours": str(row.hours)} for row in teaching],
    )

"""What the resident reads or hears about a taxi ride, and what the driver reads.

Every function here returns text in the active language (the caller picks it, e.g.
:func:`services.taxi.telling.tell` uses the resident's); nothing here sends anything.
"""

from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from content.hotline import (
    FALLBACK_HOTLINE,  # noqa: F401 - services.taxi.api re-exports it
    call_a_person,
    hotline_number,
)
from services.taxi.models import Status

# Colours as providers send them (English words), in the resident's language.
COLOURS = {
    "white": _("white"),
    "blue": _("blue"),
    "green": _("green"),
    "silver": _("silver"),
    "yellow": _("yellow"),
    "red": _("red"),
    "black": _("black"),
}


def colour_words(colour):
    """A car colour in the active language; colours we do not know are shown as sent."""
    colour = (colour or "").strip()
    known = COLOURS.get(colour.lower())
    return str(known) if known is not None else colour


def phone_words(phone):
    """A Chinese number as people dial it at home: without +86."""
    phone = phone or ""
    return phone[3:] if phone.startswith("+86") else phone


def notes_from_needs(person):
    """The notes for the driver that ``person``'s profile asks for (wheelchair, help getting
    in), in Chinese whatever the resident's language, because the driver reads them."""
    notes = []
    if person.needs_wheelchair:
        notes.append("wheelchair")
    if person.needs_boarding_help:
        notes.append("boarding_help")
    with translation.override("zh-hans"):
        words = {
            "wheelchair": gettext("Uses a wheelchair: needs room for it."),
            "boarding_help": gettext("Needs help getting into the car."),
        }
        return " ".join(words[note] for note in notes)


# ---------------------------------------------------------------------------------------------
# Where the ride is (the status page)


NEEDS_A_PERSON = {Status.NO_CAR, Status.NO_DRIVER_ANSWER, Status.DRIVER_NO_SHOW}
_STATE_WORDS = {
    Status.REQUESTED: _("We have your request and are asking for a car."),
    Status.LOOKING: _("Looking for a car near you."),
    Status.CAR_FOUND: _("A car is on its way to you."),
    Status.ARRIVED: _("Your car is here. The driver will call you."),
    Status.ON_TRIP: _("You are on your way."),
    Status.DONE: _("The trip has ended."),
    # These three end with the hotline: call_a_person() says whether a person answers now.
    Status.NO_CAR: _("No car was found."),
    Status.NO_DRIVER_ANSWER: _("No driver answered."),
    Status.DRIVER_CANCELLED: _("The driver cancelled. We are asking for another car."),
    Status.DRIVER_NO_SHOW: _("The driver did not come."),
    Status.PASSENGER_NO_SHOW: _("The driver could not find you and has left."),
    Status.CANCELLED: _("This taxi was cancelled."),
}


def state_words(ride):
    """A sentence saying where ``ride`` is now."""
    status = Status(ride.status)
    if status in (Status.REQUESTED, Status.LOOKING) and ride.pickup_at:
        return gettext("Your taxi is booked for %(time)s.") % {
            "time": timezone.localtime(ride.pickup_at).strftime("%H:%M")
        }
    words = str(_STATE_WORDS[status])
    if status in NEEDS_A_PERSON:
        words = f"{words} {call_a_person()}"
    return words


def minutes_words(minutes):
    """How far away the car is, or "" when we do not know."""
    if minutes is None:
        return ""
    return ngettext(
        "About %(minutes)d minute away.", "About %(minutes)d minutes away.", minutes
    ) % {"minutes": minutes}


# ---------------------------------------------------------------------------------------------
# Messages as the ride moves


def helper_acted_text(acting_user, words):
    """``words`` (with a ``%(who)s``) about ``acting_user``: family by name, staff by role."""
    who = gettext("A helper from the service centre") if acting_user.is_staff else acting_user
    return str(words) % {"who": who}


def ordered_by_phone_text(ride):
    """The text after a taxi was ordered on the hotline: caller ID can be forged, so the
    resident's own phone hears of it."""
    return gettext(
        "A taxi to %(address)s was ordered on the hotline from your number. If it was not you, "
        "call %(hotline)s."
    ) % {"address": ride.pickup_address, "hotline": hotline_number(ride.resident.language)}


def car_at_the_door_text(ride):
    """Why a ride whose car has arrived is not cancelled here, and what to do instead."""
    text = gettext("The car is already at the door, so it cannot be cancelled here.")
    if ride.driver_phone:
        return (
            text
            + " "
            + gettext("Tell the driver, or call them on %(phone)s.")
            % {"phone": phone_words(ride.driver_phone)}
        )
    return text + " " + gettext("Tell the driver at the door.")


def cancelled_text():
    return gettext("Your taxi has been cancelled.")


def car_found_text(ride):
    values = {
        "plate": ride.car_plate,
        "colour": colour_words(ride.car_colour),
        "phone": phone_words(ride.driver_phone),
        "minutes": ride.minutes_away,
    }
    if ride.minutes_away is None:
        return gettext("Car coming: %(plate)s %(colour)s. Driver %(phone)s.") % values
    return gettext("Car coming: %(plate)s %(colour)s. Driver %(phone)s, about %(minutes)s min.") % (
        values
    )


def arrived_text(ride):
    return gettext("Your taxi is here: %(plate)s %(colour)s. The driver will call you.") % {
        "plate": ride.car_plate,
        "colour": colour_words(ride.car_colour),
    }


def looking_again_text():
    return gettext("The driver cancelled. We are looking for another car for you.")


def passenger_no_show_text(ride):
    return gettext(
        "The driver could not find you and has left. Call %(hotline)s if you still need a taxi."
    ) % {"hotline": hotline_number(ride.resident.language)}


# What the resident is told when a ride ends without a car; each also offers a person.
SORRY = {
    Status.NO_CAR: _("Sorry, no taxi was found."),
    Status.NO_DRIVER_ANSWER: _("Sorry, no taxi was found."),
    Status.DRIVER_NO_SHOW: _("Sorry, the driver did not come."),
    # Cancelled by the taxi company (the resident's own cancel never comes through here).
    Status.CANCELLED: _("Sorry, the taxi company cancelled your taxi."),
}


def sorry_text(ride, status):
    """Sorry for ``status`` (a key of :data:`SORRY`), then the human way: the hotline.

    The ride is marked as needing help as well, so the assisted channel calls back; the
    message asks for no reply, because nothing reads replies to a text.
    """
    offer = call_a_person(ride.resident.language)
    return gettext("%(sorry)s %(offer)s") % {"sorry": str(SORRY[status]), "offer": offer}


def ended_text(rate_url):
    """The text when a ride has ended: how was it (好差评), by a digit or on the web."""
    return gettext(
        "Your trip has ended. How was it? Reply 5 very satisfied, 4 satisfied, 3 fairly "
        "satisfied, 2 dissatisfied, 1 very dissatisfied, or tell us here: %(url)s"
    ) % {"url": rate_url}

"""The answers of one "other choices" visit, kept in the session until the taxi is booked.

A visit starts on the first question with a fresh idempotency key: every confirm of that
visit names the same tap, so a double tap on the check page books one taxi. The answers are
ids and choices (a saved place's id, "in 30 minutes"), turned into addresses and times only
when shown or booked, so what is booked matches the profile and the clock at that moment.
"""

import uuid
from datetime import datetime, timedelta

from django.utils import timezone

from services.taxi import api

SESSION_KEY = "taxi_choices"
# The questions, in the order they are asked.
STEPS = ("from", "to", "when", "notes")
HOME = "home"
PLACE_PREFIX = "place-"
NOW = "now"
LATER = "later"  # a time the resident typed; its moment is in ``at``
# "In 30 minutes", "in 1 hour", ...: the offered delays, in minutes.
DELAYS = (30, 60, 120, 180, 240)


def begin(request):
    """Start a new visit: no answers yet, a new key for its one booking."""
    state = {"key": uuid.uuid4().hex, "answered": []}
    request.session[SESSION_KEY] = state
    return state


def current(request):
    """This visit's answers, starting a visit if there is none."""
    return request.session.get(SESSION_KEY) or begin(request)


def existing(request):
    """This visit's answers, or None when no visit is going (it ended with a booking)."""
    return request.session.get(SESSION_KEY)


def answer(request, step, values):
    """Keep the answer to ``step`` (a dict of plain values); return the visit's answers."""
    state = current(request)
    state.update(values)
    if step not in state["answered"]:
        state["answered"].append(step)
    request.session[SESSION_KEY] = state
    request.session.modified = True
    return state


def clear(request):
    request.session.pop(SESSION_KEY, None)


def first_missing(state, resident):
    """The first question not (or no longer validly) answered, or None when all are."""
    for step in STEPS:
        if step not in state.get("answered", ()):
            return step
        if step == "from" and pickup_place(state, resident) is None:
            return step  # the saved place was removed meanwhile
    return None


def pickup_options(resident):
    """(value, label, address, note for the driver) for home and each saved place."""
    options = []
    if resident.home_address:
        options.append((HOME, None, resident.home_address, ""))
    for place in resident.saved_places.all():
        options.append((f"{PLACE_PREFIX}{place.pk}", place.label, place.address, place.landmark))
    return options


def pickup_place(state, resident):
    """The chosen pick-up as (label or None for home, address, note), or None if gone."""
    for value, label, address, note in pickup_options(resident):
        if value == state.get("pickup"):
            return label, address, note
    return None


def pickup_time(state, now=None):
    """None for now, else the moment the taxi should come (relative choices count from now)."""
    when = state.get("when", NOW)
    if when == NOW:
        return None
    if when == LATER:
        return datetime.fromisoformat(state["at"])
    return (now or timezone.now()) + timedelta(minutes=int(when))


def profile_notes(resident):
    """The notes request_ride would add from the profile (wheelchair, help getting in)."""
    # The api builds these in the drivers' language; the notes page offers the same words.
    return api.notes_from_needs(resident)

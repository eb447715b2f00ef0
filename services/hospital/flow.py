"""The web booking flow's memory: the answers so far, kept in the resident's session.

One visit (from the start page to the confirm button) is one dict in the session. Every
question page reads it to know what was chosen before, and the first unanswered question
decides where the resident goes next, so "Change" links and the back button need no extra
state: changing an answer forgets only the answers that depended on it.
"""

import uuid
from datetime import date

from django.contrib.auth import get_user_model

from portal.consent import api as consent_api
from portal.consent.models import Scope

FLOW_KEY = "hospital_flow"
DONE_KEY = "hospital_done"
# The order of the questions; changing one answer forgets those after it.
STEPS = ("patient", "hospital", "department", "day", "session")
# How many finished visits we remember, so a late second tap on "confirm" finds its booking.
DONE_REMEMBERED = 10


def new_visit(request):
    """Forget any earlier answers and start a visit with its own idempotency key."""
    request.session[FLOW_KEY] = {"key": uuid.uuid4().hex}
    return request.session[FLOW_KEY]


def current(request):
    """This visit's answers (a fresh visit when there is none)."""
    flow = request.session.get(FLOW_KEY)
    if not isinstance(flow, dict) or "key" not in flow:
        flow = new_visit(request)
    return flow


def answer(request, step, value):
    """Record the answer to ``step``; a different answer forgets the answers after it.

    A different answer is a different booking, so it gets a fresh idempotency key; the same
    answers keep theirs, so trying again after a refusal is the same booking to a hospital's
    own system (which may have booked it before its answer got lost).
    """
    flow = current(request)
    if flow.get(step) != value:
        for later in STEPS[STEPS.index(step) + 1 :]:
            flow.pop(later, None)
        flow["key"] = uuid.uuid4().hex
    flow[step] = value
    request.session[FLOW_KEY] = flow
    request.session.modified = True
    return flow


def finish(request, key, appointment_id):
    """The visit ended in a booking: forget the answers, remember which key made which booking."""
    done = dict(request.session.get(DONE_KEY) or {})
    done[key] = appointment_id
    request.session[DONE_KEY] = dict(list(done.items())[-DONE_REMEMBERED:])
    request.session.pop(FLOW_KEY, None)


def booked_with(request, key):
    """The appointment id an earlier confirm with ``key`` made in this session, or None."""
    return (request.session.get(DONE_KEY) or {}).get(key) if key else None


def day_of(flow):
    return date.fromisoformat(flow["day"]) if flow.get("day") else None


def patients_for(user):
    """The residents ``user`` may book hospital appointments for, besides themselves.

    A family member is in the list while their hospital-booking consent naming ``user`` is in
    force (see portal/accounts/family.py); the booking itself checks it again.
    """
    return list(consent_api.residents_who_allow(user, Scope.HOSPITAL).order_by("pk"))


def patient_of(request, flow):
    """The patient of this visit: the signed-in resident, or a family member who allowed it.

    Returns None when the chosen family member no longer allows it (the question is asked
    again).
    """
    patient_id = flow.get("patient")
    if patient_id in (None, request.user.pk):
        return request.user
    patient = get_user_model().objects.filter(pk=patient_id).first()
    if patient is None or consent_api.valid_consent(patient, Scope.HOSPITAL, request.user) is None:
        return None
    return patient

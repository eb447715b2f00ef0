"""The web channel for learning: upcoming sessions as big cards, signing up with one button,
my sessions (and cancelling), and what I have learned.

Every page is the signed-in resident's own: a place or a learned entry of someone else's is
never shown (404), and "What I have learned" lists only the resident's own entries.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.accounts.decorators import resident_required
from portal.acting import Acting
from portal.channels import Channel
from services.learning import api, words
from services.learning.models import Place, Session, Topic
from services.learning.refusals import session_cancelled, session_started

JUST_SIGNED_UP = "learning_just_signed_up"


def _day_and_time(session):
    """ "Thursday 3 December, 14:00 - 15:30", in the active language (as the hospital pages)."""
    starts = timezone.localtime(session.starts_at)
    ends = timezone.localtime(session.ends_at)
    # Translators: a Django date format for a day button, e.g. "Thursday 26 November".
    day = date_format(starts.date(), gettext("l j F"))
    today = timezone.localdate()
    delta = (starts.date() - today).days
    if delta == 0:
        day = gettext("Today, %(day)s") % {"day": day}
    elif delta == 1:
        day = gettext("Tomorrow, %(day)s") % {"day": day}
    # Translators: a day and the hours, for example "Tomorrow, Thursday 3 December, 14:00 - 15:30".
    return gettext("%(day)s, %(time)s") % {"day": day, "time": f"{starts:%H:%M} - {ends:%H:%M}"}


def _card(session, place=None):
    """What a session's card says; ``place`` is the resident's own in it, if any."""
    if session.places_left > 0 and not session.waiting:
        room = words.places_left_words(session.places_left)
    else:
        room = words.waiting_words(session.waiting)
    return {
        "pk": session.pk,
        "topic": session.get_topic_display(),
        "when": _day_and_time(session),
        "where": words.where_words(session),
        "language": words.language_words(session),
        "room": room,
        "mine": words.state_words(place, getattr(place, "number_in_line", None)) if place else "",
    }


@resident_required
@require_GET
def start(request):
    """Upcoming sessions as big cards, soonest first; each says how many places are left."""
    mine = {place.session_id: place for place in api.places_of(request.user)}
    cards = [_card(session, mine.get(session.pk)) for session in api.upcoming()]
    return render(request, "learning/start.html", {"cards": cards})


def _refusal_for(session):
    """The refusal signing up would meet now (started, cancelled), or None."""
    if session.cancelled_at is not None:
        return session_cancelled()
    if session.starts_at <= timezone.now():
        return session_started()
    return None


def _refusal_words(refusal):
    return {"reason": str(refusal), "what_instead": refusal.what_instead}


@resident_required
@require_http_methods(["GET", "POST"])
def sign_up(request, session_id):
    """One session's details and one big button: sign up (or join the waiting list)."""
    session = get_object_or_404(Session.objects.select_related("centre"), pk=session_id)
    refusal = None
    if request.method == "POST":
        try:
            place = api.sign_up(Acting.by_resident(request.user, Channel.WEB), session)
        except api.SignUpRefused as refused:
            refusal = refused
        else:
            request.session[JUST_SIGNED_UP] = place.pk
            return redirect("learning:mine")
    refusal = refusal or _refusal_for(session)
    counted = api.upcoming().filter(pk=session.pk).first()
    places = {p.session_id: p for p in api.places_of(request.user)}
    context = {
        "card": _card(counted, places.get(session.pk)) if counted else None,
        "session": session,
        "topic": session.get_topic_display(),
        "when": _day_and_time(session),
        "where": words.where_words(session),
        "full": counted is not None and (counted.places_left == 0 or counted.waiting > 0),
        "already": places.get(session.pk),
        "refusal": _refusal_words(refusal) if refusal else None,
    }
    return render(request, "learning/sign_up.html", context, status=400 if refusal else 200)


def _row(place):
    session = place.session
    return {
        "pk": place.pk,
        "topic": session.get_topic_display(),
        "when": _day_and_time(session),
        "where": words.where_words(session),
        "state": words.state_words(place, place.number_in_line),
        "may_cancel": place.state in (api.State.BOOKED, api.State.WAITING)
        and session.starts_at > timezone.now(),
    }


@resident_required
@require_GET
def mine(request):
    """My sessions: the places I hold (booked or waiting, with my number in line) and the
    sessions I came to, each one to come with a way to cancel."""
    now = timezone.now()
    places = api.places_of(request.user)
    just = request.session.pop(JUST_SIGNED_UP, None)
    just_place = next((place for place in places if place.pk == just), None)
    return render(
        request,
        "learning/mine.html",
        {
            "to_come": [_row(p) for p in places if p.session.ends_at > now],
            "past": [_row(p) for p in places if p.session.ends_at <= now],
            "just": words.state_words(just_place, just_place.number_in_line) if just_place else "",
        },
    )


def _own_place(request, place_id):
    place = get_object_or_404(Place.objects.select_related("session__centre"), pk=place_id)
    if place.resident_id != request.user.pk:
        raise Http404
    return place


@resident_required
@require_http_methods(["GET", "POST"])
def cancel(request, place_id):
    """Cancel a place, after one question: "Cancel your place?" with one big button."""
    place = _own_place(request, place_id)
    refusal = None
    if request.method == "POST":
        try:
            api.cancel(Acting.by_resident(request.user, Channel.WEB), place)
        except api.SignUpRefused as refused:
            refusal = refused
        else:
            return redirect("learning:mine")
    if place.state == api.State.CANCELLED:
        return redirect("learning:mine")
    place.number_in_line = api.number_in_line(place)
    context = {
        "place": place,
        "row": _row(place),
        "refusal": _refusal_words(refusal) if refusal else None,
    }
    return render(request, "learning/cancel.html", context, status=400 if refusal else 200)


def _learned_page(request, *, error=None):
    entries = [
        {
            "topic": entry.get_topic_display(),
            "how": entry.get_how_display(),
            "day": date_format(timezone.localtime(entry.at).date(), gettext("l j F")),
        }
        for entry in api.learned(request.user)
    ]
    return render(
        request,
        "learning/learned.html",
        {"entries": entries, "error": error},
        status=400 if error else 200,
    )


@resident_required
@require_GET
def learned(request):
    """What I have learned: only the signed-in resident's own entries, newest first."""
    return _learned_page(request)


@resident_required(return_to="learning:learned")
@require_POST
def remember(request):
    """Keep that the signed-in resident practised ``topic`` (from a practice run's last page),
    then show what they have learned. An unknown topic changes nothing."""
    topic = request.POST.get("topic", "")
    if topic not in Topic.values:
        return _learned_page(request, error=gettext("We do not know that topic."))
    api.remember_practice(request.user, topic)
    return redirect("learning:learned")

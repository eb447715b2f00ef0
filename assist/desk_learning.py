"""Digital-skills sessions from the desk: signing a resident up, and the teachers' records.

Two parts, both through ``services.learning.api`` only:

- The holder of a request (a call back, a walk-in at the counter, someone on the phone line, a
  "teach me" from a guide) lists the sessions coming up, at the resident's own centre first,
  and signs the resident up or cancels their place. As for a hospital visit
  (``assist.desk_hospital``): under the request's acting context and the permission the
  resident gave for it (the service asks for it and for the holder's duty), and what was done
  goes in the request's timeline and to the resident (``assist.api.acted``).
- Volunteers who teach list the sessions of the last weeks and the next days, write down who
  came (the resident's audit log says who wrote it) and the hours they taught; supervisors see
  the hours per volunteer.
"""

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assist import api
from assist.learning_words import (
    centre_of,
    has_free_place,
    place_words,
    places_words,
    session_words,
)
from assist.models import HelpRequest
from portal.accounts.duty import may_act_now
from portal.accounts.phone import normalize_phone
from portal.accounts.roles import ACT_FOR_RESIDENT, SUPERVISE
from portal.acting import Acting
from portal.audit.api import record_view
from portal.channels import Channel
from services.learning import api as learning

# Sessions listed elsewhere than at the resident's centre, at most.
MORE_SESSIONS = 20
# How far back the teachers' page lists sessions (attendance is written down afterwards).
TEACHING_LOOKS_BACK = datetime.timedelta(days=14)
# ... and how far ahead.
TEACHING_LOOKS_AHEAD = datetime.timedelta(days=7)


def _desk_user(request):
    if not request.user.has_perm(ACT_FOR_RESIDENT):
        raise PermissionDenied
    return request.user


# ---------------------------------------------------------------------------------------------
# Signing the resident of a request up


def sessions_for_request(request, request_id):
    """The holder signs the request's resident up for a session, or cancels their place."""
    user = _desk_user(request)
    help_request = get_object_or_404(HelpRequest.objects.select_related("resident"), pk=request_id)
    if not api.holds(help_request, user):
        return redirect("assist_desk_request", request_id=help_request.pk)
    resident = help_request.resident
    error = None
    if request.method == "POST":
        try:
            _sign_up_or_cancel(request.POST, help_request, user)
        except learning.SignUpRefused as refused:  # started, cancelled by the centre
            error = f"{refused} {refused.what_instead}".strip()
        except ValidationError as refused:  # the session or place is not there any more
            error = " ".join(refused.messages)
        except PermissionDenied as refused:  # no permission from the resident, off duty
            error = str(refused)
        else:
            return redirect("assist_desk_learning", request_id=help_request.pk)
    centre = centre_of(resident)
    at_centre = list(learning.upcoming(centre=centre)) if centre is not None else []
    elsewhere = learning.upcoming()
    if centre is not None:
        elsewhere = elsewhere.exclude(centre=centre)
    now = timezone.now()
    places = [
        {
            "place": place,
            "words": session_words(place.session),
            "state": place_words(place),
            "may_cancel": place.state != learning.State.ATTENDED and place.session.starts_at > now,
        }
        for place in learning.places_of(resident)
    ]
    return render(
        request,
        "assist/desk/learning.html",
        {
            "help_request": help_request,
            "centre": centre,
            "at_centre": [_entry(session) for session in at_centre],
            "elsewhere": [_entry(session) for session in elsewhere[:MORE_SESSIONS]],
            "places": places,
            "holding_places": {entry["place"].session_id for entry in places},
            "error": error,
        },
    )


def _entry(session):
    return {
        "session": session,
        "words": session_words(session),
        "places": places_words(session),
        "free": has_free_place(session),
    }


def _sign_up_or_cancel(data, help_request, user):
    acting = api.acting_for(help_request, user)
    resident = help_request.resident
    if data.get("action") == "sign_up":
        session = learning.upcoming().filter(pk=_number(data.get("session"))).first()
        if session is None:
            raise ValidationError(
                _("That session has started or was cancelled meanwhile: choose another.")
            )
        if any(place.session_id == session.pk for place in learning.places_of(resident)):
            raise ValidationError(_("They already have a place in this session."))
        place = learning.sign_up(acting, session)
        api.acted(help_request, user, lambda: _signed_up_words(place, session))
    elif data.get("action") == "cancel":
        wanted = _number(data.get("place"))
        place = next((p for p in learning.places_of(resident) if p.pk == wanted), None)
        if place is None:
            raise ValidationError(_("That place was cancelled already."))
        learning.cancel(acting, place)
        api.acted(
            help_request,
            user,
            lambda: (
                _("Place in a digital-skills session cancelled: %(session)s.")
                % {"session": session_words(place.session)}
            ),
        )
    else:
        raise ValidationError(_("Choose a session first."))


def _signed_up_words(place, session):
    if place.state == learning.State.WAITING:
        return _(
            "Put on the waiting list (number %(number)s) of a digital-skills session: %(session)s."
        ) % {"number": place.number_in_line, "session": session_words(session)}
    return _("Place booked in a digital-skills session: %(session)s.") % {
        "session": session_words(session)
    }


def _number(value):
    """A database id sent by the page, or None (a longer number would overflow the query)."""
    try:
        number = int(value or "")
    except ValueError:
        return None
    return number if 0 < number < 2**31 else None


# ---------------------------------------------------------------------------------------------
# The teachers' page


SINCE = {
    "month": gettext_lazy("This month"),
    "year": gettext_lazy("This year"),
    "all": gettext_lazy("All time"),
}


def _since(choice):
    today = timezone.localdate()
    start = {"month": today.replace(day=1), "year": today.replace(month=1, day=1)}.get(choice)
    return timezone.make_aware(datetime.datetime.combine(start, datetime.time())) if start else None


def _recent_sessions():
    """Sessions of the last two weeks and the next week, not cancelled: ``upcoming`` from a
    moment in the past lists those that started since then too."""
    now = timezone.now()
    return learning.upcoming(now=now - TEACHING_LOOKS_BACK).filter(
        starts_at__lte=now + TEACHING_LOOKS_AHEAD
    )


def teaching(request):
    """The sessions to write down attendance and hours for; for supervisors, hours taught."""
    user = _desk_user(request)
    since = request.GET.get("since", "year")
    if since not in SINCE:
        since = "year"
    hours = None
    if user.has_perm(SUPERVISE):
        hours = learning.hours_by_volunteer(since=_since(since))
    now = timezone.now()
    return render(
        request,
        "assist/desk/teaching.html",
        {
            "sessions": [
                {
                    "session": session,
                    "words": session_words(session),
                    "started": session.starts_at <= now,
                }
                for session in _recent_sessions()
            ],
            "hours": hours,
            "since": since,
            "since_choices": SINCE.items(),
        },
    )


class AttendanceForm(forms.Form):
    came = forms.MultipleChoiceField(
        label=gettext_lazy("Who came"), required=False, widget=forms.CheckboxSelectMultiple
    )
    phone = forms.CharField(
        label=gettext_lazy("Someone else who came without a place: their phone number"),
        required=False,
        max_length=30,
    )

    def __init__(self, *args, places, **kwargs):
        super().__init__(*args, **kwargs)
        self.residents = {str(place.resident_id): place.resident for place in places}
        self.fields["came"].choices = [
            (str(place.resident_id), f"{place.resident} · {place_words(place)}") for place in places
        ]
        self.fields["came"].initial = [
            str(place.resident_id) for place in places if place.state == learning.State.ATTENDED
        ]

    def clean_phone(self):
        raw = self.cleaned_data["phone"].strip()
        if not raw:
            return None
        try:
            phone = normalize_phone(raw)
        except ValidationError:
            raise ValidationError(_("Enter a phone number, like 138 0013 8000.")) from None
        resident = get_user_model().objects.filter(phone=phone, is_staff=False).first()
        if resident is None:
            raise ValidationError(_("Nobody is registered with this number."))
        return resident

    def who_came(self):
        """The residents ticked, and the one found by phone, without repeats."""
        came = [self.residents[pk] for pk in self.cleaned_data["came"]]
        extra = self.cleaned_data["phone"]
        if extra is not None and all(person.pk != extra.pk for person in came):
            came.append(extra)
        return came


class HoursForm(forms.Form):
    hours = forms.CharField(
        label=gettext_lazy("Hours you taught"),
        max_length=5,
        help_text=gettext_lazy("For example 1.5."),
    )


def teaching_session(request, session_id):
    """One session: who came (written down once it has started) and the hours I taught."""
    user = _desk_user(request)
    session = get_object_or_404(_recent_sessions(), pk=session_id)
    if not may_act_now(user):
        # Who signed up is the residents' data: only someone on duty sees it.
        return render(
            request,
            "assist/desk/teaching_session.html",
            {"session": session, "words": session_words(session), "off_duty": True},
        )
    started = session.starts_at <= timezone.now()
    places = _places_in(session)
    attendance = AttendanceForm(
        request.POST if request.POST.get("step") == "attendance" else None, places=places
    )
    hours = HoursForm(request.POST if request.POST.get("step") == "hours" else None)
    error = None
    if attendance.is_bound and attendance.is_valid():
        attended = {str(p.resident_id) for p in places if p.state == learning.State.ATTENDED}
        came = [person for person in attendance.who_came() if str(person.pk) not in attended]
        try:
            if came:
                acting = Acting.for_resident(came[0], user, channel=Channel.COUNTER)
                learning.record_attendance(acting, session, came)
        except learning.SignUpRefused as refused:  # not started yet
            error = f"{refused} {refused.what_instead}".strip()
        else:
            total = len(attended | {str(person.pk) for person in came})
            messages.success(request, _("Written down: %(count)s came.") % {"count": total})
            return redirect("assist_desk_teaching_session", session_id=session.pk)
    if hours.is_bound and hours.is_valid():
        try:
            taught = learning.record_teaching(session, user, hours.cleaned_data["hours"])
        except ValidationError as refused:
            hours.add_error("hours", refused)
        else:
            messages.success(
                request, _("Written down: you taught %(hours)s hours.") % {"hours": taught.hours}
            )
            return redirect("assist_desk_teaching_session", session_id=session.pk)
    for place in places:
        record_view(user, place.resident, "profile", channel=Channel.COUNTER)
    return render(
        request,
        "assist/desk/teaching_session.html",
        {
            "session": session,
            "words": session_words(session),
            "started": started,
            "attendance": attendance,
            "hours": hours,
            "error": error,
        },
    )


def _places_in(session):
    """The places in ``session`` not cancelled, first asked first, each with its number in
    line. ``services.learning.api`` has no function for a session's places yet: this reads
    the session's related places, and the waiting order the api documents."""
    places = list(
        session.places.exclude(state=learning.State.CANCELLED)
        .select_related("resident")
        .order_by("created_at", "pk")
    )
    waiting = 0
    for place in places:
        if place.state == learning.State.WAITING:
            waiting += 1
            place.number_in_line = waiting
        else:
            place.number_in_line = None
    return places

"""The web booking flow: at most four choices, a check-your-answers page, one confirm button.

    start -> [who is the patient] -> [real name and ID, once] -> hospital -> department -> day
          -> time -> check your answers -> confirm -> the slip

The bracketed questions are asked only when needed. Every answer lives in the session (see
``services.hospital.flow``); each page works out what is still missing, so a page reached too
early sends the resident to the first unanswered question. Only ``services.hospital.api``
writes anything.
"""

import itertools

from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.accounts.decorators import resident_required
from portal.acting import Acting
from portal.channels import Channel
from portal.consent.api import ConsentRequired
from portal.journeys import api as journeys
from portal.notifications import api as notify
from portal.notifications.models import Purpose
from portal.privacy.agreement_views import ask_first
from portal.privacy.models import Purpose as DataPurpose
from services.hospital import api
from services.hospital import flow as visit
from services.hospital.forms import ChoiceForm, IdentityForm, PatientForm
from services.hospital.models import Department, Hospital, Session
from services.hospital.views.words import (
    day_words,
    district_words,
    doctor_words,
    places_words,
    session_words,
)

# The pages in the order they are asked; "check" is the check-your-answers page.
ORDER = ("patient", "identity", "hospital", "department", "day", "session", "check")
URL_NAMES = {
    "patient": "hospital:patient",
    "identity": "hospital:identity",
    "hospital": "hospital:choose_hospital",
    "department": "hospital:department",
    "day": "hospital:day",
    "session": "hospital:time",
    "check": "hospital:check",
}


# -- where the resident is in the flow -------------------------------------------------------


class Answers:
    """This visit's answers, as objects, checked against what is still there."""

    def __init__(self, request):
        self.request = request
        self.flow = visit.current(request)
        self.family = visit.patients_for(request.user)
        self.patient = visit.patient_of(request, self.flow)
        self.hospital = self._load(Hospital, "hospital", active=True)
        self.department = self._load(Department, "department", hospital=self.hospital)
        self.day = visit.day_of(self.flow) if self.department else None
        self.session = self._load(Session, "session", department=self.department, date=self.day)

    def _load(self, model, step, **must_match):
        pk = self.flow.get(step)
        if pk is None or any(value is None for value in must_match.values()):
            return None
        return model.objects.filter(pk=pk, **must_match).first()

    def missing(self):
        """The first question without a (still valid) answer, or "check"."""
        if self.patient is None or (self.family and "patient" not in self.flow):
            return "patient"
        if api.identity_of(self.patient) is None:
            return "identity"
        for step in ("hospital", "department", "day", "session"):
            if getattr(self, step) is None:
                return step
        return "check"

    def for_someone_else(self):
        return self.patient is not None and self.patient.pk != self.request.user.pk


def _go_to(step):
    return redirect(URL_NAMES[step])


def _asked_too_early(answers, step):
    """A redirect to the first unanswered question when ``step`` cannot be asked yet; before
    all of them, for a resident booking for themselves the first time, may the portal keep
    their ID number and visits (PIPL: asked apart; family cannot answer it for them)."""
    here = reverse(URL_NAMES[step])
    if answers.patient == answers.request.user and (
        asked := ask_first(answers.request, DataPurpose.HOSPITAL, here)
    ):
        return asked
    missing = answers.missing()
    if ORDER.index(missing) < ORDER.index(step):
        return _go_to(missing)
    return None


def _acting(request, answers):
    """The signed-in person acting on the website for the patient the answers name."""
    return Acting.for_resident(answers.patient, request.user, channel=Channel.WEB)


def _choice_page(request, template, answers, context, form=None):
    context = {"answers": answers, "form": form, **context}
    return render(request, template, context)


def _chose(request, step, value):
    visit.answer(request, step, value)
    return _go_to(Answers(request).missing())


# -- the pages ---------------------------------------------------------------------------------


@resident_required
@require_GET
def start(request):
    """The 挂号 tile: a new visit, then the first question this resident needs."""
    journeys.started(request.user, "hospital")
    visit.new_visit(request)
    answers = Answers(request)
    return _asked_too_early(answers, answers.missing()) or _go_to(answers.missing())


@resident_required
@require_http_methods(["GET", "POST"])
def patient(request):
    """Who the appointment is for; asked only of someone family members let book for them."""
    answers = Answers(request)
    refusal = None
    if answers.patient is None:
        # The family member chosen earlier has withdrawn their permission since: say so, and
        # start again so nothing chosen for them is booked for anyone else by mistake.
        refusal = _permission_withdrawn(answers.flow.get("patient"))
        visit.new_visit(request)
        answers = Answers(request)
    if not answers.family and refusal is None:
        visit.answer(request, "patient", request.user.pk)
        return _go_to(Answers(request).missing())
    initial = {"patient": str(answers.flow["patient"])} if "patient" in answers.flow else None
    form = PatientForm(
        request.POST if request.method == "POST" and refusal is None else None,
        initial=initial,
        user=request.user,
        family=answers.family,
    )
    if form.is_bound and form.is_valid():
        return _chose(request, "patient", int(form.cleaned_data["patient"]))
    context = {"form": form if answers.family else None, "refusal": refusal}
    return render(request, "hospital/patient.html", context)


def _permission_withdrawn(patient_id):
    from django.contrib.auth import get_user_model

    name = get_user_model().objects.filter(pk=patient_id).first()
    return {
        "reason": _("%(name)s no longer allows you to book hospital appointments for them.")
        % {"name": name},
        "what_instead": _(
            "Nothing has been booked. Ask them to add you again under Family on their "
            "profile, or call the hotline and we will help."
        ),
    }


@sensitive_post_parameters("real_name", "id_number")
@resident_required
@require_http_methods(["GET", "POST"])
def identity(request):
    """The patient's real name and ID number, asked once: hospitals book by real name."""
    answers = Answers(request)
    if early := _asked_too_early(answers, "identity"):
        return early
    if api.identity_of(answers.patient) is not None:
        return _go_to(answers.missing())
    form = IdentityForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            api.save_identity(
                _acting(request, answers),
                form.cleaned_data["real_name"],
                form.cleaned_data["id_number"],
            )
        except ConsentRequired:
            return _go_to("patient")  # withdrawn meanwhile: the question says so
        except ValidationError as error:
            _add_api_errors(form, error)
        else:
            return _go_to(Answers(request).missing())
    context = {"form": form, "answers": answers, "back_url": _back_url(answers, "identity")}
    return render(request, "hospital/identity.html", context)


def _add_api_errors(form, error):
    """Put the api's translated messages on the field each is about (by its code)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else "id_number", errors)
        return
    for message in error.error_list:
        about_name = (message.code or "").startswith("real_name")
        form.add_error("real_name" if about_name else "id_number", message)


@resident_required
@require_http_methods(["GET", "POST"])
def choose_hospital(request):
    """Choice 1: the hospital; the one used last first, then the rest by district."""
    answers = Answers(request)
    if early := _asked_too_early(answers, "hospital"):
        return early
    hospitals = list(api.hospitals_for(request.user))
    form = ChoiceForm(
        request.POST if request.method == "POST" else None, choices=[h.pk for h in hospitals]
    )
    if request.method == "POST" and form.is_valid():
        return _chose(request, "hospital", int(form.cleaned_data["choice"]))
    last_used = api.last_used_hospital(request.user)
    rest = [hospital for hospital in hospitals if hospital != last_used]
    districts = [
        (district_words(district), list(group))
        for district, group in itertools.groupby(rest, key=lambda h: h.district)
    ]
    context = {
        "last_used": last_used,
        "last_used_district": last_used and district_words(last_used.district),
        "districts": districts,
        "chosen": answers.flow.get("hospital"),
        "back_url": _back_url(answers, "hospital"),
    }
    return _choice_page(request, "hospital/choose_hospital.html", answers, context, form)


@resident_required
@require_http_methods(["GET", "POST"])
def department(request):
    """Choice 2: the department, each with plain words for what it treats."""
    answers = Answers(request)
    if early := _asked_too_early(answers, "department"):
        return early
    departments = list(api.departments(answers.hospital))
    form = ChoiceForm(
        request.POST if request.method == "POST" else None, choices=[d.pk for d in departments]
    )
    if request.method == "POST" and form.is_valid():
        return _chose(request, "department", int(form.cleaned_data["choice"]))
    context = {
        "departments": departments,
        "chosen": answers.flow.get("department"),
        "back_url": reverse(URL_NAMES["hospital"]),
    }
    return _choice_page(request, "hospital/department.html", answers, context, form)


@resident_required
@require_http_methods(["GET", "POST"])
def day(request):
    """Choice 3: the day; only days with free places, earliest first."""
    answers = Answers(request)
    if early := _asked_too_early(answers, "day"):
        return early
    days = api.free_days(answers.department)
    form = ChoiceForm(
        request.POST if request.method == "POST" else None, choices=[d.isoformat() for d in days]
    )
    if request.method == "POST" and form.is_valid():
        return _chose(request, "day", form.cleaned_data["choice"])
    context = {
        "days": [(d.isoformat(), day_words(d)) for d in days],
        "chosen": answers.flow.get("day"),
        "back_url": reverse(URL_NAMES["department"]),
        "release_hour": answers.department.hospital.release_hour,
    }
    return _choice_page(request, "hospital/day.html", answers, context, form)


@resident_required
@require_http_methods(["GET", "POST"])
def time(request):
    """Choice 4: morning or afternoon (or a doctor's session), with the places left."""
    answers = Answers(request)
    if early := _asked_too_early(answers, "session"):
        return early
    sessions = api.free_sessions(answers.department, answers.day)
    form = ChoiceForm(
        request.POST if request.method == "POST" else None, choices=[s.pk for s in sessions]
    )
    if request.method == "POST" and form.is_valid():
        return _chose(request, "session", int(form.cleaned_data["choice"]))
    rows = [
        {
            "pk": s.pk,
            "label": session_words(s),
            "doctor": doctor_words(s.doctor),
            "places": places_words(s.free_places),
        }
        for s in sessions
    ]
    context = {
        "sessions": rows,
        "day_words": day_words(answers.day),
        "chosen": answers.flow.get("session"),
        "back_url": reverse(URL_NAMES["day"]),
    }
    return _choice_page(request, "hospital/time.html", answers, context, form)


# -- check your answers, and the one button that books -----------------------------------------


def refusal_words(error):
    """The words for a refusal: what went wrong, and what to do instead."""
    if isinstance(error, ConsentRequired):
        return {
            "reason": _(
                "%(name)s has not allowed you to book or cancel hospital appointments for them."
            )
            % {"name": error.resident},
            "what_instead": _(
                "Ask them to add you again under Family on their profile, "
                "or call the hotline and we will help."
            ),
        }
    return {"reason": str(error), "what_instead": getattr(error, "what_instead", "")}


def _check_rows(answers):
    session = answers.session
    rows = []
    if answers.family:
        rows.append(
            {
                "label": _("Patient"),
                "value": _("Me") if not answers.for_someone_else() else str(answers.patient),
                "change_url": reverse(URL_NAMES["patient"]),
            }
        )
    rows += [
        {
            "label": _("Hospital"),
            "value": answers.hospital.display_name,
            "change_url": reverse(URL_NAMES["hospital"]),
        },
        {
            "label": _("Department"),
            "value": answers.department.display_name,
            "change_url": reverse(URL_NAMES["department"]),
        },
        {
            "label": _("Day"),
            "value": day_words(answers.day),
            "change_url": reverse(URL_NAMES["day"]),
        },
        {
            "label": _("Time"),
            "value": session_words(session),
            "change_url": reverse(URL_NAMES["session"]),
        },
    ]
    if session.doctor:
        rows.append({"label": _("Doctor"), "value": doctor_words(session.doctor)})
    rows.append({"label": _("Address"), "value": answers.hospital.display_address})
    return rows


def _check_page(request, answers, refusal=None):
    identity = api.identity_of(answers.patient)
    # The hospital's own deadline (its rule, as data), not a fixed "the evening before".
    cancel_deadline = timezone.localtime(api.cancel_deadline(answers.session))
    code_goes_at = notify.goes_at(Purpose.HOSPITAL)  # after quiet hours, when booked at night
    context = {
        "cancel_deadline": cancel_deadline,
        "cancel_day": day_words(cancel_deadline.date()),
        # Booked late (at night for tomorrow morning), the deadline may already have passed.
        "cancel_deadline_passed": cancel_deadline <= timezone.now(),
        "code_by_voice": answers.patient.notify_by == "voice",
        "code_goes_at": timezone.localtime(code_goes_at),
        "code_waits": code_goes_at > timezone.now(),
        "rows": _check_rows(answers),
        "identity": identity,
        "key": answers.flow["key"],
        "refusal": refusal,
        "what_to_bring": answers.hospital.display_what_to_bring,
        "back_url": reverse(URL_NAMES["session"]),
    }
    return render(request, "hospital/check.html", context)


@resident_required
@require_GET
def check(request):
    """Check your answers: each can be changed; a refusal shows before the button is pressed."""
    answers = Answers(request)
    if early := _asked_too_early(answers, "check"):
        return early
    refusal = None
    try:
        api.check_booking(answers.session, _acting(request, answers))
    except (api.BookingRefused, ConsentRequired) as error:
        refusal = refusal_words(error)
    return _check_page(request, answers, refusal)


# Signed out by the time the button is pressed: after signing in, the check page (a GET page)
# is shown afresh, nothing booked, the POST not replayed. The answers live in the session: if
# they ended with it, the check page sends the resident on to the first question still to
# answer (usually the hospital; "who" first for someone family let book for them), the
# earliest page of the flow that can be shown afresh.
@resident_required(return_to="hospital:check")
@require_POST
def confirm(request):
    """The one button that books. The visit's key makes a double tap one appointment."""
    posted_key = request.POST.get("key", "")
    earlier = visit.booked_with(request, posted_key)
    if earlier is not None:
        return redirect("hospital:slip", appointment_id=earlier)
    answers = Answers(request)
    if early := _asked_too_early(answers, "check"):
        return early
    key = answers.flow["key"]
    try:
        appointment = api.book(answers.session, _acting(request, answers), idempotency_key=key)
    except (api.BookingRefused, ConsentRequired) as error:
        # The key stays: nothing was booked with it here, and a hospital's own system that
        # booked before its answer was lost must see the same reference when the resident
        # tries again, or it books twice.
        return _check_page(request, answers, refusal_words(error))
    visit.finish(request, key, appointment.pk)
    request.session["hospital_just_booked"] = appointment.pk
    return redirect("hospital:slip", appointment_id=appointment.pk)


def _back_url(answers, step):
    """The page before ``step`` in this visit (the start of the portal for the first one)."""
    before = {
        "identity": "patient" if answers.family else None,
        "hospital": "patient" if answers.family else None,
    }.get(step)
    if before is None:
        return reverse("wagtail_serve", args=[""])
    return reverse(URL_NAMES[before])

"""The web channel for applications: a start page, one question a page, check your answers,
send; then the application's page with its number, a receipt slip, and "my applications".
The printed form is for anyone (a counter hands it out); everything else needs a resident.
"""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods

from portal.accounts.decorators import resident_required
from portal.acting import Acting
from portal.audit.api import record_view
from portal.channels import Channel
from portal.consent.api import residents_who_allow, valid_consent
from services.applications import api, flow
from services.applications.forms import ForWhomForm, QuestionForm, initial_for
from services.applications.models import Application


def _page(page_id):
    page = api.page_for(page_id)
    if page is None:
        raise Http404
    return page


def _question_url(page, key, changing=False):
    url = reverse("applications:question", args=[page.pk, key])
    return f"{url}?change=1" if changing else url


def _check_url(page):
    return reverse("applications:check", args=[page.pk])


@resident_required
@require_GET
def start(request, page_id):
    """Who can apply, the documents to have ready, what happens next; then the first question."""
    page = _page(page_id)
    context = {"page": page, "about": api.about(page), "total": len(api.questions(page))}
    return render(request, "applications/start.html", context)


@resident_required
@require_GET
def begin(request, page_id):
    """The start page's button: a new visit, with no answers yet (first: for whom, if family
    let this person apply for them)."""
    page = _page(page_id)
    flow.begin(request, page)
    if _family(request.user):
        return redirect("applications:for_whom", page_id=page.pk)
    return redirect(_question_url(page, api.questions(page)[0].key))


def _family(user):
    """The residents who let ``user`` apply for services for them now."""
    return list(residents_who_allow(user, api.SCOPE).order_by("pk"))


@resident_required
@require_http_methods(["GET", "POST"])
def for_whom(request, page_id):
    """Whom the application is for: oneself, or a family member who allows it."""
    page = _page(page_id)
    family = _family(request.user)
    first = _question_url(page, api.questions(page)[0].key)
    if not family:
        return redirect(first)
    state = flow.current(request, page)
    chosen = state.get("for") or request.user.pk
    form = ForWhomForm(
        request.POST if request.method == "POST" else None,
        initial={"person": str(chosen)},
        user=request.user,
        family=family,
    )
    if form.is_bound and form.is_valid():
        person = int(form.cleaned_data["person"])
        flow.choose_for(request, page, None if person == request.user.pk else person)
        return redirect(first)
    context = {
        "page": page,
        "form": form,
        "back_url": reverse("applications:start", args=[page.pk]),
    }
    return render(request, "applications/for_whom.html", context)


def _applicant(request, state):
    """The resident the visit applies for: the signed-in resident, or the family member chosen
    (None when that person no longer allows it)."""
    chosen = state.get("for")
    if not chosen:
        return request.user
    return next((member for member in _family(request.user) if member.pk == chosen), None)


@resident_required
@require_http_methods(["GET", "POST"])
def question(request, page_id, key):
    """One question; ``?change=1`` comes from, and goes back to, the check page."""
    page = _page(page_id)
    state = flow.current(request, page)
    answers = state["answers"]
    applying = api.visible(page, answers)
    keys = [item.key for item in applying]
    if key not in keys:  # not asked (any more) with these answers: on to what is
        missing = flow.first_missing(applying, answers)
        return redirect(_question_url(page, missing.key) if missing else _check_url(page))
    index = keys.index(key)
    missing = flow.first_missing(applying[:index], answers)
    if missing is not None:
        return redirect(_question_url(page, missing.key))
    asked = applying[index]
    changing = request.GET.get("change") == "1"
    if request.method == "POST":
        form = QuestionForm(request.POST, question=asked)
        if form.is_valid():
            state = flow.answer(request, page, key, form.cleaned_data["answer"])
            return redirect(_after(page, state["answers"], key, changing))
    else:
        form = QuestionForm(question=asked, initial=initial_for(asked, answers.get(key)))
    if changing:
        back = _check_url(page)
    elif index == 0:
        back = reverse("applications:start", args=[page.pk])
    else:
        back = _question_url(page, keys[index - 1])
    context = {
        "page": page,
        "question": asked,
        "form": form,
        "number": index + 1,
        "total": len(applying),
        "action": _question_url(page, key, changing),
        "back_url": back,
    }
    return render(request, "applications/question.html", context)


def _after(page, answers, key, changing):
    """After an answer: the first question still unanswered (an answer may have shown a new
    one), else the next, else the check page."""
    applying = api.visible(page, answers)
    missing = flow.first_missing(applying, answers)
    if missing is not None:  # a change from the check page goes back there after it
        return _question_url(page, missing.key, changing)
    keys = [item.key for item in applying]
    if changing or key == keys[-1]:
        return _check_url(page)
    return _question_url(page, keys[keys.index(key) + 1])


@resident_required
@require_http_methods(["GET", "POST"])
def check(request, page_id):
    """Check your answers, each with a change link; one button sends the application."""
    page = _page(page_id)
    tapped = request.POST.get("key", "") if request.method == "POST" else ""
    if tapped:  # a second tap after the first sent it: that application
        sent = api.sent_by(request.user).filter(key=tapped[:80]).first()
        if sent is not None:
            return redirect("applications:application", application_id=sent.pk)
    state = flow.current(request, page)
    answers = state["answers"]
    applying = api.visible(page, answers)
    missing = flow.first_missing(applying, answers)
    if missing is not None:
        return redirect(_question_url(page, missing.key))
    error = ""
    applicant = _applicant(request, state)
    if applicant is None:  # the family member withdrew the permission meanwhile
        flow.clear(request, page)
        error = " ".join(
            (
                gettext("That person no longer lets you apply for them, so nothing was sent."),
                gettext("Ask them to add you again under Family, or call the hotline."),
            )
        )
        start = reverse("applications:start", args=[page.pk])
        return render(
            request, "applications/check.html", {"page": page, "error": error, "start_url": start}
        )
    if request.method == "POST" and tapped == state["key"]:
        try:
            application = api.apply(
                Acting.for_resident(applicant, request.user, channel=Channel.WEB),
                page,
                answers,
                key=state["key"],
            )
        except (api.ApplicationRefused, api.ConsentRequired) as refusal:
            error = str(refusal)
        else:
            flow.clear(request, page)
            return redirect("applications:application", application_id=application.pk)
    rows = []
    for asked in applying:
        try:
            shown = api.validate(asked, answers[asked.key]).shown
        except ValidationError:  # the question changed since it was answered: ask it again
            return redirect(_question_url(page, asked.key))
        rows.append(
            {
                "label": asked.text,
                "value": shown,
                "change_url": _question_url(page, asked.key, True),
            }
        )
    context = {
        "page": page,
        "rows": rows,
        "for_someone_else": applicant if applicant.pk != request.user.pk else None,
        "key": state["key"],
        "error": error,
        "contact": api.contact_words(page),
        "back_url": _question_url(page, applying[-1].key),
    }
    return render(request, "applications/check.html", context)


def _own(request, application_id):
    """The resident's own application, or one a family member sent for them while they still
    allow it (that look is written in the resident's log); else 404."""
    application = get_object_or_404(
        Application.objects.select_related("page", "resident"), pk=application_id
    )
    if application.resident_id == request.user.pk:
        return application
    if application.applied_by_id == request.user.pk:
        consent = valid_consent(application.resident, api.SCOPE, request.user)
        if consent is not None:
            record_view(
                request.user,
                application.resident,
                "applications",
                channel=Channel.WEB,
                consent=consent,
            )
            return application
    raise Http404


@resident_required
@require_GET
def application(request, application_id):
    """One application: its number, its state, what happens next, the answers as given."""
    application = _own(request, application_id)
    return render(request, "applications/application.html", _shown(application))


@resident_required
@require_GET
def slip(request, application_id):
    """The receipt slip, to print or show at the counter: the number and what was sent."""
    application = _own(request, application_id)
    return render(request, "applications/slip.html", _shown(application))


def _shown(application):
    page = application.page.specific if application.page_id else None
    return {
        "application": application,
        "page": page,
        "contact": api.contact_words(page) if page else "",
        "how_long": page.how_long if page else "",
        "what_happens_next": page.what_happens_next if page else "",
    }


@resident_required
@require_GET
def mine(request):
    """My applications, newest first, each with where it stands."""
    return render(
        request, "applications/mine.html", {"applications": api.applications_of(request.user)}
    )


@require_GET
def paper_form(request, page_id):
    """The printable A4 form: every question with boxes to fill in, choices as tick boxes."""
    page = _page(page_id)
    questions = api.questions(page)
    by_key = {question.key: question for question in questions}
    rows = []
    for question in questions:
        when = None
        earlier = by_key.get(question.show_if)
        if earlier is not None:
            labels = dict(earlier.options)
            choices = [f"“{labels[value]}”" for value in question.show_values if value in labels]
            when = {"number": earlier.number, "choices": gettext(" or ").join(choices)}
        rows.append((question, when))
    context = {"page": page, "about": api.about(page), "questions": rows}
    return render(request, "applications/paper_form.html", context)

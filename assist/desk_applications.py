"""Applications at the help desk: handling a case, and applying for a resident.

A case (a request of the kind ``application``, see :mod:`assist.application_cases`) shows its
holder the answers as they were asked and four steps: accept, ask for a missing document,
approve, refuse. Each is ``services.applications.api``'s, which tells the resident by text or
call in their language; approving or refusing also closes the case as done (the resident is
asked to rate the application itself, so the request asks nothing more).

Applying for a resident is done under the request one holds for them: a walk-in at the counter
(also how a paper form is typed in) or a caller the phone line put through to a person. Every
question is on one page, with the words to ask aloud; the resident's permission is recorded
for the request, said on the phone or signed at the counter, then the application is sent
under the request's reference, with its channel.
"""

import uuid

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from assist import api
from assist.models import HelpRequest, Kind, Outcome
from portal.accounts.duty import may_act_now
from portal.accounts.roles import ACT_FOR_RESIDENT
from portal.channels import Channel
from portal.consent.models import Consent, GivenVia
from services.applications import api as applications

# ---------------------------------------------------------------------------------------------
# Handling a case


class DocumentForm(forms.Form):
    what = forms.CharField(
        label=gettext_lazy("Which document is missing"),
        max_length=200,
        error_messages={"required": gettext_lazy("Say which document is missing.")},
    )
    where = forms.CharField(
        label=gettext_lazy("Where to bring it"),
        max_length=200,
        help_text=gettext_lazy("The place and its opening hours, as the resident should hear it."),
        error_messages={"required": gettext_lazy("Say where to bring it.")},
    )


class RefuseForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why it is not approved, in plain words"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("The resident is told these words by text or call."),
        error_messages={"required": gettext_lazy("Say in plain words why it is not approved.")},
    )


STEPS = {
    "accept": forms.Form,
    "document": DocumentForm,
    "approve": forms.Form,
    "refuse": RefuseForm,
}


def application_of(help_request):
    """The application a case is about, or None (another kind of request)."""
    if help_request.kind != Kind.APPLICATION:
        return None
    return applications.find(help_request.about)


def case_for(help_request, holding, forms_=None):
    """What the request page shows of an application case: its details and answers for
    everyone on the desk, the steps' forms for its holder; None for another kind."""
    application = application_of(help_request)
    if application is None:
        return None
    return {
        "application": application,
        "desk": applications.for_the_desk(application),
        "forms": (forms_ or {}) | {k: f() for k, f in STEPS.items() if k not in (forms_ or {})},
        "holding": holding,
    }


def _holder_request(request, request_id):
    if not request.user.has_perm(ACT_FOR_RESIDENT):
        raise PermissionDenied
    return get_object_or_404(HelpRequest.objects.select_related("resident"), pk=request_id)


@require_POST
def handle(request, request_id):
    """One step on the case: accept, ask for a document, approve or refuse (then close)."""
    user = request.user
    help_request = _holder_request(request, request_id)
    application = application_of(help_request)
    if application is None:
        raise Http404
    step = request.POST.get("step")
    if step not in STEPS:
        raise PermissionDenied
    form = STEPS[step](request.POST)
    error = None
    if not form.is_valid():
        error = _("Check the form: something is missing.")
    else:
        try:
            closes = _take_step(step, help_request, application, user, form.cleaned_data)
        except ValidationError as refused:  # a missing reason, or someone moved it meanwhile
            error = refused.messages[0]
        except PermissionDenied as refused:  # not holding it, off duty, not allowed to decide
            error = str(refused) or _("You may not do this.")
        else:
            if closes:
                return redirect("assist_desk")
            return redirect("assist_desk_request", request_id=help_request.pk)
    help_request.refresh_from_db()
    holding = api.holds(help_request, user)
    return render(
        request,
        "assist/desk/application_case.html",
        {
            "help_request": help_request,
            "case": case_for(help_request, holding, {step: form}),
            "error": error,
        },
    )


def _take_step(step, help_request, application, user, data):
    """Do ``step`` through the applications api; True when the case closed with it."""
    if not may_act_now(user):
        raise PermissionDenied(_("Go on duty to act for residents."))
    acting = api.acting_for(help_request, user)  # the holder only
    number = application.case_number
    if step == "accept":
        applications.accept(acting, application)
        api.add_note(help_request, user, _("Application %(number)s accepted.") % {"number": number})
    elif step == "document":
        applications.ask_for_document(acting, application, data["what"], data["where"])
        api.add_note(
            help_request,
            user,
            _("Asked the resident for %(what)s, to bring to %(where)s.")
            % {"what": data["what"], "where": data["where"]},
        )
    elif step == "approve":
        applications.approve(acting, application)
        api.close(
            help_request,
            user,
            Outcome.DONE,
            _("Application %(number)s approved.") % {"number": number},
        )
        return True
    elif step == "refuse":
        applications.refuse(acting, application, data["reason"])
        api.close(
            help_request,
            user,
            Outcome.DONE,
            _("Application %(number)s not approved: %(reason)s")
            % {"number": number, "reason": data["reason"]},
        )
        return True
    api.renew(help_request, user)
    return False


# ---------------------------------------------------------------------------------------------
# Applying for a resident


def _given_via(help_request):
    """How the resident says yes to it: signed at the counter, or said on the phone."""
    if help_request.channel == Channel.COUNTER:
        return GivenVia.IN_PERSON_COUNTER
    return GivenVia.PHONE_SPOKEN


class ApplyForm(forms.Form):
    """Every question of a page, each answered or left empty (a question that does not apply);
    ``api.validate`` judges the answers to the questions that apply."""

    key = forms.CharField(widget=forms.HiddenInput, max_length=40)
    agreed = forms.BooleanField(
        label=gettext_lazy("The resident agrees that I send this application for them"),
        error_messages={"required": gettext_lazy("Ask the resident first: they must agree.")},
    )
    given_via = forms.ChoiceField(
        label=gettext_lazy("How they said yes"),
        choices=[(v.value, v.label) for v in (GivenVia.PHONE_SPOKEN, GivenVia.IN_PERSON_COUNTER)],
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            self.fields[f"q_{question.key}"] = _field(question)

    def answers(self):
        """The raw answers given, ``{key: value}``, without the empty ones."""
        raw = {q.key: str(self.data.get(f"q_{q.key}", "")).strip() for q in self.questions}
        return {key: value for key, value in raw.items() if value}

    def rows(self):
        """Each question with its field, for the template."""
        return [(question, self[f"q_{question.key}"]) for question in self.questions]


def _field(question):
    common = {"label": question.text, "required": False}
    if question.options:
        return forms.ChoiceField(choices=list(question.options), widget=forms.RadioSelect, **common)
    if question.kind == "date":
        return forms.CharField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if question.kind == "phone":
        return forms.CharField(
            max_length=30, widget=forms.TextInput(attrs={"type": "tel"}), **common
        )
    return forms.CharField(**common)


def apply_for(request, request_id, page_id=None):
    """The published application pages; then one page's questions, answered with the resident
    (or typed in from their paper form), their permission, and one button that sends it."""
    user = request.user
    help_request = _holder_request(request, request_id)
    if not api.holds(help_request, user):
        return redirect("assist_desk_request", request_id=help_request.pk)
    resident = help_request.resident
    context = {"help_request": help_request, "given_via": GivenVia(_given_via(help_request))}
    if page_id is None:
        context["pages"] = applications.published_pages(resident.language)
        return render(request, "assist/desk/apply.html", context)
    page = applications.page_for(page_id)
    if page is None:
        raise Http404
    questions = applications.questions(page)
    bound = request.method == "POST"
    form = ApplyForm(
        request.POST if bound else None,
        questions=questions,
        initial={"key": uuid.uuid4().hex, "given_via": _given_via(help_request)},
    )
    problems, error = {}, None
    if bound:
        answers = form.answers()
        for question in applications.visible(page, answers):
            try:
                applications.validate(question, answers.get(question.key))
            except ValidationError as problem:
                problems[question.key] = problem.messages[0]
        if form.is_valid() and not problems:
            try:
                application = _send(help_request, user, page, answers, form.cleaned_data)
            except ValidationError as refused:
                error = refused.messages[0]
            except PermissionDenied as refused:  # off duty, not holding it any more
                error = str(refused)
            else:
                return redirect(
                    "assist_desk_apply_sent",
                    request_id=help_request.pk,
                    application_id=application.pk,
                )
        elif problems:
            error = _("Some answers need another look: see below.")
    context |= {
        "page": page,
        "about": applications.about(page),
        "form": form,
        "rows": [
            (question, field, problems.get(question.key), _asked_when(question, questions))
            for question, field in form.rows()
        ],
        "error": error,
    }
    return render(request, "assist/desk/apply.html", context)


def _asked_when(question, questions):
    """For a question asked only after certain answers: "question 2 was answered “...”"."""
    earlier = next((q for q in questions if q.key == question.show_if), None)
    if earlier is None:
        return ""
    labels = dict(earlier.options)
    choices = _(" or ").join(f"“{labels[v]}”" for v in question.show_values if v in labels)
    return _(
        "Ask it only if question %(number)s was answered %(choices)s; else leave it empty."
    ) % {
        "number": earlier.number,
        "choices": choices,
    }


def _send(help_request, user, page, answers, data):
    """Record the permission (once for this request) and send the application, together:
    a refusal leaves neither. Then the timeline and the resident's "helped you" text."""
    with transaction.atomic():
        if (
            not Consent.objects.in_force()
            .filter(
                resident=help_request.resident,
                grantee__isnull=True,
                reference=help_request.reference,
                scope=applications.SCOPE,
            )
            .exists()
        ):
            api.record_consent(help_request, user, applications.SCOPE, data["given_via"])
        application = applications.apply(
            api.acting_for(help_request, user),
            page,
            answers,
            key=f"{help_request.reference}:{data['key']}",
        )
    api.acted(
        help_request,
        user,
        lambda: (
            _("Application for %(label)s sent: number %(number)s.")
            % {"label": application.case_label, "number": application.case_number}
        ),
    )
    return application


def apply_sent(request, request_id, application_id):
    """Sent: the case number, large, to read out or hand over on the slip."""
    user = request.user
    help_request = _holder_request(request, request_id)
    application = applications.find(f"application:{application_id}")
    if application is None or application.resident_id != help_request.resident_id:
        raise Http404
    if not api.holds(help_request, user):
        return redirect("assist_desk_request", request_id=help_request.pk)
    return render(
        request,
        "assist/desk/apply_sent.html",
        {
            "help_request": help_request,
            "application": application,
            "contact": applications.contact_words(application.page) if application.page else "",
        },
    )

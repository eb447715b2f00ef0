"""Rate it (好差评): the resident's page for one ride, appointment or request for help.

``/rate/<subject>/`` shows five large labelled choices (words, never stars alone), a few
optional reasons and a comment, one button; then a thank-you page. Once rated, the same page
shows the rating and, until ``RATING_CHANGE_DAYS`` have passed, lets the resident change it.
Whose a subject is comes from the service that owns it (``portal.ratings.subjects``): someone
else's, or an unknown one, is not found.
"""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from portal.accounts.decorators import resident_required
from portal.acting import Acting
from portal.ratings import api
from portal.ratings.forms import RateForm
from portal.ratings.subjects import describe, reasons_for


def _subject(request, subject):
    found = describe(request.user, subject)
    if found is None:
        raise Http404
    return found


@resident_required
@require_http_methods(["GET", "POST"])
def rate_page(request, subject):
    found = _subject(request, subject)
    rating = api.rating_of(request.user, found.reference)
    may_change = rating is not None and api.may_change(rating)
    may_rate = (rating is None and found.may_rate) or may_change
    form = None
    if may_rate:
        initial = {}
        if rating is not None and not rating.may_rate_again:
            initial = {"level": rating.level, "reasons": rating.reasons, "comment": rating.comment}
        form = RateForm(
            request.POST if request.method == "POST" else None,
            initial=initial,
            reasons=reasons_for(found.reference),
        )
        if request.method == "POST" and form.is_valid():
            try:
                api.rate(
                    Acting.by_resident(request.user),
                    found.reference,
                    form.cleaned_data["level"],
                    form.cleaned_data["comment"],
                    form.cleaned_data["reasons"],
                    change=True,
                )
            except ValidationError as refused:
                form.add_error(None, refused)
            else:
                return redirect("rated", subject=found.reference)
    return render(
        request,
        "ratings/rate.html",
        {
            "subject": found,
            "rating": rating,
            "reasons": _reason_words(rating),
            "change_until": api.change_until(rating) if may_change else None,
            "form": form,
        },
    )


@resident_required
@require_GET
def rated_page(request, subject):
    found = _subject(request, subject)
    rating = api.rating_of(request.user, found.reference)
    if rating is None:
        return redirect("rate", subject=found.reference)
    return render(
        request,
        "ratings/thanks.html",
        {
            "subject": found,
            "rating": rating,
            "reasons": _reason_words(rating),
            "change_until": api.change_until(rating) if api.may_change(rating) else None,
        },
    )


def _reason_words(rating):
    if rating is None:
        return []
    words = dict(reasons_for(rating.subject))
    return [words[key] for key in rating.reasons if key in words]

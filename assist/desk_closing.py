"""Closing a resident's account from the desk: the holder of their request (at a counter, or a
volunteer on the phone; a caller who asked for "a person" on the hotline becomes such a
request) writes down that the resident asked, in person or on the phone, and can cancel a
closing that is pending, through ``portal.accounts.closing`` as the website does.

The resident's own words are what counts: no permission is asked for, but the closing names
the staff member who wrote it down, goes in the resident's audit log, and the resident is
texted the date, so a closing written down by mistake is caught and kept in the days before.
"""

from django import forms
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from assist import api
from assist.models import HelpRequest
from portal.accounts import closing
from portal.accounts.roles import ACT_FOR_RESIDENT, SERVE_AT_COUNTER
from portal.channels import Channel

IN_PERSON, ON_THE_PHONE = "in_person", "phone"


class AskForm(forms.Form):
    how = forms.ChoiceField(
        label=_("How the resident asked"),
        choices=[
            (IN_PERSON, _("The resident asked in person")),
            (ON_THE_PHONE, _("The resident asked on the phone")),
        ],
        widget=forms.RadioSelect,
    )


@require_http_methods(["GET", "POST"])
def close_account(request, request_id):
    """What closing does, and the button to write down that the resident asked; or, while a
    closing is pending, when it closes and the button to keep the account."""
    if not request.user.has_perm(ACT_FOR_RESIDENT):
        raise PermissionDenied
    help_request = get_object_or_404(HelpRequest.objects.select_related("resident"), pk=request_id)
    if not api.holds(help_request, request.user):
        return redirect("assist_desk_request", request_id=help_request.pk)
    resident = help_request.resident
    reached = api.acting_for(help_request, request.user).channel
    form = AskForm(initial={"how": IN_PERSON if reached == Channel.COUNTER else ON_THE_PHONE})
    error = None
    if request.method == "POST" and request.POST.get("action") == "keep":
        try:
            if closing.cancel_closing(resident, api.acting_for(help_request, request.user)):
                api.add_note(help_request, request.user, str(_("Account kept: not closed.")))
                api.renew(help_request, request.user)
        except closing.TooLate as refused:
            error = refused.messages[0]
        else:
            return redirect("assist_desk_close_account", request_id=help_request.pk)
    elif request.method == "POST":
        form = AskForm(request.POST)
        if form.is_valid():
            channel = (
                _in_person(request.user) if form.cleaned_data["how"] == IN_PERSON else Channel.PHONE
            )
            closure = closing.ask_to_close(
                resident, api.acting_for(help_request, request.user, channel=channel)
            )
            api.add_note(
                help_request,
                request.user,
                str(_("The resident asked to close their account: it closes on %(when)s."))
                % {"when": closing.when_words(closure.closes_at)},
            )
            api.renew(help_request, request.user)
            return redirect("assist_desk_close_account", request_id=help_request.pk)
    pending = closing.pending_closure(resident)
    return render(
        request,
        "assist/desk/close_account.html",
        {
            "help_request": help_request,
            "resident": resident,
            "form": form,
            "error": error,
            "pending": pending,
            "closes": closing.when_words(pending.closes_at) if pending else "",
            "may_cancel": pending is not None and closing.may_cancel(pending),
            **closing.periods(),
        },
    )


def _in_person(user):
    """In person: at a counter, or a volunteer who came to the resident."""
    return Channel.COUNTER if user.has_perm(SERVE_AT_COUNTER) else Channel.VOLUNTEER

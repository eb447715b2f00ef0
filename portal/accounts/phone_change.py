"""Changing the phone number a resident signs in with: a fresh code from the old
phone first, then a code sent to the new one."""

from django import forms
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from portal.accounts import code_pages, signin
from portal.accounts.forms import CodeForm, clean_code_recipient
from portal.accounts.fresh_code import fresh_code_required
from portal.accounts.views import outcome_message
from portal.audit.sentences import register_sentence

PENDING_KEY = "phone_change"
register_sentence(
    "changed_phone",
    gettext_lazy("%(who)s changed the phone number you sign in with %(how)s."),
    own=gettext_lazy("You changed the phone number you sign in with %(how)s."),
)


class NewPhoneForm(forms.Form):
    phone = forms.CharField(
        label=gettext_lazy("Your new phone number"),
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
        error_messages={"required": gettext_lazy("Enter your new phone number.")},
    )

    def clean_phone(self):
        # Whether another account has the number is said only after the code proves the
        # resident holds that phone: before, it would tell anyone which numbers are registered.
        return clean_code_recipient(self.cleaned_data["phone"])


@fresh_code_required
@require_http_methods(["GET", "POST"])
def change_phone(request):
    form = NewPhoneForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        attempt = signin.new_attempt()
        result = signin.request_number_change(
            request, request.user, form.cleaned_data["phone"], attempt
        )
        request.session[PENDING_KEY] = code_pages.remember({}, result, attempt)
        return redirect("change_phone_confirm")
    return render(request, "accounts/change_phone.html", {"form": form})


@fresh_code_required
@require_http_methods(["GET", "POST"])
def confirm_new_phone(request):
    pending = request.session.get(PENDING_KEY)
    if not pending:
        return redirect("change_phone")
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        outcome, user = signin.verify_code(
            request.user.phone, pending.get("attempt"), form.cleaned_data["code"]
        )
        if outcome is signin.Outcome.SIGNED_IN and user == request.user:
            del request.session[PENDING_KEY]
            try:
                signin.change_phone(user, pending["phone"])
            except signin.NumberTaken:
                return render(
                    request, "accounts/change_phone_taken.html", {"phone": pending["phone"]}
                )
            return redirect("profile")
        form.add_error("code", outcome_message(outcome))
    return render(
        request,
        "accounts/change_phone_confirm.html",
        {
            "form": form,
            "phone": pending["phone"],
            "code_status": code_pages.status(pending),
            "has_code": code_pages.has_code(pending),
        },
    )

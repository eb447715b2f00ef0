"""Changing the phone number a resident signs in with: a fresh code from the old
phone first, then a code sent to the new one."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from portal.accounts import signin
from portal.accounts.forms import CodeForm
from portal.accounts.fresh_code import fresh_code_required
from portal.accounts.phone import normalize_phone
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
        try:
            phone = normalize_phone(self.cleaned_data["phone"])
        except ValidationError:
            raise ValidationError(
                _("Enter a phone number we can call, like 138 0013 8000.")
            ) from None
        if get_user_model().objects.filter(phone=phone).exists():
            # Said plainly: the resident is signed in, so this reveals nothing new to them.
            raise ValidationError(_("This number is already used by an account."))
        return phone


@fresh_code_required
@require_http_methods(["GET", "POST"])
def change_phone(request):
    form = NewPhoneForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        attempt = signin.new_attempt()
        new_phone = signin.request_number_change(
            request.user, form.cleaned_data["phone"], attempt, language=get_language()
        )
        request.session[PENDING_KEY] = {"phone": new_phone, "attempt": attempt}
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
            request.user.phone, pending["attempt"], form.cleaned_data["code"]
        )
        if outcome is signin.Outcome.SIGNED_IN and user == request.user:
            signin.change_phone(user, pending["phone"])
            del request.session[PENDING_KEY]
            return redirect("profile")
        form.add_error("code", _("That code is not right. Check the digits and try again."))
    return render(
        request, "accounts/change_phone_confirm.html", {"form": form, "phone": pending["phone"]}
    )

"""Staff lift a resident's sign-in lock after checking who they are (at a counter or
by calling them back on their registered number)."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from portal.accounts import signin
from portal.accounts.models import Enrolment
from portal.accounts.phone import normalize_phone
from portal.audit.sentences import register_sentence

register_sentence(
    "unlocked_sign_in",
    gettext_lazy("%(who)s let you sign in with codes again %(how)s, after checking who you are."),
)


class UnlockForm(forms.Form):
    phone = forms.CharField(label=gettext_lazy("The resident's phone number"), max_length=30)
    checked_how = forms.ChoiceField(
        label=gettext_lazy("How did you check who they are?"),
        choices=Enrolment.Check.choices,
        widget=forms.RadioSelect,
    )

    def clean_phone(self):
        try:
            phone = normalize_phone(self.cleaned_data["phone"])
        except ValidationError:
            raise ValidationError(_("This is not a phone number we can call.")) from None
        if not get_user_model().objects.filter(phone=phone).exists():
            raise ValidationError(_("No resident uses this number."))
        return phone


@require_http_methods(["GET", "POST"])
def unlock_view(request):
    if not request.user.has_perm("accounts.change_phonecodedevice"):
        raise PermissionDenied
    form = UnlockForm(request.POST if request.method == "POST" else None)
    unlocked = None
    if request.method == "POST" and form.is_valid():
        unlocked = form.cleaned_data["phone"]
        signin.unlock(unlocked, by=request.user, checked_how=form.cleaned_data["checked_how"])
        form = UnlockForm()
    return render(request, "accounts/unlock.html", {"form": form, "unlocked": unlocked})

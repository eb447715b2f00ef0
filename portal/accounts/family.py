"""Family proxies: a resident lets a family member act for them in chosen areas.

A proxy is a set of consents naming the family member, given by the resident on
the web after a fresh code, and confirmed by the code sent to the family member's
own phone. Services check it with ``portal.consent.api.require_consent`` like any
other consent, and tell the resident what the family member did.
"""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from portal.accounts import api, code_pages, signin
from portal.accounts.decorators import resident_required
from portal.accounts.forms import CodeForm, clean_code_recipient
from portal.accounts.fresh_code import fresh_code_required
from portal.accounts.views import outcome_message
from portal.acting import Acting
from portal.audit.sentences import ANYONE_ON_DUTY
from portal.channels import Channel
from portal.consent import api as consent_api
from portal.consent.models import Consent, Scope
from portal.notifications import api as notify
from portal.notifications.models import Purpose

FAMILY_SCOPES = [Scope.TAXI, Scope.HOSPITAL, Scope.SEE_APPOINTMENTS, Scope.APPLY, Scope.SEE_MY_DATA]
PENDING_KEY = "family_pending"


class FamilyMemberForm(forms.Form):
    phone = forms.CharField(
        label=gettext_lazy("Your family member's mobile number"),
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
        error_messages={"required": gettext_lazy("Enter your family member's number.")},
    )
    scopes = forms.MultipleChoiceField(
        label=gettext_lazy("What may they do for you?"),
        choices=[(scope.value, scope.label) for scope in FAMILY_SCOPES],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Choose at least one thing they may do.")},
    )

    def __init__(self, *args, resident, **kwargs):
        super().__init__(*args, **kwargs)
        self.resident = resident

    def clean_phone(self):
        phone = clean_code_recipient(self.cleaned_data["phone"])
        if phone == self.resident.phone:
            raise ValidationError(_("Enter your family member's number, not your own."))
        return phone


def proxies_of(resident):
    """The resident's family members with the scopes each may act in now."""
    consents = (
        Consent.objects.in_force()
        .filter(resident=resident, grantee__isnull=False, grantee__is_staff=False)
        .select_related("grantee")
    )
    members = {}
    for consent in consents:
        members.setdefault(consent.grantee, []).append(consent.get_scope_display())
    return members


def tell_resident(resident, text):
    """Tell the resident, by their preferred medium, what a family member did for them."""
    return notify.send_to_resident(resident, lambda: text, purpose=Purpose.ASSIST, related=resident)


@resident_required
def family(request):
    """Everyone who may act for me (family, and helpers I allowed), and a way to stop each."""
    helpers = (
        Consent.objects.in_force()
        .filter(resident=request.user)
        .exclude(grantee__is_staff=False)
        .select_related("grantee")
        .order_by("-created_at")
    )
    return render(
        request,
        "accounts/family.html",
        {"members": proxies_of(request.user), "helpers": helpers, "anyone": ANYONE_ON_DUTY},
    )


@resident_required
@require_POST
def revoke_consent(request, consent_id):
    """Withdraw one permission I gave a helper, at once."""
    consent = get_object_or_404(Consent, pk=consent_id, resident=request.user)
    consent_api.revoke(consent, by=request.user, channel=Channel.WEB)
    return redirect("family")


@fresh_code_required
@require_http_methods(["GET", "POST"])
def add_family_member(request):
    """Step 1: who, and what they may do; a code goes to their phone."""
    form = FamilyMemberForm(
        request.POST if request.method == "POST" else None, resident=request.user
    )
    if request.method == "POST" and form.is_valid():
        attempt = signin.new_attempt()
        result = signin.request_code(request, form.cleaned_data["phone"], attempt)
        state = {"scopes": form.cleaned_data["scopes"]}
        request.session[PENDING_KEY] = code_pages.remember(state, result, attempt)
        return redirect("family_confirm")
    return render(request, "accounts/family_add.html", {"form": form})


@fresh_code_required
@require_http_methods(["GET", "POST"])
def confirm_family_member(request):
    """Step 2: the code the family member received, typed here; then the consents are given."""
    pending = request.session.get(PENDING_KEY)
    if not pending:
        return redirect("family_add")
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        outcome, member = signin.verify_code(
            pending["phone"], pending.get("attempt"), form.cleaned_data["code"]
        )
        if outcome is signin.Outcome.SIGNED_IN:
            api.add_family_member(Acting.by_resident(request.user), member, pending["scopes"])
            del request.session[PENDING_KEY]
            return redirect("family")
        wrong = _("That code is not right. Ask your family member to read it again.")
        form.add_error("code", outcome_message(outcome, wrong=wrong))
    return render(
        request,
        "accounts/family_confirm.html",
        {
            "form": form,
            "phone": pending["phone"],
            "code_status": code_pages.status(pending),
            "has_code": code_pages.has_code(pending),
        },
    )


@resident_required
@require_POST
def revoke_family_member(request, member_id):
    """Stop a family member acting for me, at once."""
    member = get_object_or_404(get_user_model(), pk=member_id)
    api.remove_family_member(Acting.by_resident(request.user), member)
    return redirect("family")

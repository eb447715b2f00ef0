"""Assisted enrolment at a counter: staff register a resident after checking identity
in person. Lives in the Wagtail admin, so the authenticator rule covers it."""

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from content.hotline import hotline_number
from portal.accounts.models import Enrolment
from portal.accounts.phone import normalize_phone
from portal.audit import api as audit
from portal.audit.sentences import register_sentence
from portal.channels import Channel
from portal.notifications import api as notify
from portal.notifications.models import Purpose

register_sentence(
    "enrolled_resident",
    gettext_lazy("%(who)s registered you for the portal %(how)s, after checking who you are."),
)


class EnrolmentForm(forms.Form):
    phone = forms.CharField(label=gettext_lazy("Phone number (mobile or landline)"), max_length=30)
    preferred_name = forms.CharField(
        label=gettext_lazy("How to address them"), max_length=40, required=False
    )
    checked_how = forms.ChoiceField(
        label=gettext_lazy("How did you check who they are?"),
        choices=Enrolment.Check.choices,
        widget=forms.RadioSelect,
    )
    landline_only = forms.BooleanField(
        label=gettext_lazy("They only have a landline: send codes by voice call"), required=False
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Language"), choices=settings.LANGUAGES, initial="zh-hans"
    )

    def clean_phone(self):
        try:
            phone = normalize_phone(self.cleaned_data["phone"])
        except ValidationError:
            raise ValidationError(_("This is not a phone number we can call.")) from None
        if get_user_model().objects.filter(phone=phone).exists():
            raise ValidationError(
                _("This number is already registered. Find the resident instead.")
            )
        return phone


def enrol(staff, *, phone, preferred_name, checked_how, landline_only, language):
    """Create the resident, the enrolment record, the audit entry and the welcome message."""
    with transaction.atomic():
        resident = get_user_model().objects.create_resident(
            phone,
            preferred_name=preferred_name,
            language=language,
            notify_by="voice" if landline_only else "sms",
        )
        Enrolment.objects.create(
            resident=resident,
            checked_by=staff,
            checked_how=checked_how,
            landline_only=landline_only,
        )
        audit.record(resident, "enrolled_resident", actor=staff, channel=Channel.COUNTER)
        notify.send(
            phone,
            "welcome",
            {"name": preferred_name or phone, "hotline": hotline_number(language)},
            purpose=Purpose.WELCOME,
            medium=resident.notify_by,
            language=language,
            related=resident,
        )
    return resident


@require_http_methods(["GET", "POST"])
def enrol_view(request):
    if not request.user.has_perm("accounts.add_enrolment"):
        raise PermissionDenied
    form = EnrolmentForm(request.POST if request.method == "POST" else None)
    resident = None
    if request.method == "POST" and form.is_valid():
        resident = enrol(request.user, **form.cleaned_data)
        form = EnrolmentForm()
    return render(request, "accounts/enrol.html", {"form": form, "resident": resident})

"""The resident's profile: a summary page, and one small page to change each item."""

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from portal.accounts import api
from portal.accounts.decorators import resident_required
from portal.accounts.models import User
from portal.accounts.phone import normalize_phone
from portal.acting import Acting
from portal.areas.models import street_choices


class _ItemForm(forms.ModelForm):
    class Meta:
        model = User
        fields = []


class EmergencyForm(_ItemForm):
    class Meta:
        model = User
        fields = ["emergency_name", "emergency_phone"]

    def clean_emergency_phone(self):
        raw = self.cleaned_data["emergency_phone"]
        if not raw:
            return ""
        try:
            return normalize_phone(raw)
        except ValidationError:
            raise ValidationError(
                _("Enter a phone number we can call, like 138 0013 8000.")
            ) from None


class LanguageForm(_ItemForm):
    """Each language named in itself, marked with its language for screen readers."""

    class Meta:
        model = User
        fields = ["language"]
        widgets = {"language": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [
            (code, format_html('<span lang="{}">{}</span>', code, name))
            for code, name in self.fields["language"].choices
        ]


class HomeForm(_ItemForm):
    """The address for drivers, and the street chosen from the list (it decides the centre)."""

    class Meta:
        model = User
        fields = ["home_address", "street"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        not_sure = ("", _("Not in the list, or I am not sure"))
        self.fields["street"].choices = [not_sure, *street_choices()]


NEEDS = ["needs_wheelchair", "needs_hearing", "needs_boarding_help", "phone_straight_to_person"]


def _form(fields, widgets=None):
    return forms.modelform_factory(User, form=_ItemForm, fields=fields, widgets=widgets or {})


# slug: (heading, form class, the fields shown on the summary)
ITEMS = {
    "name": (_("How to address me"), _form(["preferred_name"]), ["preferred_name"]),
    "language": (
        _("Language"),
        LanguageForm,
        ["language"],
    ),
    "notify": (
        _("How to tell me things"),
        _form(["notify_by"], {"notify_by": forms.RadioSelect}),
        ["notify_by"],
    ),
    "home": (_("Home address"), HomeForm, ["home_address", "street"]),
    "needs": (
        _("What helps me"),
        _form(NEEDS),
        NEEDS,
    ),
    "emergency": (_("Emergency contact"), EmergencyForm, ["emergency_name", "emergency_phone"]),
}


def _value(user, field):
    value = getattr(user, field)
    if field == "street":
        return value.full_name if value else ""
    if field == "language":  # a language's name in that language, marked so (WCAG 3.1.2)
        return format_html('<span lang="{}">{}</span>', value, user.get_language_display())
    display = getattr(user, f"get_{field}_display", None)
    if display:
        return display()
    if isinstance(value, bool):
        return User._meta.get_field(field).verbose_name if value else ""
    return value


def _summary(user, slug):
    fields = ITEMS[slug][2]
    values = [_value(user, field) for field in fields]
    return format_html_join("; ", "{}", ((value,) for value in values if value)) or _("Not given")


@resident_required
def profile(request):
    """Everything about me on one page, each with its own "change" link."""
    rows = [
        {
            "label": _("Phone number I sign in with"),
            "value": request.user.phone,
            "change_url": reverse("change_phone"),
        },
    ] + [
        {
            "label": heading,
            "value": _summary(request.user, slug),
            "change_url": reverse("profile_item", args=[slug]),
        }
        for slug, (heading, _form_class, _fields) in ITEMS.items()
    ]
    places = ", ".join(place.label for place in request.user.saved_places.all())
    rows.append(
        {
            "label": _("Saved places"),
            "value": places or _("Not given"),
            "change_url": reverse("saved_places"),
        }
    )
    rows.insert(
        3,
        {
            "label": _("Text size and colours"),
            "value": "; ".join(
                [request.user.get_text_size_display(), request.user.get_contrast_display()]
            ),
            "change_url": f"{reverse('display_settings')}?next={reverse('profile')}",
        },
    )
    return render(request, "accounts/profile.html", {"rows": rows})


@resident_required
@require_http_methods(["GET", "POST"])
def profile_item(request, slug):
    """Change one item of the profile; then back to the summary."""
    if slug not in ITEMS:
        raise Http404
    heading, form_class, _fields = ITEMS[slug]
    form = form_class(request.POST if request.method == "POST" else None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        # A ModelForm's is_valid() already set the values on request.user: read them from the
        # cleaned data and let the resident API save them, with its audit entry.
        request.user.refresh_from_db()
        api.change_details(Acting.by_resident(request.user), **form.cleaned_data)
        return redirect("profile")
    return render(request, "accounts/profile_item.html", {"form": form, "heading": heading})

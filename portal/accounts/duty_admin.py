"""Duty records in the Wagtail admin: supervisors and administrators say who covers which area
and speaks which languages; on or off duty is the person's own switch (the desk), shown here."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.snippets.views.snippets import SnippetViewSet

from portal.accounts.models import SPOKEN_LANGUAGES, Duty
from portal.accounts.roles import ACT_FOR_RESIDENT


class DutyForm(WagtailAdminModelForm):
    languages = forms.MultipleChoiceField(
        label=_("languages spoken"),
        choices=SPOKEN_LANGUAGES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Duty
        fields = ["person", "on_duty", "streets", "districts", "languages"]

    def clean_on_duty(self):
        on_duty = self.cleaned_data["on_duty"]
        person = self.cleaned_data.get("person")
        if on_duty and person is not None and not person.has_perm(ACT_FOR_RESIDENT):
            raise forms.ValidationError(
                _("Only someone allowed to act for residents can be on duty.")
            )
        return on_duty

    def save(self, commit=True):
        if "on_duty" in self.changed_data:
            self.instance.changed_at = timezone.now()
        return super().save(commit)


class DutyViewSet(SnippetViewSet):
    model = Duty
    icon = "group"
    menu_label = _("Duties")
    add_to_admin_menu = True
    menu_order = 260
    edit_handler = ObjectList(
        [
            FieldPanel("person"),
            FieldPanel("on_duty"),
            FieldPanel("streets"),
            FieldPanel("districts"),
            FieldPanel("languages"),
        ],
        base_form_class=DutyForm,
    )
    list_display = ["person", "on_duty", "changed_at"]
    list_filter = ["on_duty"]
    copy_view_enabled = False
    # Who was on duty is part of the record of who acted: duties are ended, never deleted.
    inspect_view_enabled = True

    def get_queryset(self, request):
        return Duty.objects.select_related("person")

"""What the applications hold about a resident, for their "My data" page and download.

Registered from ``ApplicationsConfig.ready()``. Every answer is given as it was asked.
"""

from django.utils.translation import gettext_lazy as _

from portal.privacy.my_data import Section, register, who
from services.applications.models import Application


@register("applications", models=["applications.Application"], order=40)
def applications(resident, *, own):
    """Every application sent for the resident, by them or for them, with its answers."""
    rows = (
        Application.objects.filter(resident=resident)
        .select_related("applied_by", "entered_by")
        .order_by("created_at", "pk")
    )
    return Section(
        "applications",
        _("Applications"),
        [
            ("sent_at", _("Sent on")),
            ("number", _("Number")),
            ("service", _("Service")),
            ("answers", _("Answers")),
            ("state", _("State")),
            ("missing_document", _("Document needed")),
            ("refusal_reason", _("Why it was not approved")),
            ("applied_by", _("Sent by")),
            ("entered_by", _("Typed in by")),
            ("channel", _("How")),
        ],
        [
            {
                "sent_at": application.created_at,
                "number": application.case_number,
                "service": application.title,
                "answers": "; ".join(
                    f"{answer['question']} {answer['answer']}" for answer in application.answers
                ),
                "state": application.get_state_display(),
                "missing_document": application.missing_document,
                "refusal_reason": application.refusal_reason,
                "applied_by": who(application.applied_by, resident)
                if application.applied_by
                else "",
                "entered_by": who(application.entered_by, resident)
                if application.entered_by
                else "",
                "channel": application.get_channel_display(),
            }
            for application in rows
        ],
    )

"""My data: a resident (or a family member with their permission) sees everything the portal
holds about them on one page, prints it, and downloads it as a zip (JSON and CSV).

Every look and every download is written to the resident's audit log, naming who asked, so
the resident reads it under "Who has seen or used your information".
"""

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from portal.accounts.decorators import resident_required
from portal.accounts.models import User
from portal.audit import api as audit
from portal.channels import Channel
from portal.consent.api import residents_who_allow, valid_consent
from portal.consent.models import Scope
from portal.privacy import my_data


def _whose(request, resident_id):
    """The resident whose data is asked for, and the consent that lets a family member see it
    (None for the resident's own). Anyone else finds nothing there."""
    if resident_id is None or resident_id == request.user.pk:
        return request.user, None
    resident = User.objects.filter(pk=resident_id).first()
    consent = resident and valid_consent(resident, Scope.SEE_MY_DATA, request.user)
    if not consent:
        raise Http404
    return resident, consent


def _record(request, resident, consent, action):
    audit.record(resident, action, actor=request.user, channel=Channel.WEB, consent=consent)


@require_GET
@resident_required
def my_data_page(request, resident_id=None):
    """Every section on one page, to read and to print; the download is one link away."""
    if resident_id == request.user.pk:
        return redirect("my_data")
    resident, consent = _whose(request, resident_id)
    sections = my_data.gather(resident, own=consent is None)
    _record(request, resident, consent, "viewed_my_data")
    return render(
        request,
        "privacy/my_data.html",
        {
            "resident": resident,
            "own": consent is None,
            "sections": [
                {
                    "title": section.title,
                    "name": section.name,
                    "records": [
                        [(label, my_data.shown(value)) for label, value in section.rows(record)]
                        for record in section.records
                    ],
                }
                for section in sections
            ],
            "others": residents_who_allow(request.user, Scope.SEE_MY_DATA) if not consent else [],
        },
    )


@require_GET
@resident_required
def my_data_download(request, resident_id=None):
    """The same as a zip: ``data.json`` and one CSV per section."""
    if resident_id == request.user.pk:
        return redirect("my_data_download")
    resident, consent = _whose(request, resident_id)
    sections = my_data.gather(resident, own=consent is None)
    _record(request, resident, consent, "downloaded_my_data")
    response = HttpResponse(my_data.as_zip(resident, sections), content_type="application/zip")
    name = f"my-data-{timezone.localdate():%Y%m%d}.zip"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response

"""My data: everything the portal holds about one resident, as sections to show, print and
download.

Each app says what it holds about a resident by registering an exporter here
(:func:`register`, called from its ``AppConfig.ready()``), as forgetting is registered in
``portal.retention``: the portal cannot import the services' models (only their ``api``) nor
the human channels at all, so each one brings its own. :func:`gather` runs them all.

Every model with a foreign key to the user model is either named by an exporter or listed in
:data:`NOT_ABOUT_RESIDENTS` with the reason; :func:`unexported` finds the ones that are neither,
and a test fails on them, so a new model that refers to a person cannot be left out silently.

What an exporter never gives: a full ID number or its fingerprint (hash), a sign-in code,
internal keys. Notes written about the resident on requests for help go only to the resident
themselves (``own``), never to a family member: they may be about that family member.
"""

import csv
import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext

from portal.accounts.roles import Role, role_of


@dataclass
class Section:
    """One kind of record: a heading, its columns (key, label) and one dict per record."""

    name: str  # stable: the key in data.json and the name of the CSV file
    title: Any  # the heading, in the reader's language
    fields: list  # [(key, label)]
    records: list = field(default_factory=list)  # [{key: value}]
    order: int = 50

    def rows(self, record):
        """``(label, value)`` of one record, in column order."""
        return [(label, record.get(key)) for key, label in self.fields]


class InLanguage(str):
    """A value in a language of its own (a language's name in itself, a Chinese real name):
    the page marks it so, for screen readers (WCAG 3.1.2); the download keeps the text."""

    def __new__(cls, text, language):
        value = super().__new__(cls, text)
        value.language = language
        return value


@dataclass(frozen=True)
class Exporter:
    name: str
    models: tuple
    export: Callable
    order: int


EXPORTERS = {}

# Models that refer to a person but hold nothing about a resident, with the reason. An entry is
# an app label (every model of the app) or a model label. Keep this short.
NOT_ABOUT_RESIDENTS = {
    "accounts.Duty": "a volunteer's or counter staff member's duty; residents have none",
    "assist.Offer": "which staff member on duty was offered a request; the request is exported",
    "assist.Summary": "texts to staff on duty about the queue",
    "otp_totp": "staff's authenticator apps; residents sign in with codes",
    "content": "editors' pages",
    "applications.ApplicationPage": "editors' pages (the applications themselves are exported)",
    "wagtailcore": "editors' pages, revisions and workflow",
    "wagtailadmin": "editors' editing sessions",
    "wagtailusers": "staff's admin preferences",
    "wagtaildocs": "documents uploaded by editors",
    "wagtailimages": "images uploaded by editors",
    "wagtail_localize": "editors' translations",
}


def register(name, *, models, order=50):
    """Decorator: ``@register("taxi_rides", models=["taxi.Ride"])`` on ``export(resident, *,
    own)``, which returns a :class:`Section` or a list of them.

    ``models`` are the labels of the models it exports (and so covers, see :func:`unexported`);
    ``own`` is True when the resident asks, False when a family member with their permission
    does. ``order`` places its sections on the page (lower first).
    """

    def add(function):
        EXPORTERS[name] = Exporter(name, tuple(models), function, order)
        return function

    return add


def gather(resident, *, own=True):
    """Every registered section about ``resident``, in page order."""
    sections = []
    for exporter in sorted(EXPORTERS.values(), key=lambda exporter: exporter.order):
        result = exporter.export(resident, own=own)
        for position, section in enumerate(
            result if isinstance(result, (list, tuple)) else [result]
        ):
            section.order = exporter.order * 100 + position
            sections.append(section)
    return sections


# --- Coverage ----------------------------------------------------------------------------


def models_naming_a_person(models=None):
    """The labels of ``models`` (default: every installed model) with a relation to a user."""
    user_model = get_user_model()
    found = []
    for model in apps.get_models() if models is None else models:
        if any(
            relation.is_relation
            and relation.concrete
            and relation.related_model is user_model
            and (relation.many_to_one or relation.one_to_one or relation.many_to_many)
            for relation in model._meta.get_fields()
        ):
            found.append(model._meta.label)
    return found


def unexported(models=None):
    """Models naming a person that no exporter covers and :data:`NOT_ABOUT_RESIDENTS` omits."""
    covered = {label for exporter in EXPORTERS.values() for label in exporter.models}
    return [
        label
        for label in models_naming_a_person(models)
        if label not in covered
        and label not in NOT_ABOUT_RESIDENTS
        and label.split(".")[0] not in NOT_ABOUT_RESIDENTS
    ]


# --- Words the exporters share -----------------------------------------------------------


def who(user, resident):
    """A person as the resident's audit log names them: their role and name."""
    if user is None:
        return gettext("The portal")
    return gettext("%(role)s %(name)s") % {
        "role": Role(role_of(user, resident)).label,
        "name": user,
    }


def shown(value):
    """A value as a person reads it on the page and in the CSV."""
    if value is None or value == "":
        return ""
    if isinstance(value, InLanguage):
        return format_html('<span lang="{}">{}</span>', value.language, str(value))
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, datetime):
        return date_format(timezone.localtime(value), "DATETIME_FORMAT")
    if isinstance(value, date):
        return date_format(value, "DATE_FORMAT")
    return str(value)


def _for_json(value):
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return str(value)
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return str(value)


def _for_csv(value):
    if isinstance(value, InLanguage):
        return str(value)
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return shown(value)


# --- The download ------------------------------------------------------------------------


def as_json(resident, sections):
    """``sections`` as one JSON document (text)."""
    document = {
        "resident": str(resident),
        "made_at": timezone.localtime().isoformat(),
        "sections": [
            {
                "name": section.name,
                "title": str(section.title),
                "fields": {key: str(label) for key, label in section.fields},
                "records": [
                    {key: _for_json(record.get(key)) for key, _label in section.fields}
                    for record in section.records
                ],
            }
            for section in sections
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2)


def as_csv(section):
    """One section as CSV text: a header of labels, one row per record. Starts with a BOM, so
    Excel reads the Chinese as UTF-8."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([str(label) for _key, label in section.fields])
    for record in section.records:
        writer.writerow([_for_csv(record.get(key)) for key, _label in section.fields])
    return out.getvalue()


def as_zip(resident, sections):
    """The download: ``data.json`` and one CSV per section, as the bytes of a zip file."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", as_json(resident, sections).encode("utf-8"))
        for number, section in enumerate(sections, start=1):
            archive.writestr(f"{number:02d}-{section.name}.csv", as_csv(section).encode("utf-8"))
    return buffer.getvalue()

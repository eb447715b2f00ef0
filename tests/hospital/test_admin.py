"""Hospital booking in the Wagtail admin: editors manage hospitals and timetables and make
sessions (once, however often they press); appointments are read-only and masked."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.utils import translation
from django.utils.translation import gettext, ngettext

from portal.audit.models import AuditEntry
from services.hospital.models import Hospital, Session, WeeklySchedule
from tests.hospital.conftest import book

pytestmark = pytest.mark.django_db

EDITING = [
    f"{action}_{model}"
    for model in ("hospital", "department", "doctor", "weeklyschedule", "session")
    for action in ("add", "change", "delete", "view")
]


@pytest.fixture
def hospital_editor(editor):
    """What the demo roles will give Editors: managing hospitals, timetables and sessions."""
    editor.groups.get().permissions.add(
        *Permission.objects.filter(content_type__app_label="hospital", codename__in=EDITING)
    )
    return editor


@pytest.fixture
def desk_with_appointments(counter_staff):
    counter_staff.groups.get().permissions.add(
        Permission.objects.get(content_type__app_label="hospital", codename="view_appointment")
    )
    return counter_staff


@pytest.fixture
def timetable(internal, doctor):
    for weekday in (0, 2):  # Monday and Wednesday mornings
        WeeklySchedule.objects.create(
            department=internal,
            doctor=doctor,
            weekday=weekday,
            period="morning",
            starts_at=datetime.time(8),
            ends_at=datetime.time(11, 30),
            capacity=20,
        )
    WeeklySchedule.objects.create(
        department=internal,
        weekday=4,
        period="afternoon",
        starts_at=datetime.time(13, 30),
        ends_at=datetime.time(16, 30),
        capacity=10,
    )
    return internal


def _said(response):
    """The messages the admin shows on ``response``, in the editor's language."""
    return [str(message) for message in response.context["messages"]]


def _made(response, count):
    """'N sessions made.' in the language ``response`` was written in."""
    with translation.override(response.wsgi_request.LANGUAGE_CODE):
        return ngettext("%(count)d session made.", "%(count)d sessions made.", count) % {
            "count": count
        }


def test_an_editor_manages_hospitals_and_their_rules(client, staff_login, hospital_editor):
    staff_login(hospital_editor)
    assert client.get("/admin/hospital_hospitals/").status_code == 200
    response = client.post(
        "/admin/hospital_hospitals/new/",
        {
            "name": "华山医院",
            "name_en": "Huashan Hospital",
            "district": "静安区",
            "address": "乌鲁木齐中路12号",
            "booking_days_ahead": 14,
            "release_hour": 7,
            "cancel_deadline_hour": 17,
            "max_per_day": 1,
            "max_per_week_per_department": 2,
            "no_show_limit": 3,
            "no_show_window_days": 90,
            "suspension_days": 60,
            "active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    huashan = Hospital.objects.get(name="华山医院")
    assert (huashan.booking_days_ahead, huashan.release_hour, huashan.suspension_days) == (
        14,
        7,
        60,
    )
    for url in (
        "/admin/hospital_departments/",
        "/admin/hospital_doctors/",
        "/admin/hospital_weekly/",
        "/admin/hospital_sessions/",
    ):
        assert client.get(url).status_code == 200, url


def test_making_sessions_twice_makes_them_once(client, staff_login, hospital_editor, timetable, at):
    at(2026, 11, 20, 9, 0)  # a Friday
    staff_login(hospital_editor)
    page = client.get("/admin/hospital_weekly/generate/")
    assert page.status_code == 200
    assert (
        "/admin/hospital_weekly/generate/" in client.get("/admin/hospital_weekly/").content.decode()
    )
    first = client.post("/admin/hospital_weekly/generate/", {"weeks": 2}, follow=True)
    # 2 weeks from Friday 20 November: 2 Mondays, 2 Wednesdays, 2 Fridays... each line twice.
    assert Session.objects.count() == 6
    assert _said(first) == [_made(first, 6)]
    second = client.post("/admin/hospital_weekly/generate/", {"weeks": 2}, follow=True)
    assert Session.objects.count() == 6
    assert _said(second) == [_made(second, 0)]  # nothing new the second time
    mondays = Session.objects.filter(date__week_day=2).values_list("date", flat=True)
    assert sorted(mondays) == [datetime.date(2026, 11, 23), datetime.date(2026, 11, 30)]
    friday = Session.objects.filter(period="afternoon").order_by("date").first()
    assert friday.date == datetime.date(2026, 11, 20) and friday.capacity == 10
    assert friday.doctor is None


def test_making_sessions_keeps_sessions_edited_by_hand(hospital_editor, timetable, at):
    from services.hospital import api

    at(2026, 11, 20, 9, 0)
    assert api.generate_sessions(1) == 3
    monday = Session.objects.get(date=datetime.date(2026, 11, 23))
    monday.capacity = 5
    monday.save()
    assert api.generate_sessions(2) == 3  # only the second week is new
    monday.refresh_from_db()
    assert monday.capacity == 5


def test_weeks_out_of_range_are_refused(client, staff_login, hospital_editor, timetable):
    staff_login(hospital_editor)
    response = client.post("/admin/hospital_weekly/generate/", {"weeks": 52})
    assert response.status_code == 200  # the form again, with the error
    errors = response.context["form"].errors
    assert list(errors) == ["weeks"] and "12" in errors["weeks"][0]  # at most 12 weeks
    assert not Session.objects.exists()


def test_staff_without_permission_cannot_reach_the_hospital_admin(
    client, staff_login, volunteer, timetable
):
    staff_login(volunteer)
    for url in (
        "/admin/hospital_hospitals/",
        "/admin/hospital_weekly/",
        "/admin/hospital_sessions/",
        "/admin/hospital_appointments/",
    ):
        response = client.get(url)
        assert response.status_code in (302, 403), url
        assert "/staff/2fa/" not in response.get("Location", "")
    response = client.post("/admin/hospital_weekly/generate/", {"weeks": 2})
    assert response.status_code in (302, 403)
    assert not Session.objects.exists()


def test_appointments_are_read_only_and_masked(
    client, staff_login, desk_with_appointments, patient, monday, django_user_model
):
    appointment = book(monday, patient)
    staff_login(desk_with_appointments)
    listing = client.get("/admin/hospital_appointments/")
    assert listing.status_code == 200
    page = listing.content.decode()
    assert appointment.code in page and "王*华" in page
    assert "王小华" not in page
    inspect = client.get(f"/admin/hospital_appointments/inspect/{appointment.pk}/")
    assert inspect.status_code == 200
    assert "3101**********" in inspect.content.decode()
    # Looking at one is written down for the patient.
    assert AuditEntry.objects.filter(
        resident=patient, action="viewed_appointments", actor=desk_with_appointments
    ).exists()
    for attempt in (
        client.get(f"/admin/hospital_appointments/edit/{appointment.pk}/"),
        client.post(f"/admin/hospital_appointments/edit/{appointment.pk}/", {"status": "missed"}),
        client.post(f"/admin/hospital_appointments/delete/{appointment.pk}/"),
        client.get("/admin/hospital_appointments/new/"),
    ):
        assert attempt.status_code in (302, 403, 404)
    appointment.refresh_from_db()
    assert appointment.status == "booked"


def test_a_session_with_appointments_cannot_be_deleted_but_can_be_closed(
    client, staff_login, hospital_editor, patient, monday
):
    appointment = book(monday, patient)
    staff_login(hospital_editor)
    response = client.post(f"/admin/hospital_sessions/delete/{monday.pk}/", follow=True)
    assert response.status_code == 200
    said = _said(response)
    assert len(said) == 1
    assert Session.objects.filter(pk=monday.pk).exists()
    appointment.refresh_from_db()
    assert appointment.status == "booked"
    empty = Session.objects.create(
        department=monday.department,
        date=monday.date,
        period="afternoon",
        starts_at=datetime.time(13, 30),
        ends_at=datetime.time(16, 30),
        capacity=3,
    )
    client.post(f"/admin/hospital_sessions/delete/{empty.pk}/")
    assert not Session.objects.filter(pk=empty.pk).exists()


def test_deleting_a_session_with_appointments_says_why_in_words(
    client, staff_login, hospital_editor, patient, monday
):
    book(monday, patient)
    staff_login(hospital_editor)
    response = client.post(f"/admin/hospital_sessions/delete/{monday.pk}/", follow=True)
    assert Session.objects.filter(pk=monday.pk).exists()
    with translation.override(response.wsgi_request.LANGUAGE_CODE):
        assert _said(response) == [
            gettext(
                "This cannot be deleted: people have appointments in it. "
                "Close it for booking instead."
            )
        ]

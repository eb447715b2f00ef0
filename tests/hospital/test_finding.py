"""Finding a place and reading it back: hospitals, departments, free days and times, the slip."""

import datetime

import pytest
from django.utils import translation

from portal.acting import Acting
from services.hospital import api
from services.hospital.models import Department, Hospital, Status
from tests.hospital.conftest import MONDAY, TUESDAY, book

pytestmark = pytest.mark.django_db


def test_hospitals_by_district_with_the_last_used_first(patient, monday, ruijin):
    huashan = Hospital.objects.create(
        name="华山医院", district="静安区", address="乌鲁木齐中路12号"
    )
    xuhui = Hospital.objects.create(
        name="徐汇区中心医院", district="徐汇区", address="淮海中路966号"
    )
    Hospital.objects.create(name="已关闭医院", district="徐汇区", address="x", active=False)
    assert api.hospitals_for(patient) == [xuhui, huashan, ruijin]  # 徐 < 静 < 黄 by code point
    book(monday, patient)
    assert api.hospitals_for(patient)[0] == ruijin
    assert api.hospitals_for(None) == [xuhui, huashan, ruijin]


def test_departments_in_the_editors_order(ruijin, internal, eyes):
    Department.objects.filter(pk=eyes.pk).update(sort_order=0)
    assert list(api.departments(ruijin)) == [eyes, internal]


def test_free_days_and_times_only_with_places_left(patient, other_patient, make_session, clock):
    full = make_session(MONDAY, "morning", capacity=1)
    afternoon = make_session(MONDAY, "afternoon", capacity=2)
    tuesday = make_session(TUESDAY, "morning", capacity=1)
    book(full, other_patient)
    book(tuesday, other_patient)
    assert api.free_days(full.department) == [MONDAY]
    assert api.free_sessions(full.department) == [afternoon]
    assert api.free_sessions(full.department, TUESDAY) == []
    api.cancel(
        api.appointments_for(other_patient)[1],
        acting=Acting.for_resident(
            api.appointments_for(other_patient)[1].patient, other_patient, channel="web"
        ),
    )
    assert api.free_days(full.department) == [MONDAY, TUESDAY]


def test_display_names_follow_the_language(ruijin, internal):
    with translation.override("en"):
        assert (
            ruijin.display_name == "Ruijin Hospital"
            and internal.display_name == "Internal medicine"
        )
        assert ruijin.display_what_to_bring == "ID card, medical insurance card"
    with translation.override("zh-hans"):
        assert ruijin.display_name == "瑞金医院" and internal.display_description.startswith("发烧")
    ruijin.name_en = ""
    with translation.override("en"):
        assert ruijin.display_name == "瑞金医院"


def test_my_appointments_upcoming_first_with_those_i_booked_for_others(
    patient, other_patient, make_session, at
):
    from portal.accounts import api as accounts
    from portal.consent.models import Scope

    at(2026, 11, 20, 9, 0)
    later = book(make_session(TUESDAY), patient)
    sooner = book(make_session(MONDAY), patient)
    accounts.add_family_member(Acting.by_resident(other_patient), patient, [Scope.HOSPITAL])
    for_him = book(make_session(MONDAY, "afternoon"), other_patient, by=patient)
    api.cancel(later, acting=Acting.for_resident(later.patient, patient, channel="web"))
    mine = api.appointments_for(patient)
    assert mine == [sooner, for_him, later]
    assert api.appointments_for(other_patient) == [for_him]


def test_the_slip(patient, make_session, doctor, at):
    at(2026, 11, 20, 9, 0)
    appointment = book(make_session(MONDAY, doctor=doctor), patient)
    with translation.override("en"):
        slip = api.slip(appointment)
    assert slip["code_groups"] == f"{appointment.code[:4]} {appointment.code[4:]}"
    assert slip["patient_name_masked"] == "王*华"
    assert (slip["hospital"], slip["department"]) == ("Ruijin Hospital", "Internal medicine")
    assert slip["doctor"] == "张医生 主任医师"
    assert slip["date"] == MONDAY and slip["period"] == "Morning"
    assert (slip["starts_at"], slip["ends_at"]) == (datetime.time(8), datetime.time(11, 30))
    assert slip["address"] == "197 Ruijin Road No. 2"
    assert slip["what_to_bring"] == "ID card, medical insurance card"
    assert slip["status"] == Status.BOOKED and slip["status_label"] == "Booked"
    assert slip["can_cancel"] is True
    assert slip["qr_svg"].startswith("<svg") and "<script" not in slip["qr_svg"]
    at(2026, 11, 22, 18, 0)
    assert api.slip(appointment)["can_cancel"] is False

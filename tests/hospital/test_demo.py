"""The demo hospitals: three districts, plain departments, sessions for the next 8 days, the demo
residents ready to book; running it again changes nothing."""

import datetime

import pytest

from portal.acting import Acting
from services.hospital import api
from services.hospital.demo import build_hospital_demo
from services.hospital.models import Department, Doctor, Hospital, Session, WeeklySchedule

pytestmark = pytest.mark.django_db


def _counts():
    return [
        model.objects.count() for model in (Hospital, Department, Doctor, WeeklySchedule, Session)
    ]


def test_the_demo_is_complete_and_idempotent(resident, neighbour, at):
    at(2026, 11, 20, 9, 0)  # a Friday
    build_hospital_demo()
    hospitals = list(Hospital.objects.all())
    assert len(hospitals) == 3 and len({h.district for h in hospitals}) == 3
    assert all(h.name_en and h.address and h.what_to_bring == "身份证、医保卡" for h in hospitals)
    for hospital in hospitals:
        assert 3 <= hospital.departments.count() <= 4
        assert all(d.description and d.description_en for d in hospital.departments.all())
    internal = Department.objects.filter(name="内科").first()
    assert internal.description == "发烧、咳嗽、血压高、胃不舒服"
    days = set(Session.objects.values_list("date", flat=True))
    assert min(days) == datetime.date(2026, 11, 20)
    assert max(days) <= datetime.date(2026, 11, 27)  # the next 8 days
    assert api.identity_of(resident).real_name_masked == "王*英"
    assert api.identity_of(neighbour) is not None

    before = _counts()
    build_hospital_demo()
    assert _counts() == before

    # 王阿姨 can book at once.
    session = api.free_sessions(internal, datetime.date(2026, 11, 23))[0]
    appointment = api.book(
        session, Acting.for_resident(resident, resident, channel="web"), idempotency_key="demo"
    )
    assert appointment.patient_name_masked == "王*英"

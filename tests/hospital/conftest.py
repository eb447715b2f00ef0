"""Hospital fixtures: one hospital with the usual rules, sessions made on demand, patients with
a real name and ID number on file, and messages kept in memory."""

import contextlib
import datetime
from itertools import count

import pytest
from django.utils import translation

from portal.acting import Acting
from portal.channels import Channel
from portal.notifications.backends import backend_for, memory
from services.hospital import api
from services.hospital.models import Department, Doctor, Hospital, Session
from tests.support.fake_hospital import FakeHospital

# Friday 20 November 2026, 09:00 in Shanghai.
NOW = (2026, 11, 20, 9, 0)
TODAY = datetime.date(2026, 11, 20)
MONDAY = datetime.date(2026, 11, 23)
TUESDAY = datetime.date(2026, 11, 24)

_keys = count(1)
_bodies = count(1)


def id_number(body=None):
    """A valid 18-character ID number: ``body`` (17 digits, made up if None) and its check."""
    if body is None:
        body = f"310105195001{next(_bodies) % 10000:04d}1"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(digit) * weight for digit, weight in zip(body, weights, strict=True))
    return body + "10X98765432"[total % 11]


HOSPITAL_SYSTEM_KEY = "test-hospital-key"


@contextlib.contextmanager
def hospital_system(settings, *, timeout):
    """A hospital's own booking system (a fake on 127.0.0.1), and the portal pointed at it."""
    with FakeHospital(api_key=HOSPITAL_SYSTEM_KEY) as fake:
        settings.HOSPITAL_EXTERNAL_BASE_URL = fake.url
        settings.HOSPITAL_EXTERNAL_API_KEY = HOSPITAL_SYSTEM_KEY
        settings.HOSPITAL_EXTERNAL_TIMEOUT_SECONDS = timeout
        yield fake


def new_key():
    return f"tap-{next(_keys)}"


def acting(patient, by=None, channel=Channel.WEB, reference=""):
    """``by`` (default: the patient themselves) acting for ``patient``."""
    return Acting.for_resident(patient, by or patient, channel=channel, reference=reference)


def book(session, patient, *, by=None, channel=Channel.WEB, key=None, now=None, reference=""):
    """Book ``session`` for ``patient`` (by themselves unless ``by``), with a fresh tap key."""
    return api.book(
        session,
        acting(patient, by, channel, reference),
        idempotency_key=key or new_key(),
        now=now,
    )


def cancel(appointment, *, by=None, channel=Channel.WEB, now=None):
    """Cancel ``appointment`` (by its patient unless ``by``)."""
    return api.cancel(appointment, acting=acting(appointment.patient, by, channel), now=now)


@pytest.fixture(autouse=True)
def hospital_settings(settings):
    """Messages go to memory; the portal's own timetable unless a test says otherwise."""
    settings.SMS_BACKEND = settings.VOICE_BACKEND = (
        "portal.notifications.backends.memory.MemoryBackend"
    )
    settings.HOSPITAL_PROVIDER = "services.hospital.providers.builtin.BuiltInProvider"
    backend_for.cache_clear()
    memory.reset()
    yield settings
    memory.reset()
    backend_for.cache_clear()


@pytest.fixture(autouse=True)
def _without_demo_hospitals(request):
    """Each test starts with no hospitals and no identities on file, even when the demo data
    (``build_hospital_demo``, run by ``content.demo.build_demo``) is in the test database: the
    tests make exactly the hospitals, sessions and identities they speak about."""
    if request.node.get_closest_marker("django_db") is not None:
        from services.hospital.models import Appointment, PatientIdentity

        Appointment.objects.all().delete()
        Hospital.objects.all().delete()
        PatientIdentity.objects.all().delete()
    yield


@pytest.fixture
def english():
    """Read refusals in English: the words the tests look for."""
    with translation.override("en"):
        yield


@pytest.fixture
def clock(at):
    """Friday 20 November 2026, 09:00 in Shanghai, frozen."""
    return at(*NOW)


@pytest.fixture
def ruijin(db):
    """瑞金医院 with the usual rules: 7 days ahead from 8:00, cancel until 18:00 the day before,
    2 a day, 3 a week per department, 3 missed in 90 days suspend for 90 days."""
    return Hospital.objects.create(
        name="瑞金医院",
        name_en="Ruijin Hospital",
        district="黄浦区",
        address="瑞金二路197号",
        address_en="197 Ruijin Road No. 2",
        phone="021-6437 0045",
        what_to_bring="身份证、医保卡",
        what_to_bring_en="ID card, medical insurance card",
    )


@pytest.fixture
def internal(ruijin):
    return Department.objects.create(
        hospital=ruijin,
        name="内科",
        name_en="Internal medicine",
        description="发烧、咳嗽、血压高、胃不舒服",
        description_en="Fever, cough, high blood pressure, stomach trouble",
        sort_order=1,
    )


@pytest.fixture
def eyes(ruijin):
    return Department.objects.create(
        hospital=ruijin, name="眼科", name_en="Eyes", description="看不清、眼睛痛", sort_order=2
    )


@pytest.fixture
def doctor(internal):
    return Doctor.objects.create(department=internal, name="张医生", title="主任医师")


@pytest.fixture
def make_session(internal):
    """A session: ``make_session(day, "morning", capacity=5, department=..., doctor=...)``."""

    def make(day, period="morning", *, capacity=5, department=None, doctor=None, **fields):
        starts, ends = ((8, 0), (11, 30)) if period == "morning" else ((13, 30), (16, 30))
        return Session.objects.create(
            department=department or internal,
            doctor=doctor,
            date=day,
            period=period,
            starts_at=fields.pop("starts_at", datetime.time(*starts)),
            ends_at=fields.pop("ends_at", datetime.time(*ends)),
            capacity=capacity,
            **fields,
        )

    return make


@pytest.fixture
def monday(make_session, clock):
    """Monday 23 November, morning, 5 places."""
    return make_session(MONDAY)


@pytest.fixture
def patient(resident):
    """王阿姨, reading English (tests read the words), with her name and ID number on file."""
    resident.language = "en"
    resident.save(update_fields=["language"])
    api.save_identity(Acting.by_resident(resident), "王小华", id_number("31010519500101123"))
    return resident


@pytest.fixture
def other_patient(neighbour):
    """李先生, with his name and ID number on file."""
    api.save_identity(Acting.by_resident(neighbour), "李建国", id_number("31010419480202456"))
    return neighbour


@pytest.fixture(autouse=True)
def desk_open_round_the_clock(settings):
    """Messages that offer a person say whether one answers now (content.hotline.call_a_person):
    here the help desk is open at any hour the tests run; tests of a closed desk set hours."""
    settings.ASSIST_HOURS_WORKDAY = settings.ASSIST_HOURS_DAY_OFF = (0, 24)

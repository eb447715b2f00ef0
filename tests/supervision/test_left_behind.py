"""Who is being left behind: residents who started on the web or were refused and got no ride,
booking or help within a day, counted by hand (see conftest: 测试区 at noon); and the steps
recorded where residents start and where services turn them away."""

from datetime import timedelta

import pytest

from assist.models import HelpRequest, Kind, Topic
from assist.supervision import figures
from assist.supervision.scope import area_from, period_from
from portal.acting import Acting
from portal.journeys.models import Step
from services.hospital.models import Appointment, Session
from services.taxi import api as taxi
from services.taxi.models import Ride
from services.taxi.models import Status as RideStatus

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)


def _step(resident, service, what, at, reason=""):
    Step.objects.create(
        resident=resident, service=service, what=what, at=at, reason=reason, channel="web"
    )


def _ride(resident, status, at):
    ride = Ride.objects.create(
        resident=resident,
        requested_by=resident,
        pickup_address="某路1号",
        idempotency_key=f"left-{resident.pk}-{status}",
        channel="web",
        status=status,
    )
    Ride.objects.filter(pk=ride.pk).update(created_at=at)


def _appointment(resident, at):
    session = Session.objects.first()
    Appointment.objects.create(
        session=session,
        patient=resident,
        patient_name_masked="*",
        patient_id_masked="*",
        booked_by=resident,
        code=f"LB{resident.pk:04d}",
        idempotency_key=f"left-{resident.pk}",
        channel="web",
        created_at=at,
    )


@pytest.fixture
def journeys(noon, people):
    """In 甲街道, over the last week:

    - 甲0 started a taxi and got a car 10 minutes later: helped;
    - 甲1 started a hospital booking and did nothing more: left behind (hospital);
    - 甲2 was refused a taxi (no address) and a request for help was opened 2 hours later:
      helped;
    - 甲3 was refused a booking and booked two days later: left behind (hospital);
    - 甲4 started a taxi that found no car, and asked for help on the web page then left:
      left behind (taxi and help desk);
    - 甲5 started a taxi six hours ago: too recent to tell.
    """
    busy, _quiet = people
    three_days = noon - 3 * DAY
    _step(busy[0], "taxi", "started", three_days)
    _ride(busy[0], RideStatus.DONE, three_days + timedelta(minutes=10))
    _step(busy[1], "hospital", "started", three_days)
    _step(busy[2], "taxi", "refused", noon - 2 * DAY, "no_pickup_address")
    HelpRequest.objects.create(
        resident=busy[2],
        kind=Kind.CALL_BACK,
        topic=Topic.TAXI,
        channel="phone",
        street=busy[2].street,
        opened_at=noon - 2 * DAY + timedelta(hours=2),
        contact_due=noon,
    )
    _step(busy[3], "hospital", "refused", noon - 4 * DAY, "session_full")
    _appointment(busy[3], noon - 2 * DAY)
    _step(busy[4], "taxi", "started", three_days)
    _ride(busy[4], RideStatus.NO_CAR, three_days + timedelta(minutes=1))
    _step(busy[4], "assist", "started", three_days + timedelta(minutes=30))
    _step(busy[5], "taxi", "started", noon - timedelta(hours=6))


def _values(figure):
    return [value for _label, value in figure.rows]


def test_who_is_left_behind_is_counted_by_person_and_service(journeys, district):
    figure = figures.left_behind(period_from("7d"), area_from(f"d{district.pk}"))
    # started, refused, left behind; then taxi, hospital, help desk
    assert _values(figure) == [3, 2, 3, 1, 2, 1]
    assert "满一天" in figure.note  # the last day is left out, and it says so


def test_a_small_street_shows_few_and_today_is_not_counted_yet(
    journeys, district, quiet_street, busy_street
):
    quiet = figures.left_behind(period_from("7d"), area_from(f"s{quiet_street.pk}"))
    assert set(_values(quiet)) == {"<5"}
    today = figures.left_behind(period_from("today"), area_from(f"d{district.pk}"))
    assert _values(today) == [0, 0, 0, 0, 0, 0]  # 甲5's start is not a day old yet


def test_the_web_start_pages_record_a_start_once_an_hour(client, resident, at):
    at(2026, 11, 20, 10, 0)
    client.force_login(resident)
    client.get("/help/")
    client.get("/help/")
    client.get("/hospital/")
    at(2026, 11, 20, 11, 30)
    client.get("/help/")
    assert sorted(Step.objects.values_list("service", "what")) == [
        ("assist", "started"),
        ("assist", "started"),
        ("hospital", "started"),
    ]


def test_a_taxi_refused_is_recorded_though_nothing_else_is_written(resident):
    resident.home_address = ""
    resident.save(update_fields=["home_address"])
    with pytest.raises(taxi.NoPickupAddress):
        taxi.request_ride(Acting.by_resident(resident), idempotency_key="k1")
    assert not Ride.objects.exists()
    step = Step.objects.get()
    assert (step.service, step.what, step.reason) == ("taxi", "refused", "no_pickup_address")

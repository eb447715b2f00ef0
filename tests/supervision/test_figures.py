"""Each figure against records whose answer is known by hand (see conftest: 测试区 at noon)."""

from datetime import timedelta

import pytest

from assist.models import HelpRequest, Kind, RequestEvent, State, Topic
from assist.supervision import figures
from assist.supervision.scope import area_from, period_from
from portal.accounts.duty import duty_of
from services.hospital.models import Appointment, Session
from services.hospital.models import Status as Visit
from services.taxi.models import CANCELLED_BY_COMPANY, Ride, RideEvent
from services.taxi.models import Status as RideStatus

pytestmark = pytest.mark.django_db

M = timedelta(minutes=1)


def _request(resident, channel, opened, *, taken=None, due=10, state=State.CLOSED, holder=None):
    request = HelpRequest.objects.create(
        resident=resident,
        kind=Kind.CALL_BACK,
        topic=Topic.OTHER,
        channel=channel,
        street=resident.street,
        opened_at=opened,
        contact_due=opened + due * M,
        state=state,
        holder=holder,
        lease_until=opened + 60 * M if holder else None,
        first_contact_at=opened + taken * M if taken is not None else None,
    )
    RequestEvent.objects.create(request=request, at=opened, what=RequestEvent.What.OPENED)
    if taken is not None:
        RequestEvent.objects.create(
            request=request, at=opened + taken * M, what=RequestEvent.What.TAKEN
        )
        # A second taking (after a hand-back) is not the first contact.
        RequestEvent.objects.create(
            request=request, at=opened + (taken + 30) * M, what=RequestEvent.What.TAKEN
        )
    return request


@pytest.fixture
def desk(noon, people, volunteer):
    """Today in 甲街道: five requests (three taken after 4, 20 and 2 minutes, two of them by
    their target; two waiting since 11:30 and 11:50, one escalated); one yesterday; one today
    in 乙街道."""
    busy, quiet = people
    _request(busy[0], "web", noon - 60 * M, taken=4, state=State.HELD, holder=volunteer)
    _request(busy[1], "phone", noon - 60 * M, taken=20)
    _request(busy[2], "phone", noon - 50 * M, taken=2)
    late = _request(busy[3], "sms", noon - 30 * M, state=State.WAITING)
    RequestEvent.objects.create(request=late, at=noon - 15 * M, what=RequestEvent.What.ESCALATED)
    _request(busy[4], "counter", noon - 10 * M, state=State.WAITING)
    _request(busy[5], "volunteer", noon - timedelta(days=1), taken=1)
    _request(quiet, "web", noon - 5 * M, taken=1)


def rows(figure):
    return dict(figure.rows)


def values(figure):
    return [value for _label, value in figure.rows]


def test_the_desk_now_in_a_district(desk, district, busy_street, volunteer, noon):
    duty_of(volunteer).streets.add(busy_street)  # the demo volunteer is on duty
    figure = figures.desk_now(period_from("today"), area_from(f"d{district.pk}"), noon)
    assert list(rows(figure).values()) == [2, "30分钟", 1, 1]


def test_first_contact_today_and_in_the_last_seven_days(desk, district, busy_street):
    area = area_from(f"d{district.pk}")
    today = rows(figures.desk_contact(period_from("today"), area))
    # Six opened (five in 甲街道, one in 乙街道), three taken by their target: waits 1, 2, 4
    # and 20 minutes, the median is the second, the 90th percentile the fourth.
    assert list(today.values()) == [6, "50%", "2分钟", "20分钟", 1]
    week = rows(figures.desk_contact(period_from("7d"), area))
    # Yesterday's too: seven opened, four by their target; waits 1, 1, 2, 4, 20 minutes.
    assert list(week.values()) == [7, "57%", "2分钟", "20分钟", 1]
    street = rows(figures.desk_contact(period_from("today"), area_from(f"s{busy_street.pk}")))
    # 甲街道 alone: five (not fewer than five) opened, two by their target; waits 2, 4, 20;
    # one escalation: fewer than five.
    assert list(street.values()) == [5, "40%", "4分钟", "20分钟", "<5"]


def test_requests_by_channel(desk, district):
    figure = figures.desk_channels(period_from("today"), area_from(f"d{district.pk}"))
    assert [value for _label, value in figure.rows] == [2, 2, 1, 1, 0, 0]
    assert figure.chart


def test_a_quiet_street_shows_small_counts_as_fewer_than_five(desk, quiet_street):
    area = area_from(f"s{quiet_street.pk}")
    contact = rows(figures.desk_contact(period_from("today"), area))
    assert list(contact.values()) == ["<5", "<5", "<5", "<5", "<5"]
    assert all(
        value == "<5" for _l, value in figures.desk_channels(period_from("today"), area).rows
    )


def test_a_district_is_not_small(desk, district):
    assert not area_from(f"d{district.pk}").small
    assert rows(figures.desk_channels(period_from("today"), area_from(f"d{district.pk}")))


@pytest.fixture
def rides(noon, people, volunteer):
    """Today in 甲街道: two rides done (one after a driver cancelled), one with no car, one the
    company called off, one still looking; one ride yesterday."""
    busy, _quiet = people
    made = []
    for n, (channel, status, extra) in enumerate(
        [
            ("web", RideStatus.DONE, {}),
            ("web", RideStatus.DONE, {"redispatches": 1}),
            ("phone", RideStatus.NO_CAR, {}),
            ("sms", RideStatus.CANCELLED, {"cancel_reason": CANCELLED_BY_COMPANY}),
            ("web", RideStatus.LOOKING, {}),
            ("counter", RideStatus.DONE, {}),
        ]
    ):
        made.append(
            Ride.objects.create(
                resident=busy[n],
                requested_by=busy[n],
                pickup_address="某路1号",
                idempotency_key=f"supervision-{n}",
                channel=channel,
                status=status,
                **extra,
            )
        )
    Ride.objects.filter(pk=made[-1].pk).update(created_at=noon - timedelta(days=1))
    # Cars found after 3, 9 and 1 minutes (the second ride's first car counts; a late event
    # that changed nothing does not).
    for n, (ride, after, applied) in enumerate(
        [
            (made[0], 3, True),
            (made[1], 9, True),
            (made[1], 15, True),
            (made[4], 1, True),
            (made[2], 2, False),
        ]
    ):
        event = RideEvent.objects.create(
            ride=ride, provider="test", event_id=f"e{n}", kind="car_found", applied=applied
        )
        RideEvent.objects.filter(pk=event.pk).update(received_at=noon + after * M)
    # As the events set it when applied: the first car found counts.
    for ride, after in [(made[0], 3), (made[1], 9), (made[4], 1)]:
        Ride.objects.filter(pk=ride.pk).update(car_found_at=noon + after * M)
    return made


def test_time_to_a_car(rides, district, busy_street):
    area, today = area_from(f"d{district.pk}"), period_from("today")
    # Waits 1, 3 and 9 minutes: the median is the second, the 90th percentile the third.
    assert values(figures.taxi_waits(today, area)) == [3, "3分钟", "9分钟"]
    street = area_from(f"s{busy_street.pk}")
    assert values(figures.taxi_waits(today, street)) == ["<5", "<5", "<5"]


def test_taxi_rides_by_channel_and_what_became_of_them(rides, district):
    area, today = area_from(f"d{district.pk}"), period_from("today")
    # web, phone, sms, counter, volunteer, system
    assert values(figures.taxi_channels(today, area)) == [3, 1, 1, 0, 0, 0]
    outcomes = rows(figures.taxi_outcomes(today, area))
    assert list(outcomes.values()) == [5, 2, 1, 1, 2]
    assert values(figures.taxi_outcomes(period_from("7d"), area))[0] == 6


@pytest.fixture
def visits(noon, people, volunteer):
    """In 甲街道: three bookings today (one cancelled today), one missed visit today booked
    last week, and one booked last week cancelled then."""
    busy, _quiet = people
    template = Session.objects.first()
    today = Session.objects.get(pk=template.pk)
    today.pk = None
    today.date = noon.date()
    today.save()
    specs = [
        ("web", Visit.BOOKED, None, noon),
        ("phone", Visit.CANCELLED, noon - 5 * M, noon),
        ("volunteer", Visit.BOOKED, None, noon),
        ("counter", Visit.MISSED, None, noon - timedelta(days=8)),
        ("web", Visit.CANCELLED, noon - timedelta(days=8), noon - timedelta(days=9)),
    ]
    for n, (channel, status, cancelled_at, created_at) in enumerate(specs):
        Appointment.objects.create(
            session=today,
            patient=busy[n],
            patient_name_masked="*",
            patient_id_masked="*",
            booked_by=busy[n],
            status=status,
            code=f"SV{n:04d}",
            idempotency_key=f"supervision-{n}",
            channel=channel,
            cancelled_at=cancelled_at,
            created_at=created_at,
        )


def test_hospital_bookings_by_channel_cancellations_and_missed_visits(visits, district):
    area, today = area_from(f"d{district.pk}"), period_from("today")
    # web, phone, sms, counter, volunteer, system
    assert values(figures.hospital_channels(today, area)) == [1, 1, 0, 0, 1, 0]
    assert list(rows(figures.hospital_outcomes(today, area)).values()) == [3, 1, 1]
    month = rows(figures.hospital_outcomes(period_from("2026-11"), area))
    assert list(month.values()) == [5, 2, 1]

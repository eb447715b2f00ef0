"""Messages and ratings figures against records whose answer is known by hand (测试区 at noon)."""

from datetime import timedelta

import pytest

from assist.models import HelpRequest, Kind, State, Topic
from assist.supervision import figures
from assist.supervision.scope import area_from, period_from
from portal.notifications.models import ERROR_WORDS, Message, OptOut
from portal.ratings.models import Rating

pytestmark = pytest.mark.django_db


def values(figure):
    return [value for _label, value in figure.rows]


@pytest.fixture
def messages(noon, people):
    """To 甲街道's residents today: four sent or delivered, three not (two opted out, one not a
    mobile number), one queued; one to a number of nobody in the district; two opt-outs."""
    busy, _quiet = people
    specs = [
        (busy[0], "sent", ""),
        (busy[1], "delivered", ""),
        (busy[2], "delivered", ""),
        (busy[3], "sent", ""),
        (busy[0], "cancelled", "opted_out"),
        (busy[1], "cancelled", "opted_out"),
        (busy[2], "undelivered", "21614"),
        (busy[3], "queued", ""),
    ]
    for resident, status, code in [*specs, (None, "failed", "network")]:
        Message.objects.create(
            medium="sms",
            recipient=resident.phone if resident else "+8613999999999",
            purpose="taxi",
            template="test",
            language="zh-hans",
            status=status,
            error_code=code,
            not_before=noon,
        )
    OptOut.objects.create(phone=busy[0].phone, source="sms")
    OptOut.objects.create(phone=busy[1].phone, source="provider", since=noon - timedelta(days=3))


def test_messages_sent_failed_and_opted_out(messages, district):
    area = area_from(f"d{district.pk}")
    assert values(figures.messages_sent(period_from("today"), area)) == [4, 3, 1]
    assert values(figures.messages_sent(period_from("7d"), area)) == [4, 3, 2]
    failed = figures.messages_failed(period_from("today"), area)
    assert failed.rows == [(str(ERROR_WORDS["opted_out"]), 2), (str(ERROR_WORDS["21614"]), 1)]


def test_the_city_counts_every_number(messages):
    city = figures.messages_failed(period_from("today"), area_from("city"))
    assert (str(ERROR_WORDS["network"]), 1) in city.rows


@pytest.fixture
def ratings(noon, people, volunteer):
    """From 甲街道 today: three requests rated (5, 4, 1), two rides (5, 2) through web, sms and
    phone; one ride rated last month; two poor ratings followed up, one past its time."""
    busy, _quiet = people
    specs = [
        (busy[0], "request:1", 5, "web"),
        (busy[1], "request:2", 4, "web"),
        (busy[2], "request:3", 1, "phone"),
        (busy[3], "ride:1", 5, "sms"),
        (busy[4], "ride:2", 2, "web"),
    ]
    for resident, subject, level, channel in specs:
        Rating.objects.create(resident=resident, subject=subject, level=level, channel=channel)
    Rating.objects.create(
        resident=busy[5],
        subject="ride:3",
        level=3,
        channel="web",
        created_at=noon - timedelta(days=40),
    )
    for resident, due in [
        (busy[2], noon - timedelta(hours=1)),
        (busy[4], noon + timedelta(hours=1)),
    ]:
        HelpRequest.objects.create(
            resident=resident,
            kind=Kind.FOLLOW_UP,
            topic=Topic.OTHER,
            channel="system",
            street=resident.street,
            contact_due=due,
            state=State.WAITING,
        )


def test_ratings_by_level(ratings, district):
    area = area_from(f"d{district.pk}")
    # very satisfied, satisfied, fairly, dissatisfied, very dissatisfied
    assert values(figures.ratings_by_level(period_from("today"), area)) == [2, 1, 0, 1, 1]
    assert values(figures.ratings_by_level(period_from("2026-10"), area)) == [0, 0, 1, 0, 0]


def test_ratings_per_service_and_channel(ratings, district):
    area = area_from(f"d{district.pk}")
    # request: 3, poor 1; ride: 2, poor 1; then web, phone, sms, counter, volunteer, system
    assert values(figures.ratings_by_service(period_from("today"), area)) == [
        3,
        1,
        2,
        1,
        3,
        1,
        1,
        0,
        0,
        0,
    ]


def test_poor_ratings_open_and_overdue(ratings, district, quiet_street, noon):
    area = area_from(f"d{district.pk}")
    assert values(figures.poor_ratings_open(period_from("today"), area, noon)) == [2, 1]
    quiet = area_from(f"s{quiet_street.pk}")
    assert values(figures.poor_ratings_open(period_from("today"), quiet, noon)) == ["<5", "<5"]

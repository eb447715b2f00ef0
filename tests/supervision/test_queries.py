"""The figures are counted by the database: more records never mean more queries."""

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from assist.models import HelpRequest, Kind, RequestEvent, State, Topic
from assist.supervision.panels import figures_for
from portal.notifications.models import Message
from portal.ratings.models import Rating
from services.taxi.models import Ride

pytestmark = pytest.mark.django_db


def _count_queries(area_code):
    request = RequestFactory().get("/admin/", {"period": "30d", "area": area_code})
    with CaptureQueriesContext(connection) as queries:
        figures_for(request)
    return len(queries)


def _more(people, noon, start):
    busy, _quiet = people
    for n, resident in enumerate(busy):
        key = f"{start}-{n}"
        request = HelpRequest.objects.create(
            resident=resident,
            kind=Kind.CALL_BACK,
            topic=Topic.OTHER,
            channel="web",
            street=resident.street,
            contact_due=noon,
            state=State.CLOSED,
        )
        RequestEvent.objects.create(request=request, what=RequestEvent.What.TAKEN)
        Ride.objects.create(
            resident=resident,
            requested_by=resident,
            pickup_address="某路1号",
            idempotency_key=key,
            channel="web",
            status="done",
        )
        Message.objects.create(
            medium="sms",
            recipient=resident.phone,
            purpose="taxi",
            template="t",
            language="zh-hans",
            status="failed",
            error_code=key,
            not_before=noon,
        )
        Rating.objects.update_or_create(
            resident=resident, subject=f"ride:{key}", defaults={"level": 2, "channel": "web"}
        )


@pytest.mark.parametrize("area", ["city", "district"])
def test_the_number_of_queries_does_not_grow_with_the_records(noon, people, district, area):
    code = "city" if area == "city" else f"d{district.pk}"
    _more(people, noon, "a")
    before = _count_queries(code)
    for start in "bcd":
        _more(people, noon, start)
    assert _count_queries(code) == before
    assert before < 60

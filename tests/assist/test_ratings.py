"""After a request closes the resident says how satisfied they were (好差评), on the web or on
the follow-up call; a poor rating goes to a supervisor, due within one working day."""

import pytest
from django.core.exceptions import ValidationError

from assist import api, offers
from assist.models import HelpRequest, Kind, Offer
from portal.acting import Acting
from portal.audit.models import AuditEntry
from portal.channels import Channel
from portal.ratings import api as ratings
from portal.ratings.models import Level, Rating

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed(resident, volunteer, at):
    at(2026, 11, 20, 10, 0)  # a Friday
    request = api.open_request(resident, kind=Kind.CALL_BACK, channel=Channel.WEB)
    api.take(request, volunteer)
    api.close(request, volunteer, "done")
    return request


def test_the_five_levels_are_the_government_ones():
    assert [level for level, _ in Level.choices] == [5, 4, 3, 2, 1]
    assert "非常满意" in Level(5).label and "非常不满意" in Level(1).label


def test_the_resident_rates_a_closed_request_once_on_the_web(client, resident, closed):
    client.force_login(resident)
    page = f"/en/help/requests/{closed.pk}/"
    assert 'name="level"' in client.get(page).content.decode()
    client.post(page, {"level": "4", "comment": "很好"})
    rating = Rating.objects.get(resident=resident)
    assert (rating.subject, rating.level, rating.channel, rating.recorded_by) == (
        closed.reference,
        4,
        "web",
        None,
    )
    html = client.get(page).content.decode()
    assert 'name="level"' not in html and 'data-rated="4"' in html
    client.post(page, {"level": "1"})  # a second form from another tab changes nothing
    assert Rating.objects.get(resident=resident).level == 4
    assert not HelpRequest.objects.filter(kind=Kind.FOLLOW_UP).exists()


def test_a_request_still_open_cannot_be_rated(client, resident, at):
    at(2026, 11, 20, 10, 0)
    request = api.open_request(resident, kind=Kind.CALL_BACK, channel=Channel.WEB)
    client.force_login(resident)
    client.post(f"/en/help/requests/{request.pk}/", {"level": "5"})
    assert not Rating.objects.exists()


def test_a_poor_rating_on_the_follow_up_call_goes_to_a_supervisor_next_working_day(
    resident, volunteer, supervisor, closed, committed
):
    acting = Acting.for_resident(resident, volunteer, channel=Channel.PHONE)
    committed(ratings.rate, acting, closed.reference, Level.DISSATISFIED, "没人回电话")
    rating = Rating.objects.get(resident=resident)
    assert (rating.channel, rating.recorded_by) == ("phone", volunteer)
    entry = AuditEntry.objects.get(resident=resident, action="rated")
    assert entry.actor == volunteer
    follow_up = HelpRequest.objects.get(kind=Kind.FOLLOW_UP)
    assert follow_up.about == f"rating:{closed.reference}"
    assert follow_up.contact_due.isoformat() == "2026-11-23T02:00:00+00:00"  # Monday 10:00
    offers.offer_waiting()
    assert set(
        Offer.objects.filter(request=follow_up).values_list("person__username", flat=True)
    ) == {"supervisor"}
    with pytest.raises(ValidationError):
        ratings.rate(acting, closed.reference, Level.SATISFIED)


def test_the_desk_writes_down_the_rating_said_on_the_follow_up_call(
    client, staff_login, volunteer, resident, closed
):
    from django.urls import reverse

    staff_login(volunteer)
    page = reverse("assist_desk_request", args=[closed.pk])
    client.post(page, {"action": "rating", "level": "5", "comment": ""})
    rating = Rating.objects.get(resident=resident)
    assert (rating.level, rating.recorded_by, rating.channel) == (5, volunteer, "phone")

"""One rating per thing rated (好差评): reasons and words, changed within RATING_CHANGE_DAYS,
refused in words after, and rated afresh once a poor rating's follow-up was handled."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from assist import api as assist
from assist.models import HelpRequest, Kind
from portal.acting import Acting
from portal.audit.models import AuditEntry
from portal.channels import Channel
from portal.ratings import api as ratings
from portal.ratings.models import Level, Rating

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed(resident, volunteer, at):
    at(2026, 11, 20, 10, 0)  # a Friday
    request = assist.open_request(resident, kind=Kind.CALL_BACK, channel=Channel.WEB)
    assist.take(request, volunteer)
    assist.close(request, volunteer, "done")
    return request


def test_preset_reasons_of_the_service_are_kept_and_others_dropped(resident, closed):
    rating = ratings.rate(
        Acting.by_resident(resident),
        closed.reference,
        Level.FAIRLY_SATISFIED,
        "  还行  ",
        ["waited_long", "car_slow", "waited_long", "nonsense"],
    )
    assert (rating.reasons, rating.comment) == (["waited_long"], "还行")
    assert [key for key, _ in ratings.reasons_for("ride:3")] == [
        "car_slow",
        "driver",
        "hard_to_use",
    ]


def test_a_second_rating_is_refused_unless_the_resident_changes_it(resident, closed, at):
    acting = Acting.by_resident(resident)
    ratings.rate(acting, closed.reference, Level.SATISFIED)
    with pytest.raises(ValidationError):
        ratings.rate(acting, closed.reference, Level.VERY_SATISFIED)
    at(2026, 11, 26, 10, 0)  # six days later
    ratings.rate(
        acting, closed.reference, Level.VERY_SATISFIED, reasons=["not_solved"], change=True
    )
    rating = Rating.objects.get()
    assert (rating.level, rating.reasons) == (5, ["not_solved"])
    assert rating.changed_at is not None
    assert AuditEntry.objects.filter(resident=resident, action="changed_rating").count() == 1
    assert AuditEntry.objects.filter(resident=resident, action="rated").count() == 1


def test_after_seven_days_a_rating_cannot_be_changed_and_it_says_until_when(
    resident, closed, at, settings
):
    acting = Acting.by_resident(resident)
    ratings.rate(acting, closed.reference, Level.SATISFIED)
    at(2026, 11, 27, 10, 0)  # seven days later
    with pytest.raises(ValidationError) as refused:
        ratings.rate(acting, closed.reference, Level.DISSATISFIED, change=True)
    assert "这个评价已经不能修改：只能在2026年11月27日之前修改" in refused.value.messages[0]
    assert Rating.objects.get().level == 4
    settings.RATING_CHANGE_DAYS = 30
    ratings.rate(acting, closed.reference, Level.DISSATISFIED, change=True)
    assert Rating.objects.get().level == 2


def test_a_change_to_a_poor_level_opens_one_follow_up(resident, closed, committed, at):
    acting = Acting.by_resident(resident)
    committed(ratings.rate, acting, closed.reference, Level.SATISFIED)
    assert not HelpRequest.objects.filter(kind=Kind.FOLLOW_UP).exists()
    committed(ratings.rate, acting, closed.reference, Level.DISSATISFIED, change=True)
    committed(ratings.rate, acting, closed.reference, Level.VERY_DISSATISFIED, change=True)
    follow_up = HelpRequest.objects.get(kind=Kind.FOLLOW_UP)
    assert follow_up.about == f"rating:{closed.reference}"


def test_once_the_follow_up_is_handled_the_resident_may_rate_again(
    resident, closed, committed, supervisor, at
):
    acting = Acting.by_resident(resident)
    committed(ratings.rate, acting, closed.reference, Level.VERY_DISSATISFIED, "没人回电话")
    follow_up = HelpRequest.objects.get(kind=Kind.FOLLOW_UP)
    at(2026, 12, 1, 10, 0)  # eleven days later: too late to change it
    with pytest.raises(ValidationError):
        ratings.rate(acting, closed.reference, Level.SATISFIED, change=True)
    assist.take(follow_up, supervisor)
    committed(assist.close, follow_up, supervisor, "done")
    rating = Rating.objects.get()
    assert rating.may_rate_again
    assert ratings.may_change(rating)
    ratings.rate(acting, closed.reference, Level.SATISFIED)  # a new rating, not a change
    rating.refresh_from_db()
    assert (rating.level, rating.may_rate_again, rating.comment) == (4, False, "")
    assert rating.created_at.date() == datetime.date(2026, 12, 1)
    # Only one new follow-up per poor rating; the handled one stays closed and no other opened.
    assert HelpRequest.objects.filter(kind=Kind.FOLLOW_UP).count() == 1


def test_reopening_touches_only_a_poor_rating(resident, closed):
    ratings.rate(Acting.by_resident(resident), closed.reference, Level.SATISFIED)
    assert ratings.reopen_rating(resident, closed.reference) is False
    assert not Rating.objects.get().may_rate_again

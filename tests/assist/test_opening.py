"""The desk's hours follow Shanghai's working days: holidays and make-up working days from the
calendar library, and from what administrators enter for a year the library does not know."""

import datetime

import pytest

from assist import api
from assist.models import CalendarDay, Kind
from assist.opening import is_workday, next_open, working_days_later
from portal.channels import Channel

pytestmark = pytest.mark.django_db


def test_national_day_is_a_holiday_and_its_make_up_sunday_a_working_day():
    assert not is_workday(datetime.date(2026, 10, 1))  # 国庆节, a Thursday
    assert is_workday(datetime.date(2026, 9, 20))  # a Sunday worked to make up for it
    assert not is_workday(datetime.date(2026, 9, 13))  # an ordinary Sunday


def test_a_year_the_library_does_not_know_uses_what_administrators_entered():
    new_year = datetime.date(2027, 1, 1)  # a Friday
    assert is_workday(new_year)  # weekends only, until someone enters the holidays
    CalendarDay.objects.create(day=new_year, is_workday=False, name="元旦")
    CalendarDay.objects.create(day=datetime.date(2027, 1, 9), is_workday=True, name="元旦调休")
    assert not is_workday(new_year)
    assert is_workday(datetime.date(2027, 1, 9))  # a Saturday, made a working day


def test_out_of_hours_the_call_is_due_after_the_desk_opens(resident, at, client):
    at(2026, 9, 30, 21, 30)  # the evening before National Day
    opens = next_open()
    assert opens.isoformat() == "2026-10-01T09:00:00+08:00"  # a holiday: 9:00 to 17:00
    request = api.open_request(resident, kind=Kind.CALL_BACK, channel=Channel.WEB)
    assert request.contact_due == opens + datetime.timedelta(minutes=10)
    client.force_login(resident)
    html = client.get(f"/en/help/requests/{request.pk}/").content.decode()
    assert "The help desk is closed now. A person will call you after 10/01/2026 9 a.m." in html


def test_one_working_day_later_skips_the_holiday_week(at):
    eve = at(2026, 9, 30, 15, 0)  # National Day holidays: 1 to 7 October
    assert working_days_later(eve, 1) == eve.replace(month=10, day=8)


def test_a_desk_open_all_day_is_open_at_midnight_and_hours_come_from_the_environment(
    settings, at, monkeypatch
):
    from django.core.exceptions import ImproperlyConfigured

    from assist.opening import is_open
    from portal.env import env_hours

    settings.ASSIST_HOURS_WORKDAY = settings.ASSIST_HOURS_DAY_OFF = (0, 24)
    assert is_open(at(2026, 11, 20, 23, 59))
    assert is_open(at(2026, 11, 21, 0, 0))
    monkeypatch.setenv("ASSIST_HOURS_WORKDAY", "7-22")
    assert env_hours("ASSIST_HOURS_WORKDAY", (8, 20)) == (7, 22)
    for wrong in ("20-8", "8", "0-25", "eight-twenty"):
        monkeypatch.setenv("ASSIST_HOURS_WORKDAY", wrong)
        with pytest.raises(ImproperlyConfigured):
            env_hours("ASSIST_HOURS_WORKDAY", (8, 20))

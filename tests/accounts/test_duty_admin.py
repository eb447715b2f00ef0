"""Supervisors keep the duty records in the admin: area, languages, on duty or not."""

import pytest
from django.urls import reverse

from portal.accounts.duty import duty_of
from portal.accounts.models import Duty
from portal.areas.models import District, Street

pytestmark = pytest.mark.django_db


def _form(duty, **changes):
    data = {
        "person": duty.person_id,
        "on_duty": "on" if duty.on_duty else "",
        "streets": [s.pk for s in duty.streets.all()],
        "districts": [d.pk for d in duty.districts.all()],
        "languages": duty.languages,
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v not in ("", None)}


def test_a_supervisor_sets_a_volunteers_area_and_languages(
    client, staff_login, supervisor, volunteer
):
    staff_login(supervisor)
    duty = duty_of(volunteer)
    assert client.get(reverse("wagtailsnippets_accounts_duty:list")).status_code == 200
    url = reverse("wagtailsnippets_accounts_duty:edit", args=[duty.pk])
    page = client.get(url).content.decode()
    assert 'value="wuu"' in page  # the languages are checkboxes, not JSON to type
    street = Street.objects.get(name="曹家渡街道")
    response = client.post(
        url,
        _form(
            duty,
            streets=[street.pk],
            districts=[District.objects.get(name="普陀区").pk],
            languages=["zh-hans", "yue"],
            on_duty="",
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    duty = Duty.objects.get(pk=duty.pk)
    assert (duty.on_duty, duty.languages) == (False, ["zh-hans", "yue"])
    assert duty.covers(street)
    assert duty.covers(Street.objects.filter(district__name="普陀区").first())
    assert not duty.covers(Street.objects.get(name="静安寺街道"))


def test_nobody_without_the_permission_is_put_on_duty(client, staff_login, supervisor, editor):
    staff_login(supervisor)
    duty = duty_of(editor)
    url = reverse("wagtailsnippets_accounts_duty:edit", args=[duty.pk])
    response = client.post(url, _form(duty, on_duty="on"))
    assert response.status_code == 200
    assert not Duty.objects.get(pk=duty.pk).on_duty


def test_an_editor_cannot_see_the_duties(client, staff_login, editor):
    staff_login(editor)
    response = client.get(reverse("wagtailsnippets_accounts_duty:list"))
    assert response.status_code in (302, 403)

"""The web page to rate a ride, an appointment or a request for help: five labelled levels,
optional reasons and words, one button, a thank-you page, and "change it until"."""

import re

import pytest

from assist import api as assist
from assist.models import HelpRequest, Kind
from portal.channels import Channel
from portal.ratings.models import Rating
from services.taxi.models import Status
from tests.hospital.conftest import book

pytestmark = pytest.mark.django_db


def page(client, subject):
    return client.get(f"/en/rate/{subject}/")


def test_a_ride_that_ended_is_rated_with_five_labelled_choices(client, at_home, ended, at):
    at(2026, 11, 20, 10, 0)
    client.force_login(at_home)
    html = page(client, f"ride:{ended.pk}").content.decode()
    radios = re.findall(r'type="radio" name="level" value="(\d)"', html)
    assert radios == ["5", "4", "3", "2", "1"]
    for words in ("Very satisfied (非常满意)", "Fairly satisfied (基本满意)", "非常不满意"):
        assert words in html
    assert "The car came slowly" in html and 'type="checkbox"' in html
    answer = client.post(
        f"/en/rate/ride:{ended.pk}/",
        {"level": "3", "reasons": ["car_slow"], "comment": "司机很好"},
    )
    assert answer.status_code == 302 and answer["Location"].endswith(
        f"/rate/ride:{ended.pk}/thanks/"
    )
    rating = Rating.objects.get()
    assert (rating.subject, rating.level, rating.reasons, rating.comment, rating.channel) == (
        f"ride:{ended.pk}",
        3,
        ["car_slow"],
        "司机很好",
        "web",
    )
    thanks = client.get(answer["Location"]).content.decode()
    assert "Thank you for your rating" in thanks and "The car came slowly" in thanks
    assert "You can change it until Nov. 27, 2026" in thanks
    again = page(client, f"ride:{ended.pk}").content.decode()
    assert 'data-rated="3"' in again and "Change my rating" in again
    assert 'value="3" required' in again or re.search(r'value="3"[^>]*checked', again)


def test_a_rating_is_changed_on_the_same_page_within_the_days(client, at_home, ended, at):
    at(2026, 11, 20, 10, 0)
    client.force_login(at_home)
    client.post(f"/en/rate/ride:{ended.pk}/", {"level": "5"})
    at(2026, 11, 26, 10, 0)
    client.post(f"/en/rate/ride:{ended.pk}/", {"level": "4"})
    assert Rating.objects.get().level == 4
    at(2026, 11, 28, 10, 0)
    html = page(client, f"ride:{ended.pk}").content.decode()
    assert 'name="level"' not in html and 'data-rated="4"' in html
    assert "change it until" not in html


def test_choosing_nothing_says_what_to_do(client, at_home, ended):
    client.force_login(at_home)
    html = client.post(f"/en/rate/ride:{ended.pk}/", {}).content.decode()
    assert "<title>Error:" in html and "Choose how satisfied you were." in html
    assert not Rating.objects.exists()


def test_a_ride_not_ended_cannot_be_rated_yet(client, at_home, ride_in):
    ride = ride_in(Status.ON_TRIP)
    client.force_login(at_home)
    html = page(client, f"ride:{ride.pk}").content.decode()
    assert 'name="level"' not in html and "cannot be rated yet" in html
    client.post(f"/en/rate/ride:{ride.pk}/", {"level": "5"})
    assert not Rating.objects.exists()


def test_someone_elses_ride_or_an_unknown_subject_is_not_found(client, neighbour, ended):
    client.force_login(neighbour)
    assert page(client, f"ride:{ended.pk}").status_code == 404
    assert client.post(f"/en/rate/ride:{ended.pk}/", {"level": "1"}).status_code == 404
    for subject in ("ride:x", "car:1", "ride", "request:999999"):
        assert page(client, subject).status_code == 404
    assert not Rating.objects.exists()


def test_signed_out_the_page_asks_to_sign_in(client, ended):
    response = page(client, f"ride:{ended.pk}")
    assert response.status_code == 302 and "next=" in response["Location"]


def test_the_ride_page_asks_how_it_was_once_it_ended(client, at_home, ended, ride_in):
    client.force_login(at_home)
    html = client.get(f"/en/taxi/rides/{ended.pk}/").content.decode()
    assert f'href="/en/rate/ride:{ended.pk}/"' in html
    ongoing = ride_in(Status.ON_TRIP)
    assert "/rate/" not in client.get(f"/en/taxi/rides/{ongoing.pk}/").content.decode()


def test_a_booked_appointment_is_rated_from_its_slip(client, patient, monday):
    appointment = book(monday, patient)
    client.force_login(patient)
    slip = client.get(f"/en/hospital/appointments/{appointment.pk}/").content.decode()
    assert f'href="/en/rate/appointment:{appointment.pk}/"' in slip
    html = page(client, f"appointment:{appointment.pk}").content.decode()
    assert "Ruijin Hospital" in html and "I waited too long" in html
    client.post(
        f"/en/rate/appointment:{appointment.pk}/", {"level": "5", "reasons": ["hard_to_use"]}
    )
    rating = Rating.objects.get()
    assert (rating.subject, rating.reasons) == (f"appointment:{appointment.pk}", ["hard_to_use"])


def test_a_cancelled_appointment_is_not_rated(client, patient, monday):
    from tests.hospital.conftest import cancel

    appointment = book(monday, patient)
    cancel(appointment)
    client.force_login(patient)
    slip = client.get(f"/en/hospital/appointments/{appointment.pk}/").content.decode()
    assert "/rate/" not in slip
    assert "cannot be rated yet" in page(client, f"appointment:{appointment.pk}").content.decode()


def test_a_closed_request_for_help_is_rated_here_too(client, resident, volunteer, committed):
    request = assist.open_request(resident, kind=Kind.CALL_BACK, channel=Channel.WEB)
    client.force_login(resident)
    assert "cannot be rated yet" in page(client, request.reference).content.decode()
    assist.take(request, volunteer)
    assist.close(request, volunteer, "done")
    with_commit = committed(
        client.post, f"/en/rate/{request.reference}/", {"level": "2", "reasons": ["waited_long"]}
    )
    assert with_commit.status_code == 302
    thanks = client.get(with_commit["Location"]).content.decode()
    assert "supervisor will call you" in thanks
    assert HelpRequest.objects.get(kind=Kind.FOLLOW_UP).about == f"rating:{request.reference}"
    # The follow-up itself is not something to rate.
    follow_up = HelpRequest.objects.get(kind=Kind.FOLLOW_UP)
    assert page(client, follow_up.reference).status_code == 404


def test_the_page_is_in_chinese_by_default(client, at_home, ended):
    at_home.language = "zh-hans"
    at_home.save(update_fields=["language"])
    client.force_login(at_home)
    html = client.get(f"/rate/ride:{ended.pk}/").content.decode()
    assert 'lang="zh-hans"' in html.lower() or 'lang="zh-Hans"' in html
    assert "非常满意" in html

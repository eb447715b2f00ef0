"""Digital-skills sessions from the desk: the holder of a request signs the resident up (or
cancels) through the learning API, with the resident's permission and on duty only; teachers
write down who came and their hours; supervisors see the hours per volunteer."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from assist import api
from assist.models import Kind
from portal.accounts.duty import set_on_duty
from portal.acting import Acting
from portal.areas.models import Street
from portal.audit.models import AuditEntry
from portal.channels import Channel
from portal.consent.models import GivenVia
from portal.notifications.models import Message
from services.learning import api as learning
from services.learning.models import Learned, Place, Session, Teaching
from tests.conftest import SHANGHAI

pytestmark = pytest.mark.django_db


@pytest.fixture
def friday(at):
    return at(2026, 11, 20, 10, 0)


@pytest.fixture
def centre(resident):
    return resident.street.centre


@pytest.fixture
def other_centre(centre):
    return Street.objects.exclude(centre=centre).exclude(centre=None).first().centre


@pytest.fixture
def make_session(centre):
    def make(*, at_centre=None, capacity=5, day=23, hour=14, minute=0, topic="taxi"):
        starts = datetime.datetime(2026, 11, day, hour, minute, tzinfo=SHANGHAI)
        return Session.objects.create(
            centre=at_centre or centre,
            topic=topic,
            starts_at=starts,
            ends_at=starts + datetime.timedelta(minutes=90),
            capacity=capacity,
            room="201",
        )

    return make


@pytest.fixture
def held(resident, volunteer, friday):
    request = api.open_request(resident, kind=Kind.TEACH_ME, channel=Channel.WEB)
    assert api.take(request, volunteer)
    return request


@pytest.fixture
def desk(client, staff_login, volunteer, held):
    staff_login(volunteer)
    return client


def page_of(held):
    return reverse("assist_desk_learning", args=[held.pk])


def allow(held, volunteer):
    api.record_consent(held, volunteer, learning.SCOPE, GivenVia.PHONE_SPOKEN)


def test_the_request_page_leads_to_the_sessions(desk, held):
    html = desk.get(reverse("assist_desk_request", args=[held.pk])).content.decode()
    assert f'href="{page_of(held)}"' in html
    assert 'value="assisted_request"' in html  # the permission the sessions need, to record


def test_sessions_at_the_residents_centre_come_first(
    desk, held, make_session, other_centre, centre
):
    elsewhere = make_session(at_centre=other_centre, day=21)  # sooner, but elsewhere
    at_home = make_session(day=24)
    html = desk.get(page_of(held)).content.decode()
    assert html.index(f'data-session="{at_home.pk}"') < html.index(f'data-session="{elsewhere.pk}"')
    assert "5 places free" in html or "还有 5 个名额" in html


def test_without_the_residents_permission_nobody_is_signed_up(desk, held, make_session):
    session = make_session()
    response = desk.post(page_of(held), {"action": "sign_up", "session": session.pk})
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert not Place.objects.filter(session=session).exists()


def test_the_holder_signs_up_with_permission_and_the_resident_is_told_who_did_it(
    desk, held, volunteer, resident, make_session, committed
):
    session = make_session()
    # Permission recorded on the request's page, as for a taxi or a hospital visit.
    desk.post(
        reverse("assist_desk_request", args=[held.pk]),
        {"action": "consent", "scope": "assisted_request", "given_via": "phone_spoken"},
    )
    response = committed(desk.post, page_of(held), {"action": "sign_up", "session": session.pk})
    assert response["Location"] == page_of(held)
    committed(desk.post, page_of(held), {"action": "sign_up", "session": session.pk})  # twice
    place = Place.objects.get(session=session)
    assert (place.resident, place.state, place.signed_up_by) == (resident, "booked", volunteer)
    assert (place.reference, place.channel, place.acting_role) == (
        held.reference,
        Channel.PHONE,
        "volunteer",
    )
    entry = AuditEntry.objects.get(resident=resident, action="signed_up_for_learning")
    assert (entry.actor, entry.reference) == (volunteer, held.reference)
    [done] = held.events.filter(what="done")
    assert done.actor == volunteer and "201" in done.note
    told = [m.body for m in Message.objects.filter(recipient=resident.phone)]
    assert len([body for body in told if str(volunteer) in body]) == 1
    html = desk.get(page_of(held)).content.decode()
    assert f'data-place="{place.pk}"' in html


def test_a_full_session_puts_the_resident_on_its_waiting_list(
    desk, held, volunteer, neighbour, make_session
):
    session = make_session(capacity=1)
    learning.sign_up(Acting.by_resident(neighbour), session)
    allow(held, volunteer)
    html = desk.get(page_of(held)).content.decode()
    assert "Put on the waiting list" in html or "登记候补" in html
    desk.post(page_of(held), {"action": "sign_up", "session": session.pk})
    place = Place.objects.get(resident=held.resident)
    assert place.state == "waiting"
    [done] = held.events.filter(what="done")
    assert "(number 1)" in done.note or "第 1 位" in done.note
    html = desk.get(page_of(held)).content.decode()
    assert "on the waiting list, number 1" in html or "候补第 1 位" in html


def test_the_holder_cancels_a_place_and_the_first_waiting_moves_up(
    desk, held, volunteer, neighbour, make_session, committed
):
    session = make_session(capacity=1)
    allow(held, volunteer)
    desk.post(page_of(held), {"action": "sign_up", "session": session.pk})
    waiting = learning.sign_up(Acting.by_resident(neighbour), session)
    assert waiting.state == "waiting"
    place = Place.objects.get(resident=held.resident)
    committed(desk.post, page_of(held), {"action": "cancel", "place": place.pk})
    place.refresh_from_db()
    waiting.refresh_from_db()
    assert (place.state, waiting.state) == ("cancelled", "booked")
    entry = AuditEntry.objects.get(resident=held.resident, action="cancelled_learning_place")
    assert entry.actor == volunteer
    again = desk.post(page_of(held), {"action": "cancel", "place": place.pk})
    assert 'role="alert"' in again.content.decode()  # nothing left to cancel


def test_off_duty_the_holder_signs_nobody_up(desk, held, volunteer, make_session):
    session = make_session()
    allow(held, volunteer)
    set_on_duty(volunteer, False)
    response = desk.post(page_of(held), {"action": "sign_up", "session": session.pk})
    assert 'role="alert"' in response.content.decode()
    assert not Place.objects.filter(session=session).exists()


def test_someone_who_does_not_hold_the_request_cannot_sign_up(
    client, staff_login, counter_staff, held, make_session
):
    session = make_session()
    set_on_duty(counter_staff, True)
    staff_login(counter_staff)
    response = client.post(page_of(held), {"action": "sign_up", "session": session.pk})
    assert response["Location"] == reverse("assist_desk_request", args=[held.pk])
    assert not Place.objects.filter(session=session).exists()


def test_a_session_that_started_meanwhile_is_refused_clearly(
    desk, held, volunteer, make_session, at
):
    session = make_session(day=20, hour=10, minute=5)
    allow(held, volunteer)
    at(2026, 11, 20, 10, 6)  # it started a minute ago; the holder still holds the request
    response = desk.post(page_of(held), {"action": "sign_up", "session": session.pk})
    assert 'role="alert"' in response.content.decode()
    assert not Place.objects.filter(session=session).exists()


# ---------------------------------------------------------------------------------------------
# The teachers' page


def test_the_teacher_writes_down_who_came_once_it_started(
    client, staff_login, volunteer, resident, neighbour, make_session, at
):
    at(2026, 11, 20, 10, 0)
    session = make_session()
    learning.sign_up(Acting.by_resident(resident), session)
    staff_login(volunteer)
    page = reverse("assist_desk_teaching_session", args=[session.pk])
    assert f'href="{page}"' in client.get(reverse("assist_desk_teaching")).content.decode()
    early = client.post(page, {"step": "attendance", "came": [str(resident.pk)]})
    assert 'role="alert"' in early.content.decode()  # not started yet
    assert not Learned.objects.filter(session=session).exists()

    at(2026, 11, 23, 15, 0)
    staff_login(volunteer)  # the admin's idle time-out ended the session meanwhile
    html = client.get(page).content.decode()
    assert str(resident) in html
    client.post(page, {"step": "attendance", "came": [str(resident.pk)], "phone": neighbour.phone})
    states = dict(Place.objects.filter(session=session).values_list("resident__phone", "state"))
    assert states == {resident.phone: "attended", neighbour.phone: "attended"}
    assert Learned.objects.filter(session=session).count() == 2
    written = AuditEntry.objects.get(resident=neighbour, action="attended_learning")
    assert written.actor == volunteer
    wrong = client.post(page, {"step": "attendance", "phone": "12"})
    assert "138 0013 8000" in wrong.content.decode()


def test_off_duty_the_teacher_sees_nobody(
    client, staff_login, volunteer, resident, make_session, friday
):
    session = make_session()
    learning.sign_up(Acting.by_resident(resident), session)
    set_on_duty(volunteer, False)
    staff_login(volunteer)
    html = client.get(reverse("assist_desk_teaching_session", args=[session.pk])).content.decode()
    assert str(resident) not in html and resident.phone not in html


def test_teachers_write_down_their_hours_and_supervisors_see_them(
    client, staff_login, volunteer, supervisor, make_session, friday
):
    session = make_session()
    staff_login(volunteer)
    page = reverse("assist_desk_teaching_session", args=[session.pk])
    bad = client.post(page, {"step": "hours", "hours": "lots"})
    assert bad.status_code == 200 and not Teaching.objects.exists()
    client.post(page, {"step": "hours", "hours": "1.5"})
    assert Teaching.objects.get().hours == Decimal("1.5")
    assert "data-hours" not in client.get(reverse("assist_desk_teaching")).content.decode()

    staff_login(supervisor)
    html = client.get(reverse("assist_desk_teaching"), {"since": "all"}).content.decode()
    assert "data-hours" in html and str(volunteer) in html and "1.5" in html

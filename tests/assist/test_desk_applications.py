"""Applications at the help desk: each one a case of its own kind, labelled, routed to the
centre the editor chose (or the city-wide queue) and due by its page's deadline; its holder
accepts, asks for a document, approves or refuses through the applications api; and counter
staff or a volunteer apply for a resident (a walk-in, a paper form, a caller)."""

from datetime import datetime

import pytest
from django.urls import reverse

from assist import offers
from assist.models import HelpRequest, Kind, Offer, State, TextQuestion
from portal.accounts.duty import set_on_duty
from portal.acting import Acting
from portal.areas.models import Street
from portal.channels import Channel
from portal.consent.models import Consent
from portal.notifications.models import Message
from services.applications import api as applications
from services.applications.models import Application, ApplicationPage
from tests.conftest import SHANGHAI

pytestmark = pytest.mark.django_db

CARD_ANSWERS = {
    "birth": "1950-03-27",
    "residence": "local",
    "collect": "post",
    "contact_phone": "13800000001",
}
MEAL_ANSWERS = {
    "meal": "canteen",
    "special_diet": "no",
    "start": "2099-01-01",
    "contact_phone": "13800000001",
}


@pytest.fixture
def card_page():
    """敬老卡: no centre (the city-wide queue), first contact within 2 working days."""
    return ApplicationPage.objects.get(slug="elderly-card", locale__language_code="zh-hans")


@pytest.fixture
def meals_page():
    """助餐, handled here by the centre serving 徐家汇街道 (the counter clerk covers 徐汇区;
    the resident lives in 静安寺街道, which the volunteer covers): within 1 working day."""
    page = ApplicationPage.objects.get(slug="meal-delivery", locale__language_code="zh-hans")
    page.centre = Street.objects.get(name="徐家汇街道").centre
    page.save(update_fields=["centre"])
    return page


def _offered(request):
    return {(o.person.username, o.round) for o in Offer.objects.filter(request=request)}


def _texts(phone):
    return list(
        Message.objects.filter(recipient=phone).order_by("pk").values_list("body", flat=True)
    )


def _case_of(application):
    return HelpRequest.objects.get(about=application.subject)


def _moment(*parts):
    return datetime(*parts, tzinfo=SHANGHAI)


# ---------------------------------------------------------------------------------------------
# A case of its own, routed and due as the page says


def test_an_application_is_offered_first_at_its_centre_and_due_by_its_deadline(
    client, staff_login, counter_staff, resident, meals_page, at, committed
):
    at(2026, 11, 20, 10, 0)  # a Friday
    application = committed(
        applications.apply, Acting.by_resident(resident), meals_page, MEAL_ANSWERS
    )
    case = _case_of(application)
    assert (case.kind, case.label, case.centre, case.state) == (
        Kind.APPLICATION,
        "助餐",
        meals_page.centre,
        State.WAITING,
    )
    assert "SQ" in case.note and application.case_number in case.note
    assert case.contact_due == _moment(2026, 11, 23, 10, 0)  # one working day: Monday
    # Those covering the centre first, not the volunteer who covers the resident's street.
    assert _offered(case) == {("counter", 1)}
    staff_login(counter_staff)
    html = client.get(reverse("assist_desk")).content.decode()
    assert f'data-request="{case.pk}"' in html
    assert "Application: 助餐" in html or "申请：助餐" in html
    assert meals_page.centre.name in html


def test_an_application_without_a_centre_goes_to_the_city_wide_queue(
    resident, card_page, at, committed
):
    at(2026, 11, 20, 10, 0)
    application = committed(
        applications.apply, Acting.by_resident(resident), card_page, CARD_ANSWERS
    )
    case = _case_of(application)
    assert (case.kind, case.label, case.centre) == (Kind.APPLICATION, "敬老卡", None)
    assert case.contact_due == _moment(2026, 11, 24, 10, 0)  # two working days
    # Everyone on duty at once, whatever streets they cover.
    assert _offered(case) == {("volunteer", 2), ("counter", 2), ("supervisor", 2)}
    # Past its deadline (not ten minutes), it goes to the supervisors.
    at(2026, 11, 23, 17, 0)
    assert offers.offer_waiting()["escalated"] == 0
    at(2026, 11, 24, 10, 0)
    assert offers.offer_waiting()["escalated"] == 1


def test_working_hours_are_counted_in_the_desks_working_day_hours(
    resident, card_page, at, committed
):
    ApplicationPage.objects.filter(pk=card_page.pk).update(contact_within=3, contact_unit="hours")
    at(2026, 11, 20, 19, 0)  # Friday, an hour before the desk closes at 20:00
    application = committed(
        applications.apply, Acting.by_resident(resident), card_page, CARD_ANSWERS
    )
    # One hour on Friday, two from Monday's 8:00.
    assert _case_of(application).contact_due == _moment(2026, 11, 23, 10, 0)


# ---------------------------------------------------------------------------------------------
# Handling it on the desk


@pytest.fixture
def held_case(client, staff_login, counter_staff, resident, card_page, at, committed):
    """A 敬老卡 case taken by the counter clerk, on duty and signed in to the desk."""
    at(2026, 11, 20, 10, 0)
    application = committed(
        applications.apply, Acting.by_resident(resident), card_page, CARD_ANSWERS
    )
    set_on_duty(counter_staff, True)
    case = _case_of(application)
    staff_login(counter_staff)
    client.post(reverse("assist_desk_take", args=[case.pk]))
    case.refresh_from_db()
    assert case.holder == counter_staff
    return case, application


def _step(client, case, **data):
    return client.post(reverse("assist_desk_application", args=[case.pk]), data)


def test_the_holder_sees_the_answers_as_asked(client, held_case):
    case, application = held_case
    html = client.get(reverse("assist_desk_request", args=[case.pk])).content.decode()
    assert application.case_number in html
    for answer in application.answers:
        assert answer["question"] in html and answer["answer"] in html


def test_accept_then_ask_for_a_document_tells_the_resident_what_and_where(
    client, held_case, resident
):
    case, application = held_case
    before = len(_texts(resident.phone))
    assert _step(client, case, step="accept").status_code == 302
    application.refresh_from_db()
    assert application.state == "accepted"
    _step(client, case, step="document", what="户口簿复印件", where="静安寺街道社区中心二楼窗口")
    application.refresh_from_db()
    assert (application.state, application.missing_document) == ("documents", "户口簿复印件")
    sent = _texts(resident.phone)[before:]
    assert len(sent) == 2
    assert "户口簿复印件" in sent[-1] and "静安寺街道社区中心二楼窗口" in sent[-1]
    case.refresh_from_db()
    assert case.state == State.HELD  # still being handled
    assert [e.what for e in case.events.filter(what="note")] == ["note", "note"]


def test_approving_closes_the_case_and_asks_for_one_rating(client, held_case, resident, committed):
    case, application = held_case
    response = committed(_step, client, case, step="approve")
    assert response["Location"] == reverse("assist_desk")
    application.refresh_from_db()
    case.refresh_from_db()
    assert application.state == "approved"
    assert (case.state, case.outcome) == (State.CLOSED, "done")
    # The application is rated (好差评), not the request as well.
    assert TextQuestion.objects.filter(resident=resident, about=application.subject).exists()
    assert not TextQuestion.objects.filter(resident=resident, about=case.reference).exists()


def test_refusing_needs_a_reason_then_tells_it_and_closes(client, held_case, resident):
    case, application = held_case
    before = len(_texts(resident.phone))
    response = _step(client, case, step="refuse", reason="  ")
    assert response.status_code == 200
    assert any(
        words in response.content.decode()
        for words in (
            "Say in plain words why it is not approved.",
            "请用简单的话写明为什么没有批准。",
        )
    )
    application.refresh_from_db()
    case.refresh_from_db()
    assert (application.state, case.state) == ("sent", State.HELD)
    assert len(_texts(resident.phone)) == before
    _step(client, case, step="refuse", reason="您的户籍不在本市，请先办理居住证。")
    application.refresh_from_db()
    case.refresh_from_db()
    assert application.state == "refused"
    assert (case.state, case.outcome) == (State.CLOSED, "done")
    assert "您的户籍不在本市，请先办理居住证。" in _texts(resident.phone)[-2]
    assert application.case_number in case.events.get(what="closed").note


def test_asking_for_a_document_needs_what_and_where(client, held_case, resident):
    case, application = held_case
    before = len(_texts(resident.phone))
    response = _step(client, case, step="document", what="户口簿", where="")
    assert response.status_code == 200
    application.refresh_from_db()
    assert (application.state, application.missing_document) == ("sent", "")
    assert len(_texts(resident.phone)) == before


def test_only_the_holder_on_duty_can_act(
    client, staff_login, held_case, volunteer, counter_staff, resident
):
    case, application = held_case
    staff_login(volunteer)  # on duty, but does not hold it
    response = _step(client, case, step="approve")
    assert response.status_code == 200
    application.refresh_from_db()
    assert application.state == "sent"
    set_on_duty(counter_staff, False)
    staff_login(counter_staff)  # holds it, but went off duty
    response = _step(client, case, step="accept")
    assert response.status_code == 200
    assert any(words in response.content.decode() for words in ("Go on duty", "请先上岗"))
    application.refresh_from_db()
    case.refresh_from_db()
    assert (application.state, case.state) == ("sent", State.HELD)


def test_a_volunteer_holding_a_case_may_accept_but_not_decide(
    client, staff_login, volunteer, resident, card_page, at, committed
):
    at(2026, 11, 20, 10, 0)
    application = committed(
        applications.apply, Acting.by_resident(resident), card_page, CARD_ANSWERS
    )
    case = _case_of(application)
    staff_login(volunteer)
    client.post(reverse("assist_desk_take", args=[case.pk]))
    assert _step(client, case, step="approve").status_code == 200  # the service refuses
    application.refresh_from_db()
    case.refresh_from_db()
    assert (application.state, case.state) == ("sent", State.HELD)
    _step(client, case, step="accept")
    application.refresh_from_db()
    assert application.state == "accepted"


# ---------------------------------------------------------------------------------------------
# Applying for a resident at the desk


def _paper_form(card_page, **more):
    data = {f"q_{key}": value for key, value in CARD_ANSWERS.items()}
    return data | {"key": "k1", "agreed": "on"} | more


def _walk_in(client, staff_login, counter_staff, resident):
    set_on_duty(counter_staff, True)
    staff_login(counter_staff)
    client.post(reverse("assist_desk_help_here", args=[resident.pk]))
    return HelpRequest.objects.get(resident=resident, state=State.HELD, holder=counter_staff)


def test_a_walk_ins_paper_form_is_typed_in_at_the_counter(
    client, staff_login, counter_staff, resident, card_page, at, committed
):
    at(2026, 11, 20, 10, 0)
    walk_in = _walk_in(client, staff_login, counter_staff, resident)
    assert walk_in.channel == Channel.COUNTER
    listing = client.get(reverse("assist_desk_apply", args=[walk_in.pk])).content.decode()
    assert f'data-page="{card_page.pk}"' in listing
    page_url = reverse("assist_desk_apply_page", args=[walk_in.pk, card_page.pk])
    asking = client.get(page_url).content.decode()
    for question in applications.questions(card_page):
        assert question.text in asking
        if question.ask_aloud:
            assert question.ask_aloud in asking
    response = committed(
        client.post, page_url, _paper_form(card_page, given_via="in_person_counter")
    )
    application = Application.objects.get(resident=resident)
    assert response["Location"] == reverse(
        "assist_desk_apply_sent", args=[walk_in.pk, application.pk]
    )
    assert (application.channel, application.reference) == (Channel.COUNTER, walk_in.reference)
    assert application.applied_by == counter_staff
    consent = Consent.objects.get(resident=resident, reference=walk_in.reference)
    assert (consent.scope, consent.given_via, consent.recorded_by) == (
        applications.SCOPE,
        "in_person_counter",
        counter_staff,
    )
    # The case opens of its own, for the centre's staff; the walk-in shows what was done.
    case = _case_of(application)
    assert case.kind == Kind.APPLICATION and case.pk != walk_in.pk
    assert application.case_number in walk_in.events.get(what="done").note
    sent = client.get(response["Location"]).content.decode()
    assert application.case_number in sent
    slip = client.get(reverse("assist_desk_slip", args=[walk_in.pk])).content.decode()
    assert application.case_number in slip
    # The same form sent again sends nothing more.
    committed(client.post, page_url, _paper_form(card_page, given_via="in_person_counter"))
    assert Application.objects.filter(resident=resident).count() == 1


def test_a_wrong_answer_or_no_permission_sends_nothing(
    client, staff_login, counter_staff, resident, card_page, at
):
    at(2026, 11, 20, 10, 0)
    walk_in = _walk_in(client, staff_login, counter_staff, resident)
    page_url = reverse("assist_desk_apply_page", args=[walk_in.pk, card_page.pk])
    wrong = client.post(
        page_url, _paper_form(card_page, given_via="in_person_counter", q_contact_phone="12")
    )
    assert wrong.status_code == 200
    not_asked = client.post(
        page_url,
        {k: v for k, v in _paper_form(card_page, given_via="in_person_counter").items()}
        | {"agreed": ""},
    )
    assert not_asked.status_code == 200
    assert not Application.objects.filter(resident=resident).exists()
    assert not Consent.objects.filter(resident=resident, reference=walk_in.reference).exists()


def test_a_caller_put_through_to_a_person_applies_by_phone(
    client, staff_login, volunteer, resident, card_page, at, committed
):
    from assist import api

    at(2026, 11, 20, 10, 0)
    call = api.open_request(resident, kind=Kind.CALL_BACK, channel=Channel.PHONE)
    api.take(call, volunteer)
    staff_login(volunteer)
    page_url = reverse("assist_desk_apply_page", args=[call.pk, card_page.pk])
    assert 'value="phone_spoken"' in client.get(page_url).content.decode()
    committed(client.post, page_url, _paper_form(card_page, given_via="phone_spoken"))
    application = Application.objects.get(resident=resident)
    assert (application.channel, application.reference) == (Channel.PHONE, call.reference)
    consent = Consent.objects.get(resident=resident, reference=call.reference)
    assert (consent.given_via, consent.recorded_by) == ("phone_spoken", volunteer)
    assert _case_of(application).kind == Kind.APPLICATION

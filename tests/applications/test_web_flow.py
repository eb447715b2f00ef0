"""Applying on the web: start, one question a page (conditions honoured), check, send."""

import pytest
from django.urls import reverse

from portal.signals import needs_a_person
from services.applications.models import Application, State


@pytest.fixture
def announced():
    """What the applications announce on ``needs_a_person``."""
    heard = []

    def hear(sender, **kwargs):
        heard.append(kwargs)

    needs_a_person.connect(hear, dispatch_uid="test-applications-heard")
    yield heard
    needs_a_person.disconnect(dispatch_uid="test-applications-heard")


def _url(page, key):
    return reverse("applications:question", args=[page.pk, key])


def _answer(client, page, key, data):
    return client.post(_url(page, key), data)


def test_the_start_page_says_who_can_apply_and_what_to_bring(signed_in, card_page):
    response = signed_in.get(reverse("applications:start", args=[card_page.pk]))
    text = response.content.decode()
    assert card_page.eligibility in text
    assert "一寸照片一张" in text
    assert reverse("applications:begin", args=[card_page.pk]) in text


def test_a_resident_must_sign_in(client, card_page):
    response = client.get(reverse("applications:start", args=[card_page.pk]))
    assert response.status_code == 302
    assert "next=" in response["Location"]


def test_answering_on_the_web_end_to_end(
    signed_in, resident, card_page, announced, texts, django_capture_on_commit_callbacks
):
    response = signed_in.get(reverse("applications:begin", args=[card_page.pk]))
    assert response["Location"] == _url(card_page, "birth")
    page = signed_in.get(_url(card_page, "birth")).content.decode()
    assert 'name="answer_year"' in page and 'inputmode="numeric"' in page

    response = _answer(
        signed_in,
        card_page,
        "birth",
        {"answer_year": "1950", "answer_month": "3", "answer_day": "27"},
    )
    assert response["Location"] == _url(card_page, "residence")
    # Local registration: the permit number is not asked.
    response = _answer(signed_in, card_page, "residence", {"answer": "local"})
    assert response["Location"] == _url(card_page, "collect")
    response = _answer(signed_in, card_page, "collect", {"answer": "post"})
    response = _answer(signed_in, card_page, "contact_phone", {"answer": "138 0000 0001"})
    check = reverse("applications:check", args=[card_page.pk])
    assert response["Location"] == check

    page = signed_in.get(check)
    text = page.content.decode()
    assert "寄到我家" in text and "138 0000 0001" in text
    # True whichever way she chose to be told: text or call.
    assert "按您选的方式（短信或电话）告诉您申请编号" in text
    assert f"{_url(card_page, 'residence')}?change=1" in text
    key = page.context["key"]

    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(check, {"key": key})
    application = Application.objects.get(resident=resident)
    assert response["Location"] == reverse("applications:application", args=[application.pk])
    assert application.state == State.SENT
    assert application.case_label == "敬老卡"
    assert [(a["key"], a["question"], a["answer"]) for a in application.answers] == [
        ("birth", "您的出生日期是哪天？", "1950年3月27日"),
        ("residence", "您的户口在本市吗？", "本市户籍"),
        ("collect", "敬老卡怎么给您？", "寄到我家"),
        ("contact_phone", "我们打哪个电话找您？", "138 0000 0001"),
    ]
    assert application.answers[3]["value"] == "+8613800000001"
    assert application.channel == "web"

    [heard] = [item for item in announced if item["reason"] == "application"]
    assert heard["record"] == f"application:{application.pk}"
    assert heard["resident"] == resident
    assert application.case_number in str(heard["summary"])

    [receipt] = texts(resident.phone)
    assert application.case_number in receipt
    assert "2" in receipt  # within 2 working days

    # A second tap of the send button: the same application, nothing new.
    again = signed_in.post(check, {"key": key})
    assert again["Location"] == response["Location"]
    assert Application.objects.filter(resident=resident).count() == 1

    shown = signed_in.get(response["Location"]).content.decode()
    assert application.case_number in shown and "本市户籍" in shown


def test_a_condition_shows_a_question_and_changing_the_answer_hides_it(
    signed_in, resident, card_page
):
    signed_in.get(reverse("applications:begin", args=[card_page.pk]))
    _answer(
        signed_in,
        card_page,
        "birth",
        {"answer_year": "1950", "answer_month": "3", "answer_day": "27"},
    )
    response = _answer(signed_in, card_page, "residence", {"answer": "permit"})
    assert response["Location"] == _url(card_page, "permit_number")
    response = _answer(signed_in, card_page, "permit_number", {"answer": "310000123"})
    assert response["Location"] == _url(card_page, "collect")
    _answer(signed_in, card_page, "collect", {"answer": "centre"})
    _answer(signed_in, card_page, "contact_phone", {"answer": "13800000001"})
    check = reverse("applications:check", args=[card_page.pk])
    assert "310000123" in signed_in.get(check).content.decode()

    # Changed to local registration from the check page: the permit question goes away.
    response = signed_in.post(f"{_url(card_page, 'residence')}?change=1", {"answer": "local"})
    assert response["Location"] == check
    page = signed_in.get(check)
    assert "310000123" not in page.content.decode()
    assert signed_in.get(_url(card_page, "permit_number"))["Location"] == check
    signed_in.post(check, {"key": page.context["key"]})
    keys = [a["key"] for a in Application.objects.get(resident=resident).answers]
    assert "permit_number" not in keys


def test_a_question_cannot_be_skipped(signed_in, card_page):
    signed_in.get(reverse("applications:begin", args=[card_page.pk]))
    response = signed_in.get(_url(card_page, "collect"))
    assert response["Location"] == _url(card_page, "birth")
    response = signed_in.get(reverse("applications:check", args=[card_page.pk]))
    assert response["Location"] == _url(card_page, "birth")


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"answer_year": "", "answer_month": "", "answer_day": ""}, "answer"),
        ({"answer_year": "1950", "answer_month": "2", "answer_day": "30"}, "answer"),
        ({"answer_year": "1950", "answer_month": "三", "answer_day": "1"}, "answer"),
        ({"answer_year": "2990", "answer_month": "1", "answer_day": "1"}, "answer"),
    ],
)
def test_a_wrong_date_says_what_to_do_and_keeps_nothing(signed_in, card_page, data, error):
    signed_in.get(reverse("applications:begin", args=[card_page.pk]))
    response = _answer(signed_in, card_page, "birth", data)
    assert response.status_code == 200
    assert response.context["form"].errors[error]
    assert 'class="error-summary"' in response.content.decode()
    assert signed_in.get(_url(card_page, "residence"))["Location"] == _url(card_page, "birth")


def test_a_choice_must_be_one_shown(signed_in, meals_page):
    signed_in.get(reverse("applications:begin", args=[meals_page.pk]))
    response = _answer(signed_in, meals_page, "meal", {"answer": "champagne"})
    assert response.status_code == 200
    assert response.context["form"].errors["answer"]


def test_my_applications_lists_each_with_its_state(signed_in, resident, card_page, meals_page):
    from portal.acting import Acting
    from services.applications import api

    from .conftest import CARD_ANSWERS

    api.apply(Acting.by_resident(resident), card_page, CARD_ANSWERS)
    meals = api.apply(
        Acting.by_resident(resident),
        meals_page,
        {
            "meal": "canteen",
            "special_diet": "no",
            "start": "2099-01-01",
            "contact_phone": "13800000001",
        },
    )
    Application.objects.filter(pk=meals.pk).update(state=State.APPROVED)
    response = signed_in.get(reverse("applications:mine"))
    text = response.content.decode()
    assert "申请敬老卡" in text and "申请助餐服务" in text
    assert "已批准" in text or "Approved" in text
    assert reverse("applications:mine") in signed_in.get(reverse("mine")).content.decode()


def test_someone_else_cannot_see_my_application(client, neighbour, resident, card_page):
    from portal.acting import Acting
    from services.applications import api

    from .conftest import CARD_ANSWERS

    application = api.apply(Acting.by_resident(resident), card_page, CARD_ANSWERS)
    client.force_login(neighbour)
    assert client.get(reverse("applications:application", args=[application.pk])).status_code == 404
    assert client.get(reverse("applications:slip", args=[application.pk])).status_code == 404


def test_an_answer_the_page_no_longer_offers_is_asked_again(signed_in, card_page):
    signed_in.get(reverse("applications:begin", args=[card_page.pk]))
    _answer(
        signed_in,
        card_page,
        "birth",
        {"answer_year": "1950", "answer_month": "3", "answer_day": "27"},
    )
    _answer(signed_in, card_page, "residence", {"answer": "other"})
    _answer(signed_in, card_page, "collect", {"answer": "post"})
    _answer(signed_in, card_page, "contact_phone", {"answer": "13800000001"})
    # Meanwhile an editor removes the choice "neither" and publishes.
    questions = list(card_page.questions.raw_data)
    for question in questions:
        if question["value"]["key"] == "residence":
            question["value"]["options"] = [
                option
                for option in question["value"]["options"]
                if option["value"]["value"] != "other"
            ]
    card_page.questions = questions
    card_page.save_revision().publish()
    response = signed_in.get(reverse("applications:check", args=[card_page.pk]))
    assert response["Location"] == _url(card_page, "residence")


def test_an_editor_can_open_the_page_in_the_editor(client, editor, staff_login, card_page):
    staff_login(editor)
    response = client.get(f"/admin/pages/{card_page.pk}/edit/")
    assert response.status_code == 200
    assert "permit_number" in response.content.decode()


def test_the_english_page_asks_in_english(signed_in, english_card):
    from django.utils import translation

    with translation.override("en"):
        begin = reverse("applications:begin", args=[english_card.pk])
        first = _url(english_card, "birth")
    assert begin.startswith("/en/")
    assert signed_in.get(begin)["Location"] == first
    page = signed_in.get(first).content.decode()
    assert "What is your date of birth?" in page
    assert 'id="id_answer_year"' in page


def test_a_choice_shows_its_help_under_the_question(signed_in, meals_page):
    signed_in.get(reverse("applications:begin", args=[meals_page.pk]))
    _answer(signed_in, meals_page, "meal", {"answer": "canteen"})  # no address then
    response = signed_in.get(_url(meals_page, "special_diet"))
    text = response.content.decode()
    assert 'aria-describedby="id_answer-hint"' in text
    assert "例如糖尿病、要吃软的饭菜。" in text
    assert text.index("<legend>") < text.index("例如糖尿病")


def test_a_change_that_shows_a_new_question_asks_it_then_goes_back_to_the_check(
    signed_in, card_page
):
    signed_in.get(reverse("applications:begin", args=[card_page.pk]))
    _answer(
        signed_in,
        card_page,
        "birth",
        {"answer_year": "1950", "answer_month": "3", "answer_day": "27"},
    )
    _answer(signed_in, card_page, "residence", {"answer": "local"})
    _answer(signed_in, card_page, "collect", {"answer": "post"})
    _answer(signed_in, card_page, "contact_phone", {"answer": "13800000001"})
    check = reverse("applications:check", args=[card_page.pk])
    response = signed_in.post(f"{_url(card_page, 'residence')}?change=1", {"answer": "permit"})
    assert response["Location"] == f"{_url(card_page, 'permit_number')}?change=1"
    response = signed_in.post(response["Location"], {"answer": "310000123"})
    assert response["Location"] == check

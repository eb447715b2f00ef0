"""The applications api: answers kept as asked, the staff's steps and what they tell."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from portal.acting import Acting
from portal.audit.models import AuditEntry
from portal.consent.api import ConsentRequired
from portal.notifications.models import Message
from portal.ratings.models import Rating
from services.applications import api
from services.applications.models import Application, State

from .conftest import CARD_ANSWERS


@pytest.fixture
def application(resident, card_page, committed):
    return committed(api.apply, Acting.by_resident(resident), card_page, CARD_ANSWERS)


def test_answers_are_kept_with_the_question_as_asked(resident, card_page, application):
    """An editor changes a published question later: the answer still reads as asked."""
    page = card_page.specific
    questions = list(page.questions.raw_data)
    for question in questions:
        if question["value"]["key"] == "residence":
            question["value"]["question"] = "您的户籍在哪里？"
    page.questions = questions
    page.save_revision().publish()
    assert api.questions(page)[1].text == "您的户籍在哪里？"

    application.refresh_from_db()
    asked = {answer["key"]: answer["question"] for answer in application.answers}
    assert asked["residence"] == "您的户口在本市吗？"


def test_a_deleted_page_leaves_the_application_readable(application, card_page):
    card_page.delete()
    application.refresh_from_db()
    assert application.page is None
    assert application.title == "申请敬老卡"
    assert application.answers[0]["question"] == "您的出生日期是哪天？"


def test_the_english_page_keeps_english_answers(resident, english_card):
    with translation.override("en"):
        application = api.apply(
            Acting.by_resident(resident),
            english_card,
            {**CARD_ANSWERS, "collect": "centre"},
        )
    assert application.language == "en"
    assert application.case_label == "Elderly card"
    shown = {answer["key"]: answer["answer"] for answer in application.answers}
    assert shown["collect"] == "I collect it at the centre"
    assert shown["birth"] == "March 27, 1950"


def test_an_answer_missing_or_wrong_refuses_and_writes_nothing(resident, card_page):
    with pytest.raises(api.ApplicationRefused) as refused:
        api.apply(Acting.by_resident(resident), card_page, {**CARD_ANSWERS, "residence": ""})
    assert "您的户口在本市吗？" in str(refused.value)
    with pytest.raises(api.ApplicationRefused):
        api.apply(Acting.by_resident(resident), card_page, {**CARD_ANSWERS, "contact_phone": "12"})
    # The permit number is asked only for a residence permit, so it is needed then.
    with pytest.raises(api.ApplicationRefused):
        api.apply(Acting.by_resident(resident), card_page, {**CARD_ANSWERS, "residence": "permit"})
    assert not Application.objects.filter(resident=resident).exists()
    assert not Message.objects.filter(recipient=resident.phone).exists()


def test_answers_to_questions_not_asked_are_not_kept(resident, card_page):
    application = api.apply(
        Acting.by_resident(resident), card_page, {**CARD_ANSWERS, "permit_number": "99"}
    )
    assert "permit_number" not in [answer["key"] for answer in application.answers]


def test_visible_honours_conditions(card_page):
    keys = [q.key for q in api.visible(card_page, {"residence": "permit"})]
    assert "permit_number" in keys
    assert "permit_number" not in [q.key for q in api.visible(card_page, {"residence": "local"})]
    assert "permit_number" not in [q.key for q in api.visible(card_page, {})]


def test_validate_cleans_each_kind(card_page, meals_page):
    birth, residence, _permit, _collect, phone = api.questions(card_page)
    assert api.validate(birth, "1950-03-27").value == "1950-03-27"
    with pytest.raises(ValidationError):
        api.validate(birth, "2999-01-01")  # a birthday in the future
    assert api.validate(residence, "local").shown == "本市户籍"
    with pytest.raises(ValidationError):
        api.validate(residence, "mars")
    assert api.validate(phone, "138 0000 0001").value == "+8613800000001"
    diet = api.questions(meals_page)[2]
    assert api.validate(diet, "yes").value == "yes"
    with pytest.raises(ValidationError):
        api.validate(diet, "maybe")


def test_someone_else_needs_the_residents_permission(neighbour, resident, card_page):
    with pytest.raises(ConsentRequired):
        api.apply(Acting.for_resident(resident, neighbour, channel="web"), card_page, CARD_ANSWERS)
    assert not Application.objects.filter(resident=resident).exists()


def test_sending_is_in_the_residents_audit_log(resident, application):
    entry = AuditEntry.objects.filter(resident=resident, action="sent_application").get()
    assert entry.details["number"] == application.case_number


def _texts(resident):
    return list(
        Message.objects.filter(recipient=resident.phone)
        .order_by("pk")
        .values_list("body", flat=True)
    )


def test_staff_steps_tell_the_resident_each_step(resident, application, counter_acting, committed):
    acting = counter_acting(application)
    before = len(_texts(resident))

    application = committed(api.accept, acting, application)
    assert application.state == State.ACCEPTED
    application = committed(
        api.ask_for_document, acting, application, "户口簿", "静安寺街道社区服务中心"
    )
    assert application.state == State.DOCUMENTS_NEEDED
    application = committed(api.accept, acting, application)
    application = committed(api.approve, acting, application)
    assert application.state == State.APPROVED and application.decided_at

    sent = _texts(resident)[before:]
    assert application.case_number in sent[0]
    assert "户口簿" in sent[1] and "静安寺街道社区服务中心" in sent[1]
    assert application.case_number in sent[3]
    # Decided: asked how satisfied they are, with the rating page's link.
    assert f"application:{application.pk}" in sent[4]
    actions = list(
        AuditEntry.objects.filter(resident=resident).order_by("pk").values_list("action", flat=True)
    )
    assert actions[-4:] == [
        "accepted_application",
        "asked_for_document",
        "accepted_application",
        "approved_application",
    ]


def test_refusing_needs_a_reason_and_tells_it(resident, application, counter_acting, committed):
    acting = counter_acting(application)
    with pytest.raises(ValidationError):
        api.refuse(acting, application, "  ")
    assert Application.objects.get(pk=application.pk).state == State.SENT
    application = committed(api.refuse, acting, application, "您的年龄还不到60岁。")
    assert application.state == State.REFUSED
    assert "您的年龄还不到60岁。" in _texts(resident)[-2]
    # A decided application cannot be decided again.
    with pytest.raises(api.NotNow):
        api.approve(acting, application)


def test_texts_go_in_the_residents_language(resident, application, counter_acting, committed):
    resident.language = "en"
    resident.save(update_fields=["language"])
    committed(api.accept, counter_acting(application), application)
    message = Message.objects.filter(recipient=resident.phone).order_by("-pk").first()
    assert message.language == "en"
    assert "Elderly card" in message.body


def test_a_resident_cannot_take_a_staff_step(resident, application):
    with pytest.raises(PermissionDenied):
        api.approve(Acting.by_resident(resident), application)
    assert Application.objects.get(pk=application.pk).state == State.SENT


def test_a_decided_application_can_be_rated(resident, application, counter_acting, committed):
    from portal.ratings import api as ratings

    committed(api.approve, counter_acting(application), application)
    ratings.rate(Acting.by_resident(resident), application.subject, 5)
    assert Rating.objects.get(subject=application.subject).level == 5


def test_the_desk_sees_the_label_routing_and_deadline(meals_page, resident):
    application = api.apply(
        Acting.by_resident(resident),
        meals_page,
        {
            "meal": "canteen",
            "special_diet": "no",
            "start": "2099-01-01",
            "contact_phone": "13800000001",
        },
    )
    shown = api.for_the_desk(api.find(application.subject))
    assert shown["label"] == "助餐"
    assert shown["centre"] == meals_page.centre and shown["centre"] is not None
    assert shown["contact_within"] == (1, "days")
    assert api.find("ride:1") is None


def test_the_case_is_announced_only_once_committed(
    resident, card_page, django_capture_on_commit_callbacks
):
    from portal.signals import needs_a_person

    heard = []

    def hear(sender, **kwargs):
        heard.append(kwargs)

    needs_a_person.connect(hear, dispatch_uid="test-applications-commit")
    try:
        with django_capture_on_commit_callbacks(execute=False) as waiting:
            application = api.apply(Acting.by_resident(resident), card_page, CARD_ANSWERS)
            assert heard == []
        for callback in waiting:
            callback()
    finally:
        needs_a_person.disconnect(dispatch_uid="test-applications-commit")
    [announced] = [item for item in heard if item["reason"] == "application"]
    assert announced["record"] == application.subject


def test_the_published_pages_are_one_a_service_in_the_language_asked(card_page, english_card):
    chinese = {page.pk for page in api.published_pages("zh-hans")}
    english = {page.pk for page in api.published_pages("en")}
    assert card_page.pk in chinese and english_card.pk not in chinese
    assert english_card.pk in english and card_page.pk not in english
    assert len(chinese) == len(english) == 2  # 敬老卡 and 助餐
    english_card.unpublish()
    assert card_page.pk in {page.pk for page in api.published_pages("en")}

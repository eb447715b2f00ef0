"""The published page, the printed form and slip, the demo, translation, and what the portal
keeps: my data, closing an account, and forgetting old answers."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.acting import Acting
from portal.retention import forget_old_records
from services.applications import api
from services.applications.demo import build_application_demo
from services.applications.models import Application, ApplicationPage, State

from .conftest import CARD_ANSWERS


def test_the_published_page_leads_to_the_web_the_paper_form_and_other_ways(client, card_page):
    response = client.get(card_page.url)
    text = response.content.decode()
    assert response.status_code == 200
    assert reverse("applications:start", args=[card_page.pk]) in text
    assert reverse("applications:paper_form", args=[card_page.pk]) in text
    assert card_page.eligibility in text


def test_the_printed_form_has_every_question_with_boxes(client, card_page):
    response = client.get(reverse("applications:paper_form", args=[card_page.pk]))
    text = response.content.decode()
    assert response.status_code == 200
    for question in api.questions(card_page):
        assert question.text in text
        assert f'data-question="{question.key}"' in text
    # Choices as tick boxes; the conditional question says when to answer it.
    assert text.count('class="tick-box"') == 3 + 2
    assert "“外省市户籍，有本市居住证”" in text
    assert "@page { size: A4" in text


def test_the_english_form_is_in_english(client, english_card):
    response = client.get(f"/en/apply/{english_card.pk}/form/")
    assert "What is your date of birth?" in response.content.decode()


def test_the_receipt_slip_shows_the_case_number(signed_in, resident, card_page):
    application = api.apply(Acting.by_resident(resident), card_page, CARD_ANSWERS)
    response = signed_in.get(reverse("applications:slip", args=[application.pk]))
    assert application.case_number in response.content.decode()


def test_the_demo_is_idempotent(card_page):
    before = ApplicationPage.objects.count()
    build_application_demo()
    assert ApplicationPage.objects.count() == before == 4


def test_the_questions_translate_but_their_keys_do_not(card_page):
    from wagtail_localize.segments.extract import extract_segments

    strings = {segment.path: segment for segment in extract_segments(card_page)}
    texts = [getattr(segment, "string", None) for segment in strings.values()]
    words = [str(getattr(text, "data", text)) for text in texts if text is not None]
    assert "您的出生日期是哪天？" in words
    assert "本市户籍" in words
    assert "birth" not in words and "residence" not in words and "local" not in words


def test_my_data_lists_the_answers(resident, card_page):
    from portal.privacy.my_data import gather

    api.apply(Acting.by_resident(resident), card_page, CARD_ANSWERS)
    [section] = [s for s in gather(resident, own=True) if s.name == "applications"]
    assert "本市户籍" in section.records[0]["answers"]


def test_closing_the_account_deletes_the_applications(resident, card_page):
    from portal.accounts.closing import ERASERS

    api.apply(Acting.by_resident(resident), card_page, CARD_ANSWERS)
    ERASERS["applications"].erase(resident)
    assert not Application.objects.filter(resident=resident).exists()


def test_old_answers_are_forgotten_after_the_keep_time(resident, card_page, settings):
    settings.APPLICATIONS_KEEP_DAYS = 30
    old = api.apply(Acting.by_resident(resident), card_page, CARD_ANSWERS, key="old")
    recent = api.apply(Acting.by_resident(resident), card_page, CARD_ANSWERS, key="recent")
    still_open = api.apply(Acting.by_resident(resident), card_page, CARD_ANSWERS, key="open")
    long_ago = timezone.now() - datetime.timedelta(days=31)
    Application.objects.filter(pk=old.pk).update(
        state=State.APPROVED, decided_at=long_ago, updated_at=long_ago
    )
    Application.objects.filter(pk=recent.pk).update(
        state=State.REFUSED, decided_at=timezone.now(), refusal_reason="太年轻"
    )
    Application.objects.filter(pk=still_open.pk).update(created_at=long_ago, updated_at=long_ago)

    counts = forget_old_records()
    assert counts["applications"] == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    still_open.refresh_from_db()
    assert old.answers == [] and old.answers_forgotten_at is not None
    assert old.case_number and old.state == State.APPROVED
    assert recent.answers and still_open.answers


@pytest.mark.parametrize("kind", ["sent", "approved"])
def test_the_application_page_says_what_is_true_now(signed_in, resident, card_page, kind):
    application = api.apply(Acting.by_resident(resident), card_page, CARD_ANSWERS)
    if kind == "approved":
        Application.objects.filter(pk=application.pk).update(state=State.APPROVED)
    text = signed_in.get(reverse("applications:application", args=[application.pk])).content
    text = text.decode()
    # "A person will contact you within ..." only while it waits for that first contact.
    assert ("data-contact" in text) == (kind == "sent")

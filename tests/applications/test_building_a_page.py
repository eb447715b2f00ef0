"""Editors build an application page in Wagtail: its questions are checked as a whole."""

import pytest
from django.core.exceptions import ValidationError

from services.applications import api
from services.applications.models import ApplicationPage


def _question(key, kind="text", **more):
    value = {
        "key": key,
        "question": f"问题 {key}？",
        "help_text": "",
        "ask_aloud": "",
        "show_if_question": "",
        "show_if_values": "",
    }
    if kind == "choice":
        value["options"] = [
            {"value": "a", "label": "甲"},
            {"value": "b", "label": "乙"},
        ]
    value.update(more)
    return (kind, value)


def _page_with(card_page, questions):
    page = ApplicationPage.objects.get(pk=card_page.pk)
    page.questions = questions
    return page


def _errors(page):
    with pytest.raises(ValidationError) as raised:
        page.full_clean()
    return raised.value


def test_the_demo_page_is_valid_in_both_languages(card_page, english_card, meals_page):
    for page in (card_page, english_card, meals_page):
        page.full_clean()
    assert [q.key for q in api.questions(english_card)] == [q.key for q in api.questions(card_page)]
    assert api.questions(english_card)[0].text == "What is your date of birth?"


def test_more_than_eight_questions_are_refused(card_page):
    page = _page_with(card_page, [_question(f"q{n}") for n in range(9)])
    error = _errors(page)
    assert "questions" in error.message_dict


def test_eight_questions_are_fine(card_page):
    _page_with(card_page, [_question(f"q{n}") for n in range(8)]).full_clean()


def test_a_condition_must_name_an_earlier_question(card_page):
    page = _page_with(
        card_page,
        [
            _question("later", show_if_question="where", show_if_values="a"),
            _question("where", "choice"),
        ],
    )
    error = _errors(page)
    assert "questions" in error.message_dict


def test_a_condition_must_name_a_single_choice_question(card_page):
    page = _page_with(
        card_page,
        [_question("name"), _question("later", show_if_question="name", show_if_values="a")],
    )
    assert "questions" in _errors(page).message_dict


def test_a_condition_must_name_values_the_question_has(card_page):
    page = _page_with(
        card_page,
        [
            _question("where", "choice"),
            _question("later", show_if_question="where", show_if_values="a, zzz"),
        ],
    )
    assert "questions" in _errors(page).message_dict
    _page_with(
        card_page,
        [
            _question("where", "choice"),
            _question("later", show_if_question="where", show_if_values="a, b"),
        ],
    ).full_clean()


def test_routing_and_deadline_are_settings_kept_in_every_language(card_page, english_card):
    from wagtail_localize.fields import get_translatable_fields

    kinds = {
        field.field_name: type(field).__name__ for field in get_translatable_fields(ApplicationPage)
    }
    assert kinds["centre"] == "SynchronizedField"
    assert kinds["contact_within"] == "SynchronizedField"
    assert kinds["questions"] == "TranslatableField"


def test_the_editor_form_checks_conditions_too(card_page):
    """The questions block itself (what Wagtail's editor form runs) refuses a bad condition."""
    from wagtail.blocks import StreamBlockValidationError

    block = ApplicationPage._meta.get_field("questions").stream_block
    value = block.to_python(
        [
            {"type": kind, "value": value}
            for kind, value in [
                _question("where", "choice"),
                _question("later", show_if_question="where", show_if_values="zzz"),
            ]
        ]
    )
    with pytest.raises(StreamBlockValidationError) as raised:
        block.clean(value)
    assert 1 in raised.value.block_errors

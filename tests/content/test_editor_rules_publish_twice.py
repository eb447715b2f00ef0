"""The rule on English summaries holds however often an editor presses publish.

wagtail-localize's translation editor refuses a translation the page's rules refuse ("New
validation errors were found ... click publish again to ignore these translations for now"),
marks it, and on the next publish leaves it out: the field falls back to the Chinese source.
A Chinese summary passed the rule, so pressing publish twice put the Chinese summary on the
English page. The rule now goes by the page's language: an English page's summary is English.
"""

import pytest
from django.core.exceptions import ValidationError
from wagtail.models import Locale
from wagtail_localize.models import StringTranslation, Translation, TranslationSource

from content.checks import summary_problem
from content.models import ServicePage

pytestmark = pytest.mark.django_db

TOO_LONG = (
    "Book a hospital appointment ahead of time so that on the day you do not have to queue "
    "at the registration counter of the hospital with everybody else who came early"
)
ENGLISH = "Book a hospital appointment ahead, so you do not queue to register."


def _pages():
    zh = ServicePage.objects.get(locale__language_code="zh-hans", slug="hospital")
    en = zh.get_translation(Locale.objects.get(language_code="en"))
    return zh, en


def _synced_translation(zh, summary):
    """The English page as wagtail-localize's translation of the Chinese one, with
    ``summary`` typed in as the English summary."""
    en_locale = Locale.objects.get(language_code="en")
    source, _ = TranslationSource.get_or_create_from_instance(zh)
    translation = Translation.objects.create(source=source, target_locale=en_locale)
    segment = source.stringsegment_set.select_related("context", "string").get(
        context__path="summary"
    )
    StringTranslation.objects.create(
        translation_of=segment.string, locale=en_locale, context=segment.context, data=summary
    )
    # Every other field translated as it is now, so only the summary is in question.
    en = zh.get_translation(en_locale).specific
    for other in source.stringsegment_set.select_related("context", "string"):
        if other.context.path != "summary":
            StringTranslation.objects.get_or_create(
                translation_of=other.string,
                locale=en_locale,
                context=other.context,
                defaults={"data": other.string.data},
            )
    return translation, en


def test_pressing_publish_twice_in_the_translation_editor_does_not_bypass_the_rule(
    client, editor, staff_login, django_capture_on_commit_callbacks
):
    zh, en = _pages()
    _synced_translation(zh, TOO_LONG)
    staff_login(editor)
    for press in (1, 2, 3):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                f"/admin/pages/{en.pk}/edit/", {"action": "publish"}, follow=True
            )
        assert response.status_code == 200
        en.refresh_from_db()
        assert en.summary == ENGLISH, f"publish number {press} changed the summary"
        levels = [message.level_tag for message in response.context["messages"]]
        assert "error" in levels, f"publish number {press} was not refused"
    html = client.get("/en/services/hospital/").content.decode()
    assert ENGLISH in html and zh.summary not in html


def test_a_fixed_translation_publishes(
    client, editor, staff_login, django_capture_on_commit_callbacks
):
    zh, en = _pages()
    _synced_translation(zh, "Book a hospital visit ahead, with no queue on the day.")
    staff_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/admin/pages/{en.pk}/edit/", {"action": "publish"})
    en.refresh_from_db()
    assert en.summary == "Book a hospital visit ahead, with no queue on the day."


def test_the_chinese_summary_is_refused_on_the_english_page():
    zh, en = _pages()
    en.summary = zh.summary
    with pytest.raises(ValidationError) as refused:
        en.full_clean()
    assert "summary" in refused.value.message_dict
    zh.full_clean()  # and is fine on the Chinese page


def test_a_few_chinese_characters_do_not_lift_the_english_word_limit():
    assert summary_problem(TOO_LONG, "en")
    assert summary_problem(TOO_LONG + " 医保卡", "en")
    assert summary_problem(ENGLISH, "en") is None
    assert summary_problem("Bring your 医保卡 and ID card to the centre.", "en") is None
    assert summary_problem("提前预约医院门诊，到医院不用排队挂号。", "zh-hans") is None

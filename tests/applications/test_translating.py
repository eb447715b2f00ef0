"""Translating an application page with wagtail-localize: the words are translated, the
short names, option values and conditions stay the source's."""

from wagtail.models import Locale
from wagtail_localize.models import String, StringTranslation, Translation, TranslationSource

from services.applications import api


def test_a_translated_page_keeps_its_keys_values_and_conditions(card_page):
    en = Locale.objects.get(language_code="en")
    source, _created = TranslationSource.get_or_create_from_instance(card_page)
    translation, _created = Translation.objects.get_or_create(
        source=source, target_locale=en, defaults={"enabled": True}
    )
    for chinese, english in [
        ("您的户口在本市吗？", "Are you registered here?"),
        (card_page.summary, "A free card for people aged 60 or over."),
    ]:
        string = String.objects.get(data=chinese)
        context = source.stringsegment_set.filter(string=string).first().context
        StringTranslation.objects.update_or_create(
            translation_of=string, locale=en, context=context, defaults={"data": english}
        )
    translation.save_target(publish=True)

    english = card_page.get_translation(en).specific
    questions = {question.key: question for question in api.questions(english)}
    assert questions["residence"].text == "Are you registered here?"
    assert [value for value, _label in questions["residence"].options] == [
        "local",
        "permit",
        "other",
    ]
    assert questions["permit_number"].show_if == "residence"
    assert questions["permit_number"].show_values == ("permit",)
    assert english.centre_id == card_page.centre_id
    assert english.contact_within == card_page.contact_within

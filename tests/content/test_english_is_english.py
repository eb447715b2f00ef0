"""English pages show the hotline and the centres in English, whatever editors do to them.

wagtail-localize keeps a snippet's English copy "synced" by writing the Chinese words into
every field nobody has translated yet: after an editor changes the Chinese hotline and syncs,
or translates a new one, the English copy holds Chinese until a translator has done every
field. ``.localized`` gives the Chinese snippet itself while there is no English copy at all.
Pages show neither: words still in the other language are left out.
"""

import re

import pytest
from wagtail.models import Locale, Site
from wagtail_localize.models import StringTranslation, Translation, TranslationSource
from wagtail_localize.operations import translate_object

from content.models import CommunityCentre, HelpBarSettings, Hotline

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u4e00-\u9fff]")
ENGLISH_SERVICE = "/en/services/hospital/"
CHINESE_SERVICE = "/services/hospital/"


def _zh():
    return Locale.objects.get(language_code="zh-hans")


def _en():
    return Locale.objects.get(language_code="en")


def _hotline_zh():
    return Hotline.objects.get(locale=_zh(), name="为老服务一键通")


def _section(html, heading):
    """The "way" section of a service page under ``heading``, and the help bar."""
    ways = re.findall(r'<section class="way">.*?</section>', html, re.S)
    (way,) = [way for way in ways if heading in way]
    (bar,) = re.findall(r'<aside class="help-bar".*?</aside>', html, re.S)
    return way, bar


def _edit_in_admin(client, hotline, **changes):
    """An editor changes the hotline with the snippet form in the admin."""
    fields = {
        name: getattr(hotline, name) for name in ("name", "number", "dial", "hours", "typical_wait")
    }
    response = client.post(
        f"/admin/snippets/content/hotline/edit/{hotline.pk}/", {**fields, **changes}
    )
    assert response.status_code == 302, response.content.decode()[:2000]


def _translate(source, locale, **words):
    """A translator types ``words`` (field: English) in wagtail-localize's editor and publishes."""
    for segment in source.stringsegment_set.select_related("context", "string"):
        if segment.context.path in words:
            StringTranslation.objects.update_or_create(
                translation_of=segment.string,
                locale=locale,
                context=segment.context,
                defaults={"data": words[segment.context.path]},
            )
    Translation.objects.get(source=source, target_locale=locale).save_target(publish=True)


def test_editing_and_syncing_the_chinese_hotline_leaves_english_pages_english(
    client, editor, staff_login
):
    en = _en()
    hotline = _hotline_zh()
    staff_login(editor)
    _edit_in_admin(client, hotline, hours="每天 7:00 至 21:00")

    # The editor syncs the translation (wagtail-localize's "Translate" / "Sync"): every word
    # not translated yet is copied into the English hotline, Chinese as it is.
    translate_object(Hotline.objects.get(pk=hotline.pk), [en], user=editor)
    english = hotline.get_translation(en)
    assert english.name == "为老服务一键通" and english.hours == "每天 7:00 至 21:00"

    client.logout()
    way, bar = _section(client.get(ENGLISH_SERVICE).content.decode(), "By phone")
    assert not CJK.search(way.split("<div")[0]), way  # the menu below is the line's own
    assert not CJK.search(bar), bar
    assert "Call the hotline:" in way and 'href="tel:962200"' in way and "962 200" in bar

    way, bar = _section(client.get(CHINESE_SERVICE).content.decode(), "电话办理")
    assert "拨打为老服务一键通" in way and "每天 7:00 至 21:00" in way
    assert "每天 7:00 至 21:00" in bar

    # The translator translates the words in wagtail-localize and publishes: English again.
    source = TranslationSource.objects.get_for_instance(hotline)
    _translate(
        source,
        en,
        name="Senior Service Line",
        hours="Every day, 7:00 to 21:00",
        typical_wait="Usually answered within 2 minutes",
    )
    way, bar = _section(client.get(ENGLISH_SERVICE).content.decode(), "By phone")
    assert "Call Senior Service Line:" in way and "Every day, 7:00 to 21:00" in way
    assert "Every day, 7:00 to 21:00" in bar and not CJK.search(bar)


def test_a_new_number_reaches_the_english_pages_with_the_sync(client, editor):
    hotline = _hotline_zh()
    hotline.number, hotline.dial = "962 300", "962300"
    hotline.save()
    translate_object(hotline, [_en()], user=editor)
    english = hotline.get_translation(_en())
    assert (english.number, english.dial) == ("962 300", "962300")
    html = client.get(ENGLISH_SERVICE).content.decode()
    assert 'href="tel:962300"' in html and "962 300" in html


def test_a_new_hotline_without_english_words_shows_no_chinese_on_english_pages(client, editor):
    new = Hotline.objects.create(
        locale=_zh(), name="长者热线", number="12345", dial="12345", hours="全天"
    )
    settings = HelpBarSettings.for_site(Site.objects.get(is_default_site=True))
    settings.hotline = new
    settings.save()

    # Not translated at all yet: .localized would give the Chinese one.
    bar = _section(client.get(ENGLISH_SERVICE).content.decode(), "By phone")[1]
    assert "12345" in bar and not CJK.search(bar)

    # Translated with wagtail-localize, nothing typed in yet: a copy in Chinese.
    translate_object(new, [_en()], user=editor)
    assert new.get_translation(_en()).hours == "全天"
    bar = _section(client.get(ENGLISH_SERVICE).content.decode(), "By phone")[1]
    assert "12345" in bar and not CJK.search(bar)
    bar = _section(client.get(CHINESE_SERVICE).content.decode(), "电话办理")[1]
    assert "12345" in bar and "全天" in bar


def test_an_edited_and_synced_centre_shows_no_chinese_on_english_pages(client, editor):
    centre = CommunityCentre.objects.get(locale=_zh(), name="静安寺街道社区服务中心")
    centre.address = "华山路 101 号"
    centre.save()
    translate_object(centre, [_en()], user=editor)
    assert centre.get_translation(_en()).address == "华山路 101 号"

    for path in (ENGLISH_SERVICE, "/en/centres/"):
        html = client.get(path).content.decode()
        (centres,) = re.findall(r'<ul class="centres">.*?</ul>', html, re.S)
        assert not CJK.search(centres), centres
        assert 'href="tel:02162001001"' in centres  # still listed, with its phone
        assert "Xujiahui Community Service Centre" in centres

    html = client.get("/centres/").content.decode()
    assert "华山路 101 号" in html and "静安寺街道社区服务中心" in html


@pytest.mark.parametrize(
    ("text", "language", "shown"),
    [
        ("每天 8:00 至 20:00", "en", False),
        ("Every day, 8:00 to 20:00", "en", True),
        ("100 Huashan Road (华山路)", "en", True),
        ("962 200", "en", True),
        ("Every day, 8:00 to 20:00", "zh-hans", False),
        ("每天 8:00 至 20:00", "zh-hans", True),
        ("962 200", "zh-hans", True),
    ],
)
def test_words_are_shown_only_to_readers_of_their_language(text, language, shown):
    from content.models.channels import written_in

    assert written_in(text, language) is shown

"""Our elder-specific content rules stop a page from being saved until it follows them."""

import pytest
from django.core.exceptions import ValidationError
from wagtail.blocks import StructBlockValidationError

from content.blocks import TileBlock
from content.checks import alt_text_problem, summary_problem, tile_label_problem
from content.models import HelpPage, ServicePage

pytestmark = pytest.mark.django_db


def test_a_chinese_summary_of_40_characters_is_fine_and_41_is_flagged():
    assert summary_problem("好" * 40) is None
    assert "40" in summary_problem("好" * 41)


def test_an_english_summary_longer_than_25_words_is_flagged():
    assert summary_problem(" ".join(["word"] * 25)) is None
    assert summary_problem(" ".join(["word"] * 26)) is not None


def test_a_tile_label_has_at_most_six_chinese_characters():
    assert tile_label_problem("社区服务中心") is None
    assert tile_label_problem("社区综合服务中心") is not None
    assert tile_label_problem("Hospital") is None
    assert tile_label_problem("Community service centres") is not None


@pytest.mark.parametrize("alt", ["", "  ", "IMG_2041.jpg", "dsc-0042", "photo.PNG"])
def test_an_image_needs_a_real_description(alt):
    assert alt_text_problem(alt) is not None


def test_a_real_image_description_passes():
    assert alt_text_problem("社区服务中心的窗口，工作人员在帮一位老人填表") is None


def test_a_page_with_a_long_summary_cannot_be_saved():
    page = HelpPage.objects.filter(locale__language_code="zh-hans").first()
    page.summary = "这是一段非常非常长的摘要，" * 5
    with pytest.raises(ValidationError) as refused:
        page.full_clean()
    assert "summary" in refused.value.message_dict


def test_a_service_page_must_say_how_to_do_it_without_the_web():
    page = ServicePage.objects.filter(locale__language_code="zh-hans").first()
    page.offline_ways = [
        block for block in page.offline_ways.raw_data if block["type"] != "at_centre"
    ]
    with pytest.raises(ValidationError) as refused:
        page.full_clean()
    assert "offline_ways" in refused.value.message_dict


def test_a_tile_with_a_long_label_and_no_target_is_refused():
    block = TileBlock()
    value = block.to_python(
        {"label": "社区综合服务中心", "icon": "info", "service": "", "page": None}
    )
    with pytest.raises(StructBlockValidationError) as refused:
        block.clean(value)
    assert set(refused.value.block_errors) == {"label", "page"}


def test_an_editor_saving_a_long_summary_sees_the_rule_in_the_editor(client, editor, staff_login):
    page = HelpPage.objects.filter(locale__language_code="zh-hans", slug="by-phone").first()
    staff_login(editor)
    form = client.get(f"/admin/pages/{page.pk}/edit/")
    assert form.status_code == 200
    data = {
        "title": page.title,
        "slug": page.slug,
        "summary": "好" * 41,
        "body-count": "0",
        "body-0-type": "",
        "comments-TOTAL_FORMS": "0",
        "comments-INITIAL_FORMS": "0",
        "comments-MIN_NUM_FORMS": "0",
        "comments-MAX_NUM_FORMS": "1000",
    }
    response = client.post(f"/admin/pages/{page.pk}/edit/", data)
    assert response.status_code == 200  # the form comes back instead of a redirect
    assert "40" in response.content.decode()
    page.refresh_from_db()
    assert page.summary != "好" * 41


def test_editors_get_the_full_wcag_rule_set_in_the_content_checker(client, editor, staff_login):
    staff_login(editor)
    html = client.get("/").content.decode()
    assert "wcag22aa" in html

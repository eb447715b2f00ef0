"""Step-by-step guides: the editors' rules, how a guide reads in both languages, and the links
between guides, service pages, practice and "ask someone to teach me"."""

import json
import re
from types import ModuleType

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.urls import URLPattern, URLResolver, path
from django.utils import translation
from wagtail.blocks import StructBlockValidationError

import portal.urls
from content.demo import build_demo
from content.demo_guides import GUIDES, SERVICE_GUIDES
from content.guide_blocks import GuideStepBlock
from content.models import GuidePage, ServicePage
from services.registry import practice_url

pytestmark = pytest.mark.django_db

TAXI_GUIDE = ("/guides/call-a-taxi/", "/en/guides/call-a-taxi/")


def _guide(slug, language="zh-hans"):
    return GuidePage.objects.get(slug=slug, locale__language_code=language)


def _step_value(**changes):
    picture = _guide("call-a-taxi").steps[0].value["picture"]
    raw = {
        "text": "按绿色的“从家里叫车”。",
        "picture": picture.pk,
        "alt": "手机屏幕下方有一个绿色的大按钮。",
        "if_wrong": "打 962 200 请人帮您。",
        **changes,
    }
    return GuideStepBlock().to_python(raw)


def _refusals(value):
    with pytest.raises(StructBlockValidationError) as refused:
        GuideStepBlock().clean(value)
    return refused.value.block_errors


def _main(response):
    assert response.status_code == 200
    return BeautifulSoup(response.content.decode(), "html.parser").find("main")


# --- The editors' rules -------------------------------------------------------


def test_a_step_with_a_picture_its_words_and_a_short_sentence_is_accepted():
    value = _step_value()
    assert GuideStepBlock().clean(value)["text"] == "按绿色的“从家里叫车”。"


@pytest.mark.parametrize("alt", ["", "   ", "IMG_2041.png"])
def test_a_picture_without_a_real_description_is_refused(alt):
    errors = _refusals(_step_value(alt=alt))
    assert set(errors) == {"alt"}


def test_a_step_without_a_picture_is_refused():
    errors = _refusals(_step_value(picture=None))
    assert "picture" in errors


def test_a_step_of_40_chinese_characters_is_accepted_and_41_refused():
    assert GuideStepBlock().clean(_step_value(text="好" * 40 + "。"))
    errors = _refusals(_step_value(text="好" * 41))
    assert set(errors) == {"text"}
    assert "40" in errors["text"].messages[0]


def test_an_english_step_of_more_than_120_letters_is_refused():
    assert GuideStepBlock().clean(_step_value(text="a" * 120))
    errors = _refusals(_step_value(text="Press the green button " * 6))
    assert "120" in errors["text"].messages[0]


def test_a_long_if_it_goes_wrong_is_refused():
    errors = _refusals(_step_value(if_wrong="好" * 81))
    assert set(errors) == {"if_wrong"}


def test_a_guide_has_at_most_ten_steps():
    guide = _guide("call-a-taxi")
    step = guide.steps.raw_data[0]
    block = GuidePage._meta.get_field("steps").stream_block
    too_many = block.to_python([{**step, "id": None} for _ in range(11)])
    with pytest.raises(ValidationError):
        block.clean(too_many)
    assert block.clean(block.to_python([{**step, "id": None} for _ in range(10)]))


def test_an_editor_saving_a_long_step_sees_the_rule_and_nothing_changes(
    client, editor, staff_login, chinese
):
    # The editor's admin is in Chinese: the rules speak it.
    chinese(
        "Keep a step to %(max)d Chinese characters or fewer (now %(count)d). "
        "Say one thing to do; put the rest in the next step.",
        "每一步最多 %(max)d 个汉字（现在 %(count)d 个）。只说一件要做的事，其余的放到下一步。",
    )
    chinese(
        "The description looks like a file name. Say what the image shows.",
        "这个描述像是文件名。请说说图片里有什么。",
    )
    guide = _guide("call-a-taxi")
    before = guide.steps.raw_data[0]["value"]["text"]
    staff_login(editor)
    assert client.get(f"/admin/pages/{guide.pk}/edit/").status_code == 200
    data = {
        "title": guide.title,
        "slug": guide.slug,
        "summary": guide.summary,
        "service": guide.service,
        "steps-count": "1",
        "steps-0-type": "step",
        "steps-0-deleted": "",
        "steps-0-order": "0",
        "steps-0-id": guide.steps.raw_data[0]["id"],
        "steps-0-value-text": "好" * 41,
        "steps-0-value-picture": str(guide.steps[0].value["picture"].pk),
        "steps-0-value-alt": "IMG_2041.png",
        "steps-0-value-if_wrong": "打 962 200 请人帮您。",
        "comments-TOTAL_FORMS": "0",
        "comments-INITIAL_FORMS": "0",
        "comments-MIN_NUM_FORMS": "0",
        "comments-MAX_NUM_FORMS": "1000",
    }
    response = client.post(f"/admin/pages/{guide.pk}/edit/", data)
    assert response.status_code == 200  # the form comes back instead of a redirect
    # The stream's errors travel to the editor's widgets as JSON, where Chinese is escaped.
    html = response.content.decode()
    assert json.dumps("每一步最多 40 个汉字（现在 41 个）")[1:-1] in html
    assert json.dumps("这个描述像是文件名")[1:-1] in html
    guide.refresh_from_db()
    assert guide.steps.raw_data[0]["value"]["text"] == before
    assert not guide.has_unpublished_changes


def test_every_demo_step_follows_the_rules():
    for guide in GuidePage.objects.all():
        for step in guide.steps:
            GuideStepBlock().clean(step.value)


# --- A guide as residents read it --------------------------------------------


@pytest.mark.parametrize(("url", "language"), [(TAXI_GUIDE[0], "zh-hans"), (TAXI_GUIDE[1], "en")])
def test_a_guide_shows_numbered_steps_with_lazy_pictures_and_their_words(client, url, language):
    guide = _guide("call-a-taxi", language)
    spec = next(spec for spec in GUIDES if spec["slug"] == "call-a-taxi")
    main = _main(client.get(url))
    assert main.h1.get_text() == guide.title
    steps = main.select("ol.steps > li")
    assert len(steps) == len(spec["steps"])
    for item, step in zip(steps, spec["steps"], strict=True):
        text, alt, if_wrong = step[language]
        assert item.strong.get_text() == text
        assert if_wrong in item.get_text()
        picture = item.find("img")
        assert picture["alt"] == alt
        assert picture["loading"] == "lazy"
        assert (picture["width"], picture["height"]) == ("480", "600")
        assert picture["src"].startswith("/media/images/")
        # The small, sharp-enough WebP for a phone, twice as wide for a sharp screen.
        webp = item.find("source", type="image/webp")["srcset"]
        assert re.fullmatch(r"\S+\.webp 480w, \S+\.webp 960w", webp)
    assert main.select_one("[data-read-aloud]") is not None


def test_a_guide_reads_in_chinese(client, chinese):
    chinese("If it goes wrong", "如果不顺利")
    chinese("Practise first", "先练习一下")
    main = _main(client.get(TAXI_GUIDE[0]))
    assert main.find(string="如果不顺利") is not None
    assert main.find("a", string="先练习一下")["href"] == practice_url("taxi")


def test_the_pictures_are_served_small_enough_for_a_phone(client):
    """Every picture of the guide, as a phone fetches it: a WebP of a few KB."""
    main = _main(client.get(TAXI_GUIDE[1]))
    for source in main.select("source[type='image/webp']"):
        small = source["srcset"].split(" ")[0]
        response = client.get(small)
        assert response.status_code == 200
        body = b"".join(response.streaming_content)
        assert body[:4] == b"RIFF" and body[8:12] == b"WEBP"
        assert len(body) < 12 * 1024


def test_a_guide_for_a_practised_service_links_to_its_practice(client):
    main = _main(client.get(TAXI_GUIDE[0]))
    link = main.find("a", class_="button-action")
    assert link["href"] == practice_url("taxi")
    assert link["href"].startswith("/practice/")


def test_a_guide_of_no_practised_service_offers_no_practice(client):
    for slug in ("scam-calls", "ask-a-person"):
        main = _main(client.get(f"/guides/{slug}/"))
        assert main.find("a", class_="button-action") is None, slug


# --- "Ask someone to teach me" ------------------------------------------------


def _urlconf(teach_me):
    """The portal's URLs, with assist's teach-me page there or not."""
    urlconf = ModuleType("guide_test_urls")
    urlconf.urlpatterns = _with_teach_me(portal.urls.urlpatterns, teach_me)
    return urlconf


def _with_teach_me(patterns, teach_me, namespace=None):
    changed = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = _with_teach_me(pattern.url_patterns, teach_me, pattern.namespace)
            pattern = URLResolver(
                pattern.pattern, inner, pattern.default_kwargs, pattern.app_name, pattern.namespace
            )
        elif isinstance(pattern, URLPattern) and (namespace, pattern.name) == (
            "assist",
            "teach_me",
        ):
            continue
        changed.append(pattern)
    if teach_me and namespace == "assist":
        changed.append(path("teach-me-test/", lambda request: None, name="teach_me"))
    return changed


def test_ask_someone_to_teach_me_links_to_the_teach_me_page_with_the_guide(client, settings):
    settings.ROOT_URLCONF = _urlconf(teach_me=True)
    guide = _guide("call-a-taxi")
    link = _main(client.get(TAXI_GUIDE[0])).select_one("a[data-teach-me]")
    assert link["href"] == f"/help/teach-me-test/?guide={guide.pk}"


def test_ask_someone_to_teach_me_is_hidden_while_there_is_no_teach_me_page(client, settings):
    settings.ROOT_URLCONF = _urlconf(teach_me=False)
    main = _main(client.get(TAXI_GUIDE[0]))
    assert main.select_one("a[data-teach-me]") is None
    assert main.select("ol.steps > li")  # the rest of the guide is there


# --- Service pages and the home page link to the guides ----------------------


@pytest.mark.parametrize("slug", SERVICE_GUIDES)
@pytest.mark.parametrize(("prefix", "language"), [("", "zh-hans"), ("/en", "en")])
def test_every_demo_service_page_links_to_its_guide(client, slug, prefix, language):
    main = _main(client.get(f"{prefix}/services/{slug}/"))
    link = main.select_one("a[data-guide-link]")
    guide = _guide(SERVICE_GUIDES[slug], language)
    assert link["href"] == guide.url
    assert client.get(link["href"]).status_code == 200
    practice = main.select_one("a[data-practice-link]")
    service = ServicePage.objects.get(slug=slug, locale__language_code=language).service
    with translation.override(language):
        expected = practice_url(service)
    if expected:
        assert practice["href"] == expected
    else:
        assert practice is None


def test_a_service_page_without_a_guide_shows_no_guide_link(client):
    page = ServicePage.objects.get(slug="senior-card", locale__language_code="zh-hans")
    page.guide = None
    page.save_revision().publish()
    main = _main(client.get("/services/senior-card/"))
    assert main.select_one("a[data-guide-link]") is None


def test_a_service_page_does_not_link_to_an_unpublished_guide(client):
    _guide("senior-card").unpublish()
    main = _main(client.get("/services/senior-card/"))
    assert main.select_one("a[data-guide-link]") is None


@pytest.mark.parametrize(("home", "index"), [("/", "/guides/"), ("/en/", "/en/guides/")])
def test_the_home_page_links_to_the_guides(client, home, index):
    link = _main(client.get(home)).select_one("a[data-guides-link]")
    assert link["href"] == index
    listed = _main(client.get(index)).select("ul a")
    assert len(listed) == len(GUIDES)
    # Beside the guides: sessions at the centres, with a person.
    sessions = _main(client.get(index)).select_one("a[data-sessions-link]")
    assert sessions["href"] == index.replace("guides/", "learning/")


def test_building_the_demo_again_adds_no_copies():
    from wagtail.images import get_image_model

    images = get_image_model().objects.count()
    renditions = get_image_model().get_rendition_model().objects.count()
    guides = GuidePage.objects.count()
    build_demo()
    assert get_image_model().objects.count() == images
    assert get_image_model().get_rendition_model().objects.count() == renditions
    assert GuidePage.objects.count() == guides == 2 * len(GUIDES)

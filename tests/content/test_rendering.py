"""Every page type renders in both languages, with the help bar and the language switch."""

import re

import pytest

pytestmark = pytest.mark.django_db

PAGES = {
    "home": ("/", "/en/"),
    "service index": ("/services/", "/en/services/"),
    "service page": ("/services/hospital/", "/en/services/hospital/"),
    "help page": ("/ask-a-person/", "/en/ask-a-person/"),
    "centre list": ("/centres/", "/en/centres/"),
    "display settings": ("/display/", "/en/display/"),
}


@pytest.mark.parametrize("kind", PAGES)
def test_every_page_type_renders_in_chinese(client, kind):
    html = client.get(PAGES[kind][0]).content.decode()
    assert '<html lang="zh-Hans"' in html
    assert "找人帮忙" in html
    assert 'href="tel:962200"' in html


@pytest.mark.parametrize("kind", PAGES)
def test_every_page_type_renders_in_english(client, kind):
    response = client.get(PAGES[kind][1])
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en"' in html
    assert "Ask a person to help me" in html
    assert 'href="tel:962200"' in html


@pytest.mark.parametrize("kind", PAGES)
def test_the_language_switch_links_to_the_same_page_in_english(client, kind):
    chinese, english = PAGES[kind]
    html = client.get(chinese).content.decode()
    assert re.search(rf'<a href="{re.escape(english)}[^"]*" lang="en"', html)


def test_the_home_page_shows_the_tiles_in_the_order_editors_chose(client):
    html = client.get("/").content.decode()
    labels = re.findall(r'class="tile".*?<span>(.*?)</span>', html, re.S)
    assert labels == ["叫车", "挂号", "找人帮忙", "电话办理", "社区服务中心"]


def test_a_service_page_says_how_to_do_it_by_phone_and_at_a_centre(client):
    html = client.get("/services/hospital/").content.decode()
    assert "按 2 或说“挂号”" in html
    assert "静安寺街道社区服务中心" in html and 'href="tel:02162001001"' in html
    assert 'class="steps"' in html


def test_the_phone_menu_on_the_pages_is_the_one_the_line_plays(client):
    from content import phone_menu

    for path in ("/services/hospital/", "/by-phone/"):
        html = client.get(path).content.decode()
        assert "data-phone-menu" in html, path
        for choice in phone_menu.CHOICES:
            word = next(word for word in choice.words if not word.isascii())
            assert f"按 {' / '.join(choice.keys)} 或说“{word}”" in html, path
    english = client.get("/en/by-phone/").content.decode()
    assert "Press 1 or say “taxi”" in english


def test_english_pages_show_the_english_help_channels(client):
    html = client.get("/en/services/hospital/").content.decode()
    assert "Jing&#x27;an Temple Community Service Centre" in html
    assert "Every day, 8:00 to 20:00" in html


def test_a_missing_page_is_a_friendly_404_with_the_help_bar(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "找人帮忙" in response.content.decode()

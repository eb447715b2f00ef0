"""Content pages kept whole for signed-out readers (content.page_cache): served again without
a query, per language, text size and contrast; never to or from anyone signed in; cleared
by exactly what changes them; the kept Content-Security-Policy allows the page's own styles."""

import base64
import hashlib
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from content.models import HelpPage, Hotline, ServicePage

pytestmark = pytest.mark.django_db

TAXI = "/en/services/taxi/"


def _queries(client, path, **extra):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, **extra)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def _kept(client, path):
    """Whether ``path`` comes from the page cache (no query at all)."""
    return _queries(client, path)[0] == 0


def test_the_second_reader_gets_the_kept_page_without_a_query(client, demo_site):
    first_count, first = _queries(client, TAXI)
    assert first_count > 0
    second_count, second = _queries(client, TAXI)
    assert (second_count, second) == (0, first)
    assert _queries(client, "/services/taxi/")[0] > 0  # the Chinese page is its own copy


def test_each_text_size_and_contrast_has_its_own_copy(client, demo_site):
    client.get(TAXI)
    client.cookies["text_size"] = "extra"
    count, html = _queries(client, TAXI)
    assert count > 0 and 'class="size-extra"' in html
    assert _kept(client, TAXI)


def test_the_kept_policy_allows_the_pages_own_styles_by_hash(client, demo_site):
    client.get(TAXI)
    kept = client.get(TAXI)
    policy = kept["Content-Security-Policy"]
    assert "nonce" not in policy and "nonce=" not in kept.content.decode()
    for css in re.findall(r"<style>(.*?)</style>", kept.content.decode(), re.S):
        digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in policy


def test_no_one_signed_in_is_served_a_kept_page_nor_leaves_one(client, resident, demo_site):
    client.force_login(resident)
    count, html = _queries(client, TAXI)
    assert count > 0 and "Sign out" in html
    assert _queries(client, TAXI)[0] > 0
    client.logout()
    count, html = _queries(client, TAXI)
    assert count > 0 and "Sign out" not in html and "csrfmiddlewaretoken" not in html


def test_a_query_string_or_another_cookie_goes_past_the_cache(client, demo_site):
    client.get(TAXI)
    assert _queries(client, TAXI + "?from=sms")[0] > 0
    client.cookies["messages"] = "something to show"
    assert _queries(client, TAXI)[0] > 0


def test_an_edit_published_is_seen_on_the_next_request_and_nothing_else_is_cleared(
    client, demo_site
):
    for path in (TAXI, "/en/services/", "/en/", "/en/ask-a-person/", "/services/taxi/"):
        client.get(path)
    page = ServicePage.objects.get(slug="taxi", locale__language_code="en")
    page.title = "One-tap taxi, now faster"
    page.save_revision().publish()
    assert "One-tap taxi, now faster" in _queries(client, TAXI)[1]
    assert "One-tap taxi, now faster" in _queries(client, "/en/services/")[1]  # it lists it
    assert not _kept(client, "/services/taxi/")  # the same page in Chinese
    assert _kept(client, "/en/ask-a-person/")  # not affected


def test_a_new_hotline_number_clears_every_page(client, demo_site):
    client.get("/en/ask-a-person/")
    hotline = Hotline.objects.filter(locale__language_code="en").first()
    hotline.number = "962 999"
    hotline.save()
    assert "962 999" in _queries(client, "/en/ask-a-person/")[1]


def test_unpublishing_clears_every_page(client, demo_site):
    client.get("/en/")
    HelpPage.objects.get(slug="ask-a-person", locale__language_code="en").unpublish()
    assert not _kept(client, "/en/")


def test_switched_off_nothing_is_kept(client, settings, demo_site):
    settings.PAGE_CACHE = False
    client.get(TAXI)
    assert not _kept(client, TAXI)

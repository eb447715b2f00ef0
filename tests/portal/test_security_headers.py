"""Security headers on residents' pages: a strict Content-Security-Policy and friends."""

import base64
import hashlib
import re

import pytest

pytestmark = pytest.mark.django_db

PAGES = ["/", "/services/taxi/", "/en/ask-a-person/", "/display/", "/signin/"]


@pytest.mark.parametrize("path", PAGES)
def test_the_policy_allows_no_inline_script_and_only_our_styles_by_their_hashes(client, path):
    response = client.get(path)
    policy = response["Content-Security-Policy"]
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    html = response.content.decode()
    styles = re.findall(r"<style>(.*?)</style>", html, re.S)
    assert styles and "<style " not in html
    for css in styles:
        digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in policy
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline script found"
    assert ' style="' not in html


def test_the_policy_is_the_same_every_time_so_a_kept_page_keeps_it(client):
    first = client.get("/")["Content-Security-Policy"]
    assert "nonce" not in first
    assert client.get("/")["Content-Security-Policy"] == first


def test_other_headers_stop_framing_and_sniffing(client):
    response = client.get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_forms_carry_a_csrf_token_and_a_post_without_one_is_refused(client):
    from django.test import Client

    assert 'name="csrfmiddlewaretoken"' in client.get("/signin/").content.decode()
    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/signin/", {"phone": "13800000001"}).status_code == 403

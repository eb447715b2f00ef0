"""Security headers on residents' pages: a strict Content-Security-Policy and friends."""

import re

import pytest

pytestmark = pytest.mark.django_db

PAGES = ["/", "/services/taxi/", "/en/ask-a-person/", "/display/", "/signin/"]


@pytest.mark.parametrize("path", PAGES)
def test_the_policy_allows_no_inline_script_and_only_our_nonced_style(client, path):
    response = client.get(path)
    policy = response["Content-Security-Policy"]
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    html = response.content.decode()
    assert f'<style nonce="{nonce}">' in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline script found"
    assert ' style="' not in html


def test_each_response_gets_a_new_nonce(client):
    first = client.get("/")["Content-Security-Policy"]
    second = client.get("/")["Content-Security-Policy"]
    assert first != second


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

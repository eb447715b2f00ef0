"""Text size and contrast work without JavaScript: a plain form and a cookie."""

import re

import pytest

pytestmark = pytest.mark.django_db


def test_choosing_extra_large_text_and_high_contrast_applies_to_the_next_page(client):
    response = client.post(
        "/display/", {"size": "extra", "contrast": "high", "next": "/services/taxi/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/services/taxi/"
    html = client.get("/services/taxi/").content.decode()
    assert 'class="size-extra contrast-high"' in html


def test_the_form_shows_the_current_choice(client):
    client.cookies["text_size"] = "large"
    html = client.get("/display/").content.decode()
    checked = re.findall(r'<input[^>]*name="size"[^>]*value="(\w+)"[^>]*checked', html)
    assert checked == ["large"]


def test_a_next_address_on_another_site_is_not_followed(client):
    response = client.post(
        "/display/", {"size": "large", "contrast": "normal", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_an_unknown_choice_gives_a_translated_error_and_changes_nothing(client):
    response = client.post("/display/", {"size": "huge", "contrast": "normal"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>错误" in html
    assert 'class="error-summary"' in html and "autofocus" in html
    assert "text_size" not in response.cookies


def test_an_unknown_cookie_value_falls_back_to_standard(client):
    client.cookies["text_size"] = "enormous"
    html = client.get("/").content.decode()
    assert 'class="size-standard"' in html

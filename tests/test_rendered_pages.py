"""Every page a resident, a family member and the desk's staff reach renders whole: no template
syntax on the page, no raw None/True, no server error, in both languages."""

import re

import pytest
from wagtail.models import Page

pytestmark = pytest.mark.django_db

# What a page must never show a person: template syntax that did not render, Python's words.
LEAKS = re.compile(r"\{#|#\}|\{\{|\}\}|\{%|%\}|>\s*(None|True|False)\s*<")

RESIDENT_PATHS = [
    "/profile/",
    "/profile/needs/",
    "/profile/places/",
    "/profile/family/",
    "/my-information/",
    "/taxi/",
    "/hospital/",
    "/hospital/appointments/",
    "/help/",
    "/help/requests/",
]
DESK_PATHS = ["/admin/desk/", "/admin/desk/find/?phone=13800000001"]


def _visible(html):
    """The page without its scripts and styles (their braces are code, not leaks)."""
    return re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.DOTALL)


def _check(response, path):
    assert response.status_code == 200, (path, response.status_code)
    leak = LEAKS.search(_visible(response.content.decode()))
    assert leak is None, (path, leak and leak.group())


def test_every_published_page_renders_whole(client):
    pages = Page.objects.live().filter(depth__gt=1).specific()
    assert pages.count() > 10
    for page in pages:
        path = page.get_url()
        _check(client.get(path, follow=True), path)


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_a_residents_pages_render_whole(client, resident, prefix):
    client.force_login(resident)
    for path in RESIDENT_PATHS:
        _check(client.get(prefix + path, follow=True), prefix + path)


def test_a_family_members_pages_render_whole(client, django_user_model):
    client.force_login(django_user_model.objects.get(phone="+8613800000088"))
    for path in RESIDENT_PATHS:
        _check(client.get(path, follow=True), path)


def test_the_desk_renders_whole(client, staff_login, volunteer, counter_staff):
    for person in (volunteer, counter_staff):
        staff_login(person)
        for path in DESK_PATHS:
            _check(client.get(path, follow=True), path)

"""Every page a resident, a family member and each staff role can reach renders whole, in both
languages: no HTTP error, no template syntax, no raw None/True, no English words on Chinese
pages and no Chinese on English pages (proper names allowed).

The pages are found by following links from each person's start pages, as they would.
"""

import re
from collections import deque
from urllib.parse import urldefrag, urlsplit

import pytest
from bs4 import BeautifulSoup
from wagtail.models import Page

pytestmark = pytest.mark.django_db

# What a page must never show a person: template syntax that did not render, Python's words.
LEAKS = re.compile(r"\{#|#\}|\{\{|\}\}|\{%|%\}|(?<![\w-])(None|True|False)(?![\w-])")
CJK = re.compile(r"[\u3400-\u9fff\uff01-\uff5e\u3000-\u303f]+")
ENGLISH_WORD = re.compile(r"(?<![\w@./:+-])[A-Za-z]{3,}(?![\w@./:+-])")
# Words that are at home in Chinese text: brands, abbreviations, keys residents press.
ENGLISH_IN_CHINESE = {
    "SMS",
    "zip",
    "OK",
    "App",
    "APP",
    "PIN",
    "TOTP",
    "Wagtail",
    "HELP",
    "STATUS",
    "STOP",
    "TAXI",
    "CANCEL",
    "START",
    "YES",
    "PDF",
    "CSV",
    "JSON",
    "QR",
}

RESIDENT_START = [
    "/",
    "/my/",
    "/profile/",
    "/taxi/",
    "/taxi/rides/",
    "/hospital/",
    "/hospital/appointments/",
    "/help/",
    "/help/requests/",
    "/my-information/",
]
DESK_START = ["/admin/desk/", "/admin/desk/find/?phone=13800000001"]
# Links a crawl must not follow: they sign out, change state on GET-looking links, or are
# files; the admin's own pages beyond the desk are Wagtail's and checked by its editors.
SKIP = re.compile(
    r"^/(en/)?(signout|static|media|documents|phone|webhooks)/|^/admin/(logout|login)"
    r"|^/admin/(?!desk/)|\.(css|js|png|svg|ico|pdf|csv|zip)$"
)
MAX_PAGES = 120


def _visible_soup(html):
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "template", "noscript"]):
        tag.decompose()
    return soup


def _text_in_page_language(soup, language):
    """The page's words, leaving out parts marked as another language (lang="en" on a
    Chinese page: the language switch, a bilingual error page)."""
    for tag in soup.find_all(lang=True):
        if tag.name != "html" and not tag["lang"].lower().startswith(language):
            tag.decompose()
    return soup.get_text(" ")


def _proper_names():
    """Names and places people entered: allowed in either language."""
    from django.contrib.auth import get_user_model

    from portal.accounts.models import SavedPlace
    from services.taxi.models import Ride

    names = set()
    for user in get_user_model().objects.all():
        names.update([user.preferred_name, user.home_address, user.get_full_name()])
    for place in SavedPlace.objects.all():
        names.update([place.label, place.address, place.landmark])
    for ride in Ride.objects.all():
        names.update([ride.pickup_address, ride.destination, ride.pickup_note, ride.car_plate])
    return {name for name in names if name}


def _language_faults(text, language, names):
    if language == "zh":
        words = set(ENGLISH_WORD.findall(text)) - ENGLISH_IN_CHINESE
        return sorted(word for word in words if not any(word in name for name in names))
    runs = set(CJK.findall(text))
    return sorted(run for run in runs if not any(run in name for name in names))


def _links(soup):
    for anchor in soup.find_all("a", href=True):
        href = urldefrag(anchor["href"])[0]
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path.startswith("/"):
            continue
        yield href


def crawl(client, starts, *, prefix=""):
    """Visit ``starts`` and every same-site page linked from them; return the faults seen."""
    language = "en" if prefix == "/en" else "zh"
    names = _proper_names()
    faults, seen = [], set()
    queue = deque(prefix + path for path in starts)
    while queue and len(seen) < MAX_PAGES:
        path = queue.popleft()
        if path in seen or SKIP.search(path):
            continue
        seen.add(path)
        response = client.get(path)
        if response.status_code in (301, 302):
            queue.append(response["Location"])
            continue
        if response.status_code != 200:
            faults.append((path, f"HTTP {response.status_code}"))
            continue
        if "text/html" not in response.get("Content-Type", ""):
            continue
        soup = _visible_soup(response.content.decode())
        text = _text_in_page_language(BeautifulSoup(str(soup), "html.parser"), language)
        leak = LEAKS.search(text)
        if leak:
            faults.append((path, f"shows {leak.group()!r}"))
        wrong = _language_faults(text, language, names)
        if wrong:
            faults.append((path, f"not in {language}: {wrong[:8]}"))
        for link in _links(soup):
            if (link == "/en" or link.startswith("/en/")) == (language == "en"):
                queue.append(link)
    return seen, faults


def _listed(faults):
    return "".join(f"\n  {path}: {fault}" for path, fault in faults)


def test_every_published_page_renders_whole(client):
    pages = Page.objects.live().filter(depth__gt=1).specific()
    assert pages.count() > 10
    for page in pages:
        path = page.get_url()
        response = client.get(path, follow=True)
        assert response.status_code == 200, path
        assert not LEAKS.search(_visible_soup(response.content.decode()).get_text(" ")), path


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_signed_out_every_reachable_page_is_whole_and_in_its_language(client, prefix):
    seen, faults = crawl(client, ["/", "/signin/", "/services/"], prefix=prefix)
    assert len(seen) > 15
    assert not faults, _listed(faults)


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_a_residents_reachable_pages_are_whole_and_in_their_language(client, resident, prefix):
    client.force_login(resident)
    seen, faults = crawl(client, RESIDENT_START, prefix=prefix)
    assert len(seen) > 20
    assert not faults, _listed(faults)


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_a_family_members_reachable_pages_are_whole(client, django_user_model, prefix):
    client.force_login(django_user_model.objects.get(phone="+8613800000088"))
    seen, faults = crawl(client, RESIDENT_START, prefix=prefix)
    assert len(seen) > 15
    assert not faults, _listed(faults)


def test_the_desk_is_whole_for_every_staff_role(
    client, staff_login, volunteer, counter_staff, supervisor
):
    for person in (volunteer, counter_staff, supervisor):
        staff_login(person)
        seen, faults = crawl(client, DESK_START)
        assert len(seen) >= 2
        assert not faults, person.username + _listed(faults)

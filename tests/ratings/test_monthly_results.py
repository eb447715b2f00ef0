"""Last month's ratings on each service's page (好差评公示): counted per service in Shanghai
months, published once from RATINGS_PUBLISH_DAY, poor ratings followed up within one working
day counted, the page's cached copies cleared, the editors' response shown, no JavaScript."""

import datetime

import pytest
from wagtail.contrib.frontend_cache.backends.base import BaseBackend

from assist import api as assist
from assist.models import HelpRequest, Kind
from content.models import ServicePage
from portal.acting import Acting
from portal.ratings import api as ratings
from portal.ratings import results
from portal.ratings.models import MonthlyResult

pytestmark = pytest.mark.django_db

PURGED = []


class RecordingCache(BaseBackend):
    """A front-end cache that writes down what it was asked to clear."""

    def purge(self, url):
        PURGED.append(url)


@pytest.fixture
def october(resident, volunteer, at, committed):
    """王阿姨's ratings of rides in October 2026 (Shanghai time) and around it.

    October: 5, 5, 4, 3 and three poor ones, 2 (followed up the same day), 1 (followed up
    three working days late) and 2 (nobody took it up); one appointment rated 5. Not October:
    a ride at 23:30 on 30 September and one at 00:10 on 1 November, Shanghai time.
    """
    acting = Acting.by_resident(resident)
    at(2026, 9, 30, 23, 30)
    ratings.rate(acting, "ride:100", 1)
    at(2026, 10, 13, 10, 0)  # a Tuesday
    for number, level in enumerate([5, 5, 4, 3], start=1):
        ratings.rate(acting, f"ride:{number}", level)
    ratings.rate(acting, "appointment:1", 5)
    committed(ratings.rate, acting, "ride:10", 2)
    committed(ratings.rate, acting, "ride:11", 1)
    committed(ratings.rate, acting, "ride:12", 2)
    at(2026, 10, 13, 15, 0)
    assist.take(_follow_up("ride:10"), volunteer)
    at(2026, 10, 16, 10, 0)  # Friday: the next working day was Wednesday
    assist.take(_follow_up("ride:11"), volunteer)
    at(2026, 11, 1, 0, 10)
    ratings.rate(acting, "ride:101", 1)


def _follow_up(subject):
    return HelpRequest.objects.get(kind=Kind.FOLLOW_UP, about=f"rating:{subject}")


def test_a_month_is_counted_per_service_in_shanghai_time(october):
    taxi = results.count_month("taxi", datetime.date(2026, 10, 1))
    assert taxi.counts == {"5": 2, "4": 1, "3": 1, "2": 2, "1": 1}
    assert (taxi.total, taxi.poor, taxi.poor_followed_up_in_time) == (7, 3, 1)
    hospital = results.count_month("hospital", datetime.date(2026, 10, 1))
    assert (hospital.counts, hospital.total, hospital.poor) == ({"5": 1}, 1, 0)
    assert results.count_month("assist", datetime.date(2026, 10, 1)).total == 0


def test_the_month_is_published_once_from_its_day(october, at, settings, demo_site):
    settings.RATINGS_PUBLISH_DAY = 3
    at(2026, 11, 2, 23, 0)
    assert results.publish_due() == []
    at(2026, 11, 3, 0, 30)
    assert results.publish_due() == ["applications", "assist", "hospital", "taxi"]
    assert results.publish_due() == []
    published = MonthlyResult.objects.get(service="taxi")
    assert (str(published.month), published.total) == ("2026-10-01", 7)


def test_publishing_clears_the_cached_copies_of_the_service_pages(
    october, at, settings, demo_site, committed
):
    settings.WAGTAILFRONTENDCACHE = {
        "recording": {"BACKEND": f"{__name__}.RecordingCache", "HOSTNAMES": ["*"]}
    }
    PURGED.clear()
    at(2026, 11, 3, 9, 0)
    committed(results.publish_due)
    paths = {url.split("//", 1)[-1].partition("/")[2] for url in PURGED}
    assert {"services/taxi/", "en/services/taxi/", "services/hospital/"} <= paths
    assert "services/" not in paths  # only the pages that show the results


def test_the_service_page_shows_last_month_without_javascript(
    october, at, client, demo_site, committed
):
    at(2026, 11, 3, 9, 0)
    assert "How satisfied residents" not in client.get("/en/services/taxi/").content.decode()
    committed(results.publish_due)  # clears the page kept a moment ago
    html = client.get("/en/services/taxi/").content.decode()
    assert "How satisfied residents were in October 2026" in html
    # 2 of 7 very satisfied is 29 %, shown as a number beside the bar, in a table.
    assert '<th scope="row">Very satisfied (非常满意)</th>' in html
    assert "29%</td><td>2</td>" in html
    assert "From 7 ratings given that month." in html
    assert "1 of 3 poor ratings were followed up by a person within one working day." in html
    assert "<script" not in html.split('class="ratings"')[1].split("</section>")[0]
    chinese = client.get("/services/taxi/").content.decode()
    assert "2026年10月" in chinese


def test_the_editors_response_is_shown_under_the_results(october, at, client, demo_site):
    at(2026, 11, 3, 9, 0)
    results.publish_due()
    page = ServicePage.objects.get(slug="taxi", locale__language_code="en")
    page.what_we_changed = "Cars now wait five minutes at the door."
    page.save_revision().publish()
    html = client.get("/en/services/taxi/").content.decode()
    assert "What we changed" in html
    assert "Cars now wait five minutes at the door." in html


def test_too_few_ratings_are_not_shown_as_shares(october, at, client, demo_site):
    at(2026, 11, 3, 9, 0)
    results.publish_due()
    html = client.get("/en/services/hospital/").content.decode()
    assert "Only 1 rating was given that month: too few to show." in html
    assert "<table" not in html.split('class="ratings"')[1]


def test_a_rating_changed_after_publication_leaves_what_was_published(
    october, at, resident, client, demo_site
):
    at(2026, 11, 3, 9, 0)
    results.publish_due()
    at(2026, 11, 4, 9, 0)
    ratings.reopen_rating(resident, "ride:11")
    ratings.rate(Acting.by_resident(resident), "ride:11", 5)
    assert MonthlyResult.objects.get(service="taxi").counts["1"] == 1

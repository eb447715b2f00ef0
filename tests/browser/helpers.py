"""Steps the browser tests share: signing in the way a resident does, with the texted code."""

import re

from portal.notifications.models import Message
from tests.browser.test_elder_ux import visit


def sign_in(page, portal_url, phone, django_db_blocker, next_path):
    """Sign ``phone`` in through the sign-in page with the code from the SMS, then go on to
    ``next_path``; a first sign-in skips both welcome questions."""
    visit(page, portal_url, f"/signin/?next={next_path}")
    page.fill("#id_phone", phone)
    page.click("button.button-action")
    with django_db_blocker.unblock():
        body = Message.objects.filter(recipient=phone).latest("id").body
    page.fill("#id_code", re.search(r"\d{6}", body).group())
    page.click("button.button-action")
    if "/signin/welcome/" in page.url:
        page.click("button[name=skip]")
        page.click("button[name=skip]")

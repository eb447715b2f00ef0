"""Editor tools: Wagtail's content checker with our elder-friendly rules added; pages marked
for the page cache as they are served."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.userbar import ContentCheckerItem

from content import page_cache


class ElderContentCheckerItem(ContentCheckerItem):
    """Run the full WCAG 2.2 A/AA rule set for editors, not only Wagtail's short list.

    Wagtail's own checks stay on; the rules in ``content/checks.py`` run on save.
    """

    axe_run_only = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
    axe_messages = {
        **ContentCheckerItem.axe_messages,
        "color-contrast": {
            "error_name": _("Text is hard to read against its background"),
            "help_text": _("Older readers need strong contrast: use the portal's colours"),
        },
        "target-size": {
            "error_name": _("A link or button is too small to tap"),
            "help_text": _("Make it a button, or put it on its own line"),
        },
    }


@hooks.register("construct_wagtail_userbar")
def use_elder_content_checker(request, items, page=None):
    items[:] = [
        ElderContentCheckerItem(in_editor=item.in_editor)
        if isinstance(item, ContentCheckerItem)
        else item
        for item in items
    ]


# A live, public page may be kept whole for the next signed-out readers (content.page_cache).
hooks.register("before_serve_page", page_cache.mark_wagtail_page)

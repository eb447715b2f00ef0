"""Elder-specific content rules, checked when an editor saves.

Plain, short text is the single biggest help to older readers, so these rules
stop a page from being saved until it follows them, with a message saying how.
"""

import re

from django.utils.translation import gettext as _

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")

SUMMARY_MAX_CJK = 40
SUMMARY_MAX_WORDS = 25
TILE_LABEL_MAX_CJK = 6
TILE_LABEL_MAX_LATIN = 16


def cjk_count(text):
    return len(_CJK.findall(text or ""))


def summary_problem(text):
    """Why a one-sentence summary is too long, or ``None`` when it is fine."""
    text = (text or "").strip()
    if cjk_count(text) > SUMMARY_MAX_CJK:
        return _(
            "Keep the summary to %(max)d Chinese characters or fewer (now %(count)d). "
            "Say what the service does in one plain sentence."
        ) % {"max": SUMMARY_MAX_CJK, "count": cjk_count(text)}
    if not cjk_count(text) and len(text.split()) > SUMMARY_MAX_WORDS:
        return _(
            "Keep the summary to %(max)d words or fewer (now %(count)d). "
            "Say what the service does in one plain sentence."
        ) % {"max": SUMMARY_MAX_WORDS, "count": len(text.split())}
    return None


def tile_label_problem(label):
    """Why a home-page tile label is too long to read at a glance, or ``None``."""
    label = (label or "").strip()
    count = cjk_count(label)
    if count > TILE_LABEL_MAX_CJK:
        return _("A tile label has at most %(max)d Chinese characters.") % {
            "max": TILE_LABEL_MAX_CJK
        }
    if not count and len(label) > TILE_LABEL_MAX_LATIN:
        return _("A tile label has at most %(max)d letters.") % {"max": TILE_LABEL_MAX_LATIN}
    return None


def alt_text_problem(alt):
    """Images must say what they show; a file name is not a description."""
    alt = (alt or "").strip()
    if not alt:
        return _("Describe the image for people who cannot see it.")
    if re.search(r"\.(jpe?g|png|gif|webp|svg)$|^(img|image|dsc)[_-]?\d+", alt, re.IGNORECASE):
        return _("The description looks like a file name. Say what the image shows.")
    return None

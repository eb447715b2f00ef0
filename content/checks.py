"""Elder-specific content rules, checked when an editor saves.

Plain, short text is the single biggest help to older readers, so these rules
stop a page from being saved until it follows them, with a message saying how.
"""

import re

from django.utils.translation import gettext as _

_CJK_CHARS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK = re.compile(f"[{_CJK_CHARS}]")
# A word in Latin letters or digits: "Jing'an", "8:00", "60".
_LATIN_WORD = re.compile(f"[^\\s{_CJK_CHARS}]*[A-Za-z0-9][^\\s{_CJK_CHARS}]*")

SUMMARY_MAX_CJK = 40
SUMMARY_MAX_WORDS = 25
TILE_LABEL_MAX_CJK = 6
TILE_LABEL_MAX_LATIN = 16


def cjk_count(text):
    return len(_CJK.findall(text or ""))


def summary_problem(text, language=None):
    """Why a one-sentence summary is too long, or ``None`` when it is fine.

    On an English page (``language`` "en") the summary must be English: wagtail-localize
    fills an untranslated (or refused) English summary with the Chinese one when the editor
    presses publish again, and a few Chinese characters must not lift the word limit.
    """
    text = (text or "").strip()
    if language and not language.lower().startswith("zh"):
        return _english_summary_problem(text)
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


def _english_summary_problem(text):
    latin_words = len(_LATIN_WORD.findall(text))
    # A Chinese character counts as a word, so a few of them cannot lift the limit.
    words = latin_words + cjk_count(text)
    if cjk_count(text) > latin_words:
        return _(
            "This is the English page: write the summary in English. "
            "It is still in Chinese, or its English translation was refused."
        )
    if words > SUMMARY_MAX_WORDS:
        return _(
            "Keep the summary to %(max)d words or fewer (now %(count)d). "
            "Say what the service does in one plain sentence."
        ) % {"max": SUMMARY_MAX_WORDS, "count": words}
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


# A guide's step: one line of a phone screen, read at a glance (elder-ux.md: Chinese lines of
# about 20 to 40 characters). English runs about three letters to a Chinese character.
STEP_MAX_CJK = 40
STEP_MAX_LATIN = 120
# "If it goes wrong": two short sentences at most.
IF_WRONG_MAX_CJK = 80
IF_WRONG_MAX_LATIN = 240
# One picture a step, scrolled through on a phone: past ten, split the guide in two.
GUIDE_MAX_STEPS = 10


def guide_step_problem(text):
    """Why a guide's step sentence is too long to read at a glance, or ``None``."""
    count, letters = _lengths(text)
    if count > STEP_MAX_CJK:
        return _(
            "Keep a step to %(max)d Chinese characters or fewer (now %(count)d). "
            "Say one thing to do; put the rest in the next step."
        ) % {"max": STEP_MAX_CJK, "count": count}
    if letters > STEP_MAX_LATIN:
        return _(
            "Keep a step to %(max)d letters or fewer (now %(count)d). "
            "Say one thing to do; put the rest in the next step."
        ) % {"max": STEP_MAX_LATIN, "count": letters}
    return None


def if_wrong_problem(text):
    """Why a step's "if it goes wrong" is too long, or ``None``."""
    count, letters = _lengths(text)
    if count > IF_WRONG_MAX_CJK:
        return _(
            'Keep "if it goes wrong" to %(max)d Chinese characters or fewer (now %(count)d).'
        ) % {"max": IF_WRONG_MAX_CJK, "count": count}
    if letters > IF_WRONG_MAX_LATIN:
        return _('Keep "if it goes wrong" to %(max)d letters or fewer (now %(count)d).') % {
            "max": IF_WRONG_MAX_LATIN,
            "count": letters,
        }
    return None


def _lengths(text):
    """Chinese characters; and for text in Latin letters, its length (Chinese text is held to
    the Chinese limit alone: its punctuation is no reason to refuse it)."""
    text = (text or "").strip()
    count = cjk_count(text)
    return count, 0 if count else len(text)

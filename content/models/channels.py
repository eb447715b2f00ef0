"""Help channels editors maintain: the hotline and the community service centres.

They are snippets, so one change shows everywhere: the help bar on every page
and the "by phone" / "at a centre" parts of every service page.

Pages never show a snippet's fields as stored: they show :meth:`ReadInLanguage.for_reader`,
the snippet as a reader of the page's language sees it. wagtail-localize keeps the English
copy of a snippet "synced" by writing the Chinese text into every field whose new words are
not translated yet (a new snippet, an edited Chinese field, a translation it refused), and
``.localized`` gives the Chinese snippet itself when no English copy exists; shown as stored,
either puts Chinese on English pages. Words in the other language are left out instead (the
number is the same in both).
"""

import re
from types import SimpleNamespace

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.models import Locale, TranslatableMixin
from wagtail.search import index
from wagtail.snippets.models import register_snippet
from wagtail_localize.fields import SynchronizedField, TranslatableField

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")


def written_in(text, language):
    """Whether ``text`` can be shown to a reader of ``language`` ("zh-hans", "en", ...).

    Chinese text has Chinese characters; English text has Latin letters. Text with neither
    (a number, "8:00-20:00") reads the same in both, and a Chinese name inside an English
    sentence is still English.
    """
    text = text or ""
    if language.lower().startswith("zh"):
        return bool(_CJK.search(text)) or not _LATIN.search(text)
    return bool(_LATIN.search(text)) or not _CJK.search(text)


def _reader_locale(language):
    """(the Locale, its language code) for ``language``, or for the active language."""
    if language is None:
        try:
            locale = Locale.get_active()
        except Locale.DoesNotExist:
            locale = None
        language = locale.language_code if locale else translation.get_language()
    else:
        locale = Locale.objects.filter(language_code__iexact=language).first()
    return locale, language or "zh-hans"


class Shown(SimpleNamespace):
    """A hotline or centre as a page shows it: read-only values, words left out as ``""``."""


class ReadInLanguage:
    """For the snippets pages show: the one in the reader's language, without foreign words."""

    # Fields written per language (translated); the others (numbers) are the same in all.
    written_fields = ()
    shown_fields = ()

    def for_reader(self, language=None):
        """This snippet as a reader of ``language`` (default: the active one) sees it.

        Its translation into that language if there is one, else itself; of that, the
        written fields still in another language (words wagtail-localize copied from the
        source because nobody has translated them yet) are left empty. ``untranslated``
        names them, for the page to say something general in their place.
        """
        locale, language = _reader_locale(language)
        instance = self
        if locale is not None and locale.pk != self.locale_id:
            instance = self.get_translation_or_none(locale) or self
        values = {name: getattr(instance, name) for name in self.shown_fields}
        untranslated = [
            name for name in self.written_fields if not written_in(values[name], language)
        ]
        for name in untranslated:
            values[name] = ""
        return Shown(pk=instance.pk, untranslated=untranslated, **values)


class Hotline(ReadInLanguage, TranslatableMixin, models.Model):
    """A phone line residents can call, such as the portal's one-key service line."""

    written_fields = ("name", "hours", "typical_wait")
    shown_fields = ("name", "number", "dial", "hours", "typical_wait")
    # wagtail-localize: translators get the words; the number is the same line in every
    # language, so a change to it reaches the translations when they are synced.
    translatable_fields = [
        TranslatableField("name"),
        SynchronizedField("number"),
        SynchronizedField("dial"),
        TranslatableField("hours"),
        TranslatableField("typical_wait"),
    ]

    name = models.CharField(
        _("name"),
        max_length=60,
        help_text=_("What residents call it, for example 为老服务一键通."),
    )
    number = models.CharField(
        _("number as written"),
        max_length=30,
        help_text=_("Written the way residents read it, for example 962-200."),
    )
    dial = models.CharField(
        _("number to dial"),
        max_length=20,
        help_text=_("Digits only, used for the tap-to-call link, for example 962200."),
    )
    hours = models.CharField(
        _("opening hours"),
        max_length=80,
        help_text=_("In plain words, for example 每天 8:00 至 20:00."),
    )
    typical_wait = models.CharField(
        _("typical wait"),
        max_length=80,
        blank=True,
        help_text=_("Optional. For example 通常 2 分钟内接听."),
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("number"),
        FieldPanel("dial"),
        FieldPanel("hours"),
        FieldPanel("typical_wait"),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("hotline")
        verbose_name_plural = _("hotlines")

    def __str__(self):
        return f"{self.name} {self.number}"


class CommunityCentre(ReadInLanguage, TranslatableMixin, index.Indexed, models.Model):
    """A community service centre with a counter where staff do services for residents."""

    written_fields = ("name", "district", "address", "hours")
    shown_fields = ("name", "district", "address", "hours", "phone", "dial")
    translatable_fields = [
        TranslatableField("name"),
        TranslatableField("district"),
        TranslatableField("address"),
        TranslatableField("hours"),
        SynchronizedField("phone"),
        SynchronizedField("dial"),
    ]

    name = models.CharField(
        _("name"), max_length=80, help_text=_("The name on the door of the centre.")
    )
    district = models.CharField(
        _("district"),
        max_length=40,
        help_text=_("The district residents know it by, for example 静安区."),
    )
    address = models.CharField(
        _("address"),
        max_length=160,
        help_text=_("Street and number, and a landmark if it helps, for example 近地铁站 2 号口."),
    )
    hours = models.CharField(
        _("opening hours"),
        max_length=80,
        help_text=_("In plain words, for example 周一至周六 9:00 至 17:00."),
    )
    phone = models.CharField(
        _("phone"), max_length=30, help_text=_("The centre's own number, as written.")
    )
    dial = models.CharField(
        _("number to dial"), max_length=20, help_text=_("Digits only, for the tap-to-call link.")
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("district"),
        FieldPanel("address"),
        FieldPanel("hours"),
        FieldPanel("phone"),
        FieldPanel("dial"),
    ]
    search_fields = [
        index.SearchField("name"),
        index.SearchField("district"),
        index.SearchField("address"),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("community service centre")
        verbose_name_plural = _("community service centres")
        ordering = ["district", "name"]

    def __str__(self):
        return f"{self.name} ({self.district})"

    @classmethod
    def every_for_reader(cls, district="", language=None):
        """Every centre, once, as a reader of ``language`` sees it (see ``for_reader``).

        A centre not translated yet is listed too: leaving it out would hide a centre from
        the residents who need it. ``district`` (as an editor typed it, in any language)
        keeps only the centres of that district.
        """
        locale, language = _reader_locale(language)
        by_key = {}
        for centre in cls.objects.order_by("pk"):
            key = centre.translation_key
            if key not in by_key or centre.locale_id == getattr(locale, "pk", None):
                by_key[key] = centre
        if district:
            wanted = district.strip().lower()
            in_district = {
                key
                for key, found in cls.objects.values_list("translation_key", "district")
                if found.strip().lower() == wanted
            }
            by_key = {key: centre for key, centre in by_key.items() if key in in_district}
        shown = [centre.for_reader(language) for centre in by_key.values()]
        return sorted(shown, key=lambda centre: (centre.district, centre.name))


register_snippet(Hotline)
register_snippet(CommunityCentre)

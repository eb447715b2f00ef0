"""StreamField blocks editors put on pages."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks import StructBlockValidationError
from wagtail.images.blocks import ImageBlock
from wagtail.snippets.blocks import SnippetChooserBlock

from content import phone_menu as menu
from content.checks import alt_text_problem, tile_label_problem
from portal.design.icons import ICON_CHOICES
from services.registry import SERVICE_CHOICES, service_url


class TileValue(blocks.StructValue):
    def url(self):
        """The built-in service's web flow if it is available, else the chosen page."""
        if self.get("service"):
            url = service_url(self["service"])
            if url:
                return url
        page = self.get("page")
        return page.localized.url if page else None


class TileBlock(blocks.StructBlock):
    """One big tile on the home page."""

    label = blocks.CharBlock(
        max_length=20,
        label=_("Words on the tile"),
        help_text=_("At most 6 Chinese characters (16 letters in English), e.g. 叫车."),
    )
    icon = blocks.ChoiceBlock(
        choices=ICON_CHOICES,
        default="info",
        label=_("Icon"),
        help_text=_("A picture shown above the label."),
    )
    service = blocks.ChoiceBlock(
        choices=SERVICE_CHOICES,
        required=False,
        label=_("Built-in service"),
        help_text=_("Optional. A built-in service to start straight away."),
    )
    page = blocks.PageChooserBlock(
        required=False,
        label=_("Page"),
        help_text=_("The page to open (also used while the built-in service is not available)."),
    )

    class Meta:
        value_class = TileValue
        icon = "placeholder"
        label = _("Tile")

    def clean(self, value):
        value = super().clean(value)
        errors = {}
        problem = tile_label_problem(value.get("label"))
        if problem:
            errors["label"] = ValidationError(problem)
        if not value.get("service") and not value.get("page"):
            errors["page"] = ValidationError(_("Choose a page or a built-in service."))
        if errors:
            raise StructBlockValidationError(block_errors=errors)
        return value


class ElderImageBlock(ImageBlock):
    """An image whose alt text is checked by our content rules."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Wagtail's ImageBlock leaves its chooser unlabelled (shown as the English "Image").
        chooser = self.child_blocks["image"]
        chooser.meta.label = chooser.label = _("Image")

    def clean(self, value):
        value = super().clean(value)
        if value is not None and not getattr(value, "decorative", False):
            problem = alt_text_problem(getattr(value, "contextual_alt_text", ""))
            if problem:
                raise ValidationError(problem)
        return value


class ByPhoneBlock(blocks.StructBlock):
    """How to do this service by phone."""

    hotline = SnippetChooserBlock(
        "content.Hotline",
        label=_("Hotline"),
        help_text=_("The line residents call for this service."),
    )
    what_to_say = blocks.TextBlock(
        label=_("What to do on the line"),
        help_text=_(
            "What to do on the line for this service, with the keys of the hotline's menu "
            "(shown under it on the page), e.g. 按 2 听您下一次的预约。"
        ),
    )

    class Meta:
        icon = "mobile-alt"
        label = _("Do it by phone")
        template = "content/blocks/by_phone.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        hotline = value.get("hotline")
        # In the page's language, never a copy still holding the other language's words.
        context["hotline"] = hotline.for_reader() if hotline else None
        context["phone_menu"] = phone_menu()
        return context


class AtCentreBlock(blocks.StructBlock):
    """How to do this service at a community service centre."""

    what_to_do = blocks.TextBlock(
        label=_("What happens at the counter"),
        help_text=_("What happens at the counter, e.g. 带上身份证和医保卡，工作人员帮您预约."),
    )
    # Empty means every centre: no chooser to fill in at first, and a chooser left empty is
    # skipped rather than refused.
    centres = blocks.ListBlock(
        SnippetChooserBlock("content.CommunityCentre", required=False, label=_("Centre")),
        help_text=_("The centres that offer this service. Leave empty to list every centre."),
        required=False,
        default=[],
        label=_("Centres"),
    )

    class Meta:
        icon = "home"
        label = _("Do it at a community centre")
        template = "content/blocks/at_centre.html"

    def get_context(self, value, parent_context=None):
        from content.models import CommunityCentre

        context = super().get_context(value, parent_context)
        chosen = [centre.for_reader() for centre in value.get("centres") or [] if centre]
        context["centres"] = chosen or CommunityCentre.every_for_reader()
        return context


class NoticeBlock(blocks.StructBlock):
    title = blocks.CharBlock(
        required=False, label=_("Heading"), help_text=_("Optional short heading.")
    )
    text = blocks.TextBlock(label=_("Text"), help_text=_("One or two plain sentences."))

    class Meta:
        icon = "warning"
        label = _("Notice")
        template = "content/blocks/notice.html"


class CentreListBlock(blocks.StructBlock):
    """Every community service centre, with address, hours and phone."""

    district = blocks.CharBlock(
        required=False,
        label=_("District"),
        help_text=_("Optional. Only list centres in this district."),
    )

    class Meta:
        icon = "list-ul"
        label = _("List of community centres")
        template = "content/blocks/centre_list.html"

    def get_context(self, value, parent_context=None):
        from content.models import CommunityCentre

        context = super().get_context(value, parent_context)
        context["centres"] = CommunityCentre.every_for_reader(district=value.get("district"))
        return context


class PhoneMenuBlock(blocks.StaticBlock):
    """The hotline's menu as the calls play it (``assist.phone.menu``): nothing to type, so
    the page never promises a key the line does not have."""

    class Meta:
        icon = "mobile-alt"
        label = _("The hotline's menu")
        admin_text = _("Shows the keys and words of the hotline's menu, as the line plays it.")
        template = "content/blocks/phone_menu.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        context["phone_menu"] = phone_menu()
        return context


def phone_menu():
    """The hotline menu's choices for a page: keys, what each does, a word to say."""
    return {"choices": menu.for_pages(), "repeat": menu.REPEAT_PROMPT}


class BodyBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(
        features=["bold", "link", "ol", "ul", "h2", "h3"],
        label=_("Paragraph"),
        help_text=_("Short sentences; one idea per paragraph."),
    )
    image = ElderImageBlock(
        label=_("Image"), help_text=_("A photo or drawing; describe what it shows.")
    )
    notice = NoticeBlock()
    centres = CentreListBlock()
    phone_menu = PhoneMenuBlock()

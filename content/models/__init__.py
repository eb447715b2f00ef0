from content.models.channels import CommunityCentre, Hotline
from content.models.guides import GuideIndexPage, GuidePage
from content.models.pages import HelpPage, HomePage, ServiceIndexPage, ServicePage
from content.models.privacy import PrivacyNoticePage
from content.models.site_settings import HelpBarSettings

__all__ = [
    "CommunityCentre",
    "GuideIndexPage",
    "GuidePage",
    "HelpBarSettings",
    "HelpPage",
    "HomePage",
    "Hotline",
    "PrivacyNoticePage",
    "ServiceIndexPage",
    "ServicePage",
]

"""Channel: how the resident reached the portal for one thing done with their information.

One word of the portal's vocabulary (``docs/architecture.md``, "Who, how and by what"):

- **channel** (here): how the resident came: on the website, on a phone call, by text
  message, at a community centre counter, through a volunteer, or nobody came and the portal
  did it by itself. For a look at a resident's data it is where the look was made.
- **role** (``portal.accounts.roles.Role``): who acted: the resident, a family member, a
  volunteer, counter staff, a supervisor ...
- **medium** (``portal.notifications.models.Medium``): how a message travels: SMS or voice.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    WEB = "web", _("Website")
    PHONE = "phone", _("Phone")
    SMS = "sms", _("Text message")
    COUNTER = "counter", _("Counter")
    VOLUNTEER = "volunteer", _("Volunteer")
    # A member of staff looking at a resident's records in the staff tools (the admin).
    STAFF_TOOLS = "staff", _("Staff tools")
    # Nobody came: the portal did it by itself (a reminder, a missed appointment).
    SYSTEM = "system", _("System")

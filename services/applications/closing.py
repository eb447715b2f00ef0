"""What closing an account does to the resident's applications (``portal.accounts.closing``).

Every application is deleted with its answers: a case still open cannot be finished for an
account that is gone, and a decided one is not needed by the resident any more. The audit log
keeps that they were sent and decided, as long as it keeps entries.
"""

from portal.accounts.closing import register
from services.applications.models import Application


@register("applications", models=["applications.Application"], order=45)
def erase_applications(resident):
    """Delete the resident's applications."""
    deleted = Application.objects.filter(resident=resident).delete()[0]
    return {Application._meta.label: deleted}

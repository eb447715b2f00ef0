"""The Silver Portal Django project: settings, urls, Celery, design system, accounts."""

from portal.celery import app as celery_app

__all__ = ["celery_app"]

"""The portal's one time format: `{% load portal_time %}{{ episode.started_at|portal_datetime }}`,
in the active time zone (the clinic's), in the reader's language and its word order."""

from django import template
from django.template.defaultfilters import date

from dashboard.portal import PORTAL_DATETIME

register = template.Library()


@register.filter(expects_localtime=True)
def portal_datetime(moment) -> str:
    return date(moment, str(PORTAL_DATETIME))

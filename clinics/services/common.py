"""What every service is handed as "where from"."""

from django.http import HttpRequest
from rest_framework.request import Request

# What a service is handed as "where from": a page's request or an API's (DRF's Request wraps
# Django's and answers the same attributes).
ClientRequest = HttpRequest | Request

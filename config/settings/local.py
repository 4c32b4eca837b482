"""The embedded default: SQLite under var/, tasks in-process, console email."""

from .base import *

DEBUG = env.bool("DJANGO_DEBUG", default=True)

"""WSGI application for the throughput part of bench/national.py: the application with the floor views."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ist.settings")

from django.conf import settings
from django.core.wsgi import get_wsgi_application

application = get_wsgi_application()
settings.ROOT_URLCONF = "bench.floor_urls"

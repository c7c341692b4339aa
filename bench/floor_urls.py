"""The application's URLs plus the benchmark's floor views (bench/floor.py)."""

from django.urls import path

from bench.floor import floor
from ist.urls import urlpatterns as app_patterns

urlpatterns = [path("bench-floor/<str:name>/", floor, name="bench_floor"), *app_patterns]

"""The Django admin, in Swedish, for administrators only (User.is_staff is derived from is_administrator)."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig


class ISTAdminSite(admin.AdminSite):
    site_header = "IST Halland – administration"
    site_title = "IST Halland"
    index_title = "Team, kommuner, organisationer och användare"


class ISTAdminConfig(AdminConfig):
    default_site = "ist.adminsite.ISTAdminSite"

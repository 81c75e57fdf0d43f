"""django.contrib.admin with our moderators-only AdminSite as the default `admin.site`.

Kept out of accounts/apps.py so that module holds exactly one AppConfig.
"""

from django.contrib.admin.apps import AdminConfig


class ProvenanceAdminConfig(AdminConfig):
    default_site = "provenance.admin_site.ProvenanceAdminSite"

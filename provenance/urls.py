from django.contrib import admin
from django.urls import include, path

from provenance.health import healthz

urlpatterns = [
    path("", include("provenance.accounts.urls")),
    path("", include("provenance.corpus.urls")),
    path("", include("provenance.review.urls")),
    path("", include("provenance.review.urls_moderation")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
]

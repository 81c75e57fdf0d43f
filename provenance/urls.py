from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("provenance.accounts.urls")),
    path("", include("provenance.corpus.urls")),
    path("", include("provenance.review.urls")),
    path("admin/", admin.site.urls),
]

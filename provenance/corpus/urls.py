from django.urls import path

from provenance.corpus import views

urlpatterns = [
    path("uploads/", views.upload_list, name="upload_list"),
    path("uploads/new/", views.upload_new, name="upload_new"),
    path("uploads/<int:pk>/", views.upload_detail, name="upload_detail"),
    path("uploads/files/<int:pk>/download/", views.upload_file_download, name="upload_file_download"),
]

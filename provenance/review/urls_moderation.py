from django.urls import path

from provenance.review import views_moderation as views

urlpatterns = [
    path("audit/", views.audit_log, name="audit_log"),
    path("moderation/", views.moderation_queue, name="moderation_queue"),
    path("moderation/links/<int:pk>/resolve/", views.moderation_resolve, name="moderation_resolve"),
    path("moderation/chains/<int:pk>/resolve/", views.moderation_resolve_chain, name="moderation_resolve_chain"),
]

from django.urls import path

from provenance.review import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("queue/", views.queue, name="queue"),
    path("chains/<int:pk>/", views.chain_detail, name="chain_detail"),
    path("chains/<int:pk>/decide/", views.chain_decide_view, name="chain_decide"),
    path("chains/<int:pk>/export.<str:fmt>", views.chain_export, name="chain_export"),
    path("export.<str:fmt>", views.corpus_export, name="corpus_export"),
    path("links/<int:pk>/", views.link_detail, name="link_detail"),
    path("links/<int:pk>/decide/", views.link_decide_view, name="link_decide"),
    path("articles/", views.article_list, name="article_list"),
    path("articles/<int:pk>/", views.article_detail, name="article_detail"),
    path("articles/<int:pk>/raw/", views.article_raw, name="article_raw"),
    path("articles/<int:pk>/correct/", views.article_correct_view, name="article_correct"),
    path("outlets/", views.outlet_list, name="outlet_list"),
    path("outlets/<slug:slug>/", views.outlet_detail, name="outlet_detail"),
    path("annotations/new/", views.annotation_create_view, name="annotation_create"),
    path("annotations/<int:pk>/delete/", views.annotation_delete_view, name="annotation_delete"),
]

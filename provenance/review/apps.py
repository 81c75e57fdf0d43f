from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "provenance.review"
    verbose_name = "Review"

from django.apps import AppConfig


class CorpusConfig(AppConfig):
    name = "provenance.corpus"
    verbose_name = "Corpus"

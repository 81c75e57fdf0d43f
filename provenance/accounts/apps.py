from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "provenance.accounts"
    verbose_name = "Accounts"

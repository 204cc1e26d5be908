from django.apps import AppConfig


class ContracttypesConfig(AppConfig):
    name = "contracttypes"
    verbose_name = "委託の種類"

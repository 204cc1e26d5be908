from django.apps import AppConfig


class EnvironmentConfig(AppConfig):
    name = "environment"
    verbose_name = "委託先等の環境"

    def ready(self):
        pass

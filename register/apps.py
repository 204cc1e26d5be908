from django.apps import AppConfig


class RegisterConfig(AppConfig):
    name = "register"
    verbose_name = "委託一覧"

    def ready(self):
        pass

from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "operations"
    verbose_name = "運用（バックアップ・死活監視）"

    def ready(self):
        from . import evidence

        evidence.register_all()

from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "監査証跡"

    def ready(self):
        from . import signals  # noqa: F401  (login, logout and failed logins)

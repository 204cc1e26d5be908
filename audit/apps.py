from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "監査証跡"

    def ready(self):
        from core import dashboard

        from . import analysis, signals  # noqa: F401  (login, logout and failed logins)

        analysis.register_evidence()
        dashboard.register(analysis.waiting_for)

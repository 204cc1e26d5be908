from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "監査証跡"

    def ready(self):
        from core import context_processors, dashboard

        from . import analysis, evidence, permissions, signals  # noqa: F401  (signals: login, logout and failed logins)

        analysis.register_evidence()
        evidence.register_all()
        context_processors.register("audit_log", permissions.may_read_log)
        # The auditors' own pages (verifying the chain, the monthly analysis, the anchor).
        context_processors.register("security_log", permissions.may_read_security_log)
        dashboard.register(analysis.waiting_analysis, order=5)

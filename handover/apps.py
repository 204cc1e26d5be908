from django.apps import AppConfig


class HandoverConfig(AppConfig):
    name = "handover"
    verbose_name = "受渡し・管理簿"

    def ready(self):
        from core import dashboard

        from . import evidence, selectors

        dashboard.register(selectors.waiting_for)
        dashboard.register_contract_links(selectors.contract_links)
        evidence.register_all()

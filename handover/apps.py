from django.apps import AppConfig


class HandoverConfig(AppConfig):
    name = "handover"
    verbose_name = "受渡し・管理簿"

    def ready(self):
        from core import daily, dashboard

        from . import evidence, notifications, selectors

        dashboard.register(selectors.waiting_handovers, order=30)
        dashboard.register(selectors.waiting_transfers, order=31)
        dashboard.register_contract_links(selectors.handover_links, order=30)
        evidence.register_all()
        daily.register("handover.reminders", notifications.daily_reminders, order=10)

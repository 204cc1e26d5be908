from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "incidents"
    verbose_name = "事故"

    def ready(self):
        from core import daily, dashboard

        from . import evidence, notifications, selectors

        dashboard.register(selectors.waiting_incidents, order=50)
        dashboard.register_contract_links(selectors.incident_links, order=50)
        evidence.register_all()
        daily.register("incidents.reminders", notifications.daily_reminders, order=20)

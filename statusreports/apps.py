from django.apps import AppConfig


class StatusreportsConfig(AppConfig):
    name = "statusreports"
    verbose_name = "状況報告"

    def ready(self):
        from attachments import registry
        from contracts import carry_over
        from core import daily, dashboard

        from . import evidence, notifications, permissions, selectors, services
        from .models import StatusReport, StructureReport

        dashboard.register(selectors.waiting_reports, order=55)
        dashboard.register_contract_links(selectors.report_links, order=55)
        evidence.register_all()
        carry_over.register(carry=services.next_year_carry)
        daily.register("statusreports.reminders", notifications.daily_reminders, order=25)
        for model in (StatusReport, StructureReport):
            registry.register(model, may_view=permissions.may_view_file, may_attach=permissions.may_attach,
                              contract_of=lambda report: report.contract)

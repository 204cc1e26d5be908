from django.apps import AppConfig


class YearendConfig(AppConfig):
    """The year's end, on the top floor: the report and measures (④–⑥), the copy register, the deletion report,
    closing and reopening, and the council submission. It imports the apps below it; they learn of it only
    through the registries it fills here and the signals it listens to."""

    name = "yearend"
    verbose_name = "年度末・完了"

    def ready(self):
        from core import dashboard
        from handover import navigation
        from handover import selectors as handover_selectors
        from handover.signals import custody_changed

        from . import closing, council, deletion, evidence, report

        dashboard.register(closing.waiting_past_end, order=10)
        dashboard.register(report.waiting_reports, order=10)
        dashboard.register(deletion.waiting_deletion_reports, order=30)
        dashboard.register_contract_links(council.council_links, order=10)
        dashboard.register_contract_links(report.report_links, order=10)
        dashboard.register_contract_links(deletion.deletion_links, order=30)
        navigation.register(deletion.handover_menu_links, order=50)
        handover_selectors.register_item_history(deletion.item_history_events)
        closing.register()
        evidence.register_all()
        custody_changed.connect(report.steps_follow_custody, dispatch_uid="yearend-steps-follow-custody")

from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = "委託先の監督"

    def ready(self):
        from checklist import locking
        from contracts.closing import register_blockers
        from core import daily, dashboard

        from . import evidence, notifications, selectors

        dashboard.register(selectors.waiting, order=55)
        dashboard.register_contract_links(selectors.supervision_links, order=55)
        evidence.register_all()
        daily.register("supervision.reminders", notifications.daily_reminders, order=25)
        locking.register(selectors.findings_blocking_lock)
        # After the year's end's own blockers (0–50): the work of the year, then what the inspections found.
        register_blockers(selectors.findings_blocking_closing, order=60)
        self._register_attachments()

    def _register_attachments(self):
        """An inspection keeps its documents and photos, a finding its response's files (slot "response")."""
        from attachments import registry

        from . import permissions
        from .models import Finding, Inspection

        registry.register(Inspection, may_view=permissions.may_view_record,
                          may_attach=permissions.may_attach_to_inspection, contract_of=lambda obj: obj.contract)
        registry.register(Finding, may_view=permissions.may_view_record,
                          may_attach=permissions.may_attach_to_finding, contract_of=lambda obj: obj.contract)

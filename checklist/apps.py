from django.apps import AppConfig


class ChecklistConfig(AppConfig):
    name = "checklist"
    verbose_name = "個人情報保護対策チェックリスト"

    def ready(self):
        from core import dashboard

        from . import evidence, selectors

        dashboard.register(selectors.waiting_checklists)
        dashboard.register_contract_links(selectors.contract_menu)
        evidence.register_builtin()

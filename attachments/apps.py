from django.apps import AppConfig


class AttachmentsConfig(AppConfig):
    name = "attachments"
    verbose_name = "添付資料"

    def ready(self):
        from django.core.signals import request_finished, request_started

        from core import daily, dashboard

        from . import contract_records, services

        daily.register("attachments.sweep", services.sweep_orphans, order=35)
        request_started.connect(services.begin_request, dispatch_uid="attachments.begin_request")
        request_finished.connect(services.remove_uncommitted, dispatch_uid="attachments.remove_uncommitted")
        contract_records.register_models()
        contract_records.register_evidence()
        dashboard.register_contract_links(contract_records.contract_links, order=36)

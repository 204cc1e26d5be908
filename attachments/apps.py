from django.apps import AppConfig


class AttachmentsConfig(AppConfig):
    name = "attachments"
    verbose_name = "添付資料"

    def ready(self):
        from django.core.signals import request_finished

        from core import daily

        from . import services

        daily.register("attachments.sweep", services.sweep_orphans, order=35)
        request_finished.connect(services.remove_uncommitted, dispatch_uid="attachments.remove_uncommitted")

from django.apps import AppConfig


class AttachmentsConfig(AppConfig):
    name = "attachments"
    verbose_name = "添付資料"

    def ready(self):
        from core import daily

        from . import services

        daily.register("attachments.sweep", services.sweep_orphans, order=35)

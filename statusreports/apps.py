from django.apps import AppConfig


class StatusreportsConfig(AppConfig):
    name = "statusreports"
    verbose_name = "状況報告"

    def ready(self):
        pass

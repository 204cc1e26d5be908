from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "directory"
    verbose_name = "ディレクトリ連携"

    def ready(self):
        pass

from django.apps import AppConfig


class RegisterConfig(AppConfig):
    name = "register"
    verbose_name = "委託一覧"

    def ready(self):
        from core import context_processors

        from .permissions import may_view_register

        # 委託一覧 in the main menu for whoever reads at least one contract for audit.
        context_processors.register("register", lambda user: bool(may_view_register(user)))

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "ログイン"

    def ready(self):
        # Logging is configured before the apps are ready; the filter goes onto Django's own loggers
        # here, so it holds whatever LOGGING the deployment sets.
        from core import daily

        from . import attempts, evidence, logging, signals  # noqa: F401  (failed sign-ins and lockouts)

        logging.install()
        daily.register("accounts.failure_summaries", attempts.daily_summaries, order=90)
        evidence.register_all()

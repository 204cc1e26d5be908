from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "共通"

    def ready(self):
        from django.core import checks

        from . import faces, faults, proxy, request_logging  # noqa: F401 (proxy registers its system check)

        checks.register(faces.check_hosts_allowed, checks.Tags.security)
        faults.install()
        # On the loggers rather than in LOGGING, so it holds whatever LOGGING the deployment sets.
        request_logging.install()

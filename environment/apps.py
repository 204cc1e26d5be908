from django.apps import AppConfig


class EnvironmentConfig(AppConfig):
    name = "environment"
    verbose_name = "委託先等の環境"

    def ready(self):
        from core import daily, dashboard

        from . import evidence, notifications, selectors

        dashboard.register(selectors.waiting_environment, order=15)
        dashboard.register_contract_links(selectors.contract_links, order=15)
        evidence.register_all()
        daily.register("environment.certificates", notifications.daily_reminders, order=15)
        self._register_attachments()

    def _register_attachments(self):
        """The profile (its documents), certificates and reports keep their files through the attachments app."""
        from attachments import registry

        from . import permissions
        from .models import Certificate, EnvironmentProfile, OperationReport

        def may_view(user, obj):
            profile = obj if isinstance(obj, EnvironmentProfile) else obj.profile
            return permissions.may_view(user, profile)

        def may_attach(user, obj):
            profile = obj if isinstance(obj, EnvironmentProfile) else obj.profile
            return permissions.may_record(user, profile)

        def organisation_of(obj):
            profile = obj if isinstance(obj, EnvironmentProfile) else obj.profile
            return profile.organisation

        for model in (EnvironmentProfile, Certificate, OperationReport):
            registry.register(model, may_view=may_view, may_attach=may_attach, organisation_of=organisation_of)

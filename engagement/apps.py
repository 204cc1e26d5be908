from django.apps import AppConfig


class EngagementConfig(AppConfig):
    """Survey export: LoGo フォーム answers → an encrypted package on a disc and its password notice."""

    name = "engagement"
    verbose_name = "職員エンゲージメント調査データ"

    def ready(self):
        from contracts import carry_over
        from core import daily, dashboard

        from . import evidence, selectors, services, signals  # noqa: F401  (signals: the package file goes once its disc leaves)

        dashboard.register_contract_links(selectors.survey_links, order=20)
        daily.register("engagement.purge", services.daily_purge, order=30)
        carry_over.register(carry=services.next_year_carry)
        evidence.register_all()

from django.apps import AppConfig


class EngagementConfig(AppConfig):
    """Survey export: LoGo フォーム answers → an encrypted package on a disc and its password notice."""

    name = "engagement"
    verbose_name = "職員エンゲージメント調査データ"

    def ready(self):
        from core import dashboard

        from . import selectors, signals  # noqa: F401  (signals: the package file goes once its disc leaves)

        dashboard.register_contract_links(selectors.contract_links)

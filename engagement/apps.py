from django.apps import AppConfig


class EngagementConfig(AppConfig):
    """Survey export: LoGo フォーム answers → an encrypted package on a disc and its password notice."""

    name = "engagement"
    verbose_name = "職員エンゲージメント調査データ"

    def ready(self):
        from core import daily, dashboard

        from . import selectors, signals, storage  # noqa: F401  (signals: the package file goes once its disc leaves)

        dashboard.register_contract_links(selectors.contract_links)
        daily.register("engagement.purge", storage.daily_purge, order=30)

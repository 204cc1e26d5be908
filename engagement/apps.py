from django.apps import AppConfig


class EngagementConfig(AppConfig):
    """Survey export (LoGo フォーム answers → encrypted package). Built in its own issue; the app is
    registered now so that the layout, URLs and permissions have their place from the start."""

    name = "engagement"
    verbose_name = "職員エンゲージメント調査データ"

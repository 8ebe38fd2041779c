"""App configuration of the shared building blocks (an app so that its templates load and its receivers connect)."""

from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared templates (pagination); no models. Connects the rich-text cleaning before every save."""

    name = "core"
    verbose_name = "Shared building blocks"

    def ready(self) -> None:
        """Clean every model's rich text before it is saved (``core.rich_text``)."""
        from . import rich_text  # imports Wagtail's models: only once the apps are loaded

        rich_text.connect()

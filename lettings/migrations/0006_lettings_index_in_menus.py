"""The lettings index appears in the main menu, which is now read from the page tree ("show in menus")."""

from django.db import migrations

from core.migration_helpers import set_show_in_menus


def show(apps, schema_editor):
    """Mark the lettings index "show in menus"."""
    set_show_in_menus(apps, "lettings", "LettingIndexPage", True)


def hide(apps, schema_editor):
    """Undo: the menu was written in the template before."""
    set_show_in_menus(apps, "lettings", "LettingIndexPage", False)


class Migration(migrations.Migration):
    """Data migration: the lettings index in the main menu."""

    dependencies = [("lettings", "0005_page_title_index"), ("wagtailcore", "0094_alter_page_locale")]

    operations = [migrations.RunPython(show, hide)]

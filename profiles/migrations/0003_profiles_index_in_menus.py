"""The profiles index appears in the main menu, which is now read from the page tree ("show in menus")."""

from django.db import migrations

from core.migration_helpers import set_show_in_menus


def show(apps, schema_editor):
    """Mark the profiles index "show in menus"."""
    set_show_in_menus(apps, "profiles", "ProfileIndexPage", True)


def hide(apps, schema_editor):
    """Undo: the menu was written in the template before."""
    set_show_in_menus(apps, "profiles", "ProfileIndexPage", False)


class Migration(migrations.Migration):
    """Data migration: the profiles index in the main menu."""

    dependencies = [("profiles", "0002_create_profiles_index"), ("wagtailcore", "0094_alter_page_locale")]

    operations = [migrations.RunPython(show, hide)]

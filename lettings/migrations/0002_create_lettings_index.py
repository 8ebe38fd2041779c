"""Add the one lettings index page (``/lettings/``) under the home page."""

from django.db import migrations

from core.migration_helpers import add_child_page, remove_page


def create_lettings_index(apps, schema_editor):
    """Create the lettings index under the home page, if the home page exists."""
    homepage = apps.get_model("home", "HomePage").objects.order_by("path").first()
    if homepage is not None and not apps.get_model("lettings", "LettingIndexPage").objects.exists():
        add_child_page(apps, homepage, "lettings", "LettingIndexPage", title="Lettings", slug="lettings")


def remove_lettings_index(apps, schema_editor):
    """Delete the lettings index page and everything under it."""
    remove_page(apps, "lettings", "LettingIndexPage", "lettings")


class Migration(migrations.Migration):
    """Creates the lettings index page."""

    dependencies = [("lettings", "0001_initial"), ("home", "0002_create_homepage")]

    operations = [migrations.RunPython(create_lettings_index, remove_lettings_index)]

"""Add the one profiles index page (``/profiles/``) under the home page."""

from django.db import migrations

from core.migration_helpers import add_child_page, remove_page


def create_profiles_index(apps, schema_editor):
    """Create the profiles index under the home page, if the home page exists."""
    homepage = apps.get_model("home", "HomePage").objects.order_by("path").first()
    if homepage is not None and not apps.get_model("profiles", "ProfileIndexPage").objects.exists():
        add_child_page(apps, homepage, "profiles", "ProfileIndexPage", title="Profiles", slug="profiles")


def remove_profiles_index(apps, schema_editor):
    """Delete the profiles index page."""
    remove_page(apps, "profiles", "ProfileIndexPage", "profiles")


class Migration(migrations.Migration):
    """Creates the profiles index page."""

    dependencies = [
        ("profiles", "0001_initial"),
        ("home", "0002_create_homepage"),
        ("lettings", "0002_create_lettings_index"),
    ]

    operations = [migrations.RunPython(create_profiles_index, remove_profiles_index)]

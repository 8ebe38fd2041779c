"""The home page's existing introduction cleaned to what the editor allows, in the row and every revision.

From now on every save cleans rich text (``core.rich_text``); this cleans what was saved before.
"""

from django.db import migrations

from core.migration_helpers import clean_rich_text

INTRO_FEATURES = ["bold", "italic", "link"]  # home.models.HomePage.intro when this was written


def clean(apps, schema_editor):
    """Clean the home page's introduction, row and revisions."""
    clean_rich_text(apps, "home", "HomePage", {"intro": INTRO_FEATURES})


class Migration(migrations.Migration):
    """Data migration: clean existing rich text (nothing to undo)."""

    dependencies = [("home", "0004_main_pages_permission"), ("wagtailcore", "0097_baselogentry_uuid_action_timestamp_indexes")]

    operations = [migrations.RunPython(clean, migrations.RunPython.noop)]

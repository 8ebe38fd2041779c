"""Existing rich text of content pages cleaned to what the editor allows, in the rows and every revision.

From now on every save cleans rich text (``core.rich_text``); this cleans what was saved before.
"""

from django.db import migrations

from core.migration_helpers import clean_rich_text

# The features of each field when this migration was written (pages.models).
INTRO_FEATURES = ["bold", "italic", "link"]
BODY_FEATURES = ["h2", "h3", "bold", "italic", "link", "ol", "ul", "hr"]


def clean(apps, schema_editor):
    """Clean the content pages' introductions and bodies, rows and revisions."""
    clean_rich_text(apps, "pages", "ContentPage", {"intro": INTRO_FEATURES, "body": BODY_FEATURES})


class Migration(migrations.Migration):
    """Data migration: clean existing rich text (nothing to undo)."""

    dependencies = [("pages", "0001_initial"), ("wagtailcore", "0097_baselogentry_uuid_action_timestamp_indexes")]

    operations = [migrations.RunPython(clean, migrations.RunPython.noop)]

"""Existing rich text cleaned to what the editor allows: the letting bodies, house rules and the index's intro.

From now on every save cleans rich text (``core.rich_text``); this cleans what was saved before,
in the rows and in every revision (drafts, scheduled and past versions alike: any may be published or
previewed again). Editor-written text comes out unchanged and is not rewritten.
"""

from django.db import migrations

from core.migration_helpers import clean_rich_text

# The features of each field when this migration was written (lettings.models.RICH_TEXT_FEATURES).
RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "hr"]
HOUSE_RULES_FEATURES = ["bold", "italic", "ul", "ol", "link"]


def clean(apps, schema_editor):
    """Clean the lettings' rich text, rows and revisions."""
    clean_rich_text(apps, "lettings", "LettingPage", {"body": RICH_TEXT_FEATURES, "house_rules": HOUSE_RULES_FEATURES})
    clean_rich_text(apps, "lettings", "LettingIndexPage", {"intro": RICH_TEXT_FEATURES})


class Migration(migrations.Migration):
    """Data migration: clean existing rich text (nothing to undo: the cleaned text is what the editor keeps)."""

    dependencies = [("lettings", "0011_bathrooms_at_most_fifty"), ("wagtailcore", "0097_baselogentry_uuid_action_timestamp_indexes")]

    operations = [migrations.RunPython(clean, migrations.RunPython.noop)]

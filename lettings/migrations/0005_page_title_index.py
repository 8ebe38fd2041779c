"""Index Wagtail's page table by (title, id): the order of the lettings listing and of search results.

Wagtail's own migrations index the page tree by path, not by title. With this index a page of the
listing (first, next or previous) is one short index range scan, however many lettings exist.
The table is Wagtail's, so the index is created in SQL that both PostgreSQL and SQLite understand.
"""

from django.db import migrations


class Migration(migrations.Migration):
    """Add the listing-order index to ``wagtailcore_page``."""

    dependencies = [
        ("lettings", "0004_address_legacy_id"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS oc_page_title_id ON wagtailcore_page (title, id)",
            reverse_sql="DROP INDEX IF EXISTS oc_page_title_id",
        ),
    ]

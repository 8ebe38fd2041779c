"""Index Wagtail's page table by (depth, path): the home page's links to its live child pages.

``get_children()`` asks for one depth and a path range; the path index alone matches every page
under the home page (all lettings), so without this index the query reads the whole table.
"""

from django.db import migrations


class Migration(migrations.Migration):
    """Add the children lookup index to ``wagtailcore_page``."""

    dependencies = [("home", "0002_create_homepage")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS oc_page_depth_path ON wagtailcore_page (depth, path)",
            reverse_sql="DROP INDEX IF EXISTS oc_page_depth_path",
        ),
    ]

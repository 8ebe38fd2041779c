"""Trigram indexes for the search page's case-insensitive substring matching (PostgreSQL only).

Django's ``icontains`` becomes ``UPPER(column::text) LIKE UPPER('%word%')``. A GIN trigram index
on exactly that expression gives PostgreSQL both a way to find rare words without reading the
table and, through the statistics ``ANALYZE`` keeps for indexed expressions, a true estimate of how
many rows a word matches: for a common word (a city) it then walks the title index in order and
stops after one page. SQLite has neither and keeps scanning, which is fine for a laptop's demo site.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

# (index name, table, column): every column the search page matches, as search/views.py lists them.
SEARCHED_COLUMNS = [
    ("oc_trgm_page_title", "wagtailcore_page", "title"),
    ("oc_trgm_letting_summary", "lettings_lettingpage", "summary"),
    ("oc_trgm_address_street", "lettings_address", "street"),
    ("oc_trgm_address_city", "lettings_address", "city"),
    ("oc_trgm_address_state", "lettings_address", "state"),
    ("oc_trgm_address_zip", "lettings_address", "zip_code"),
    ("oc_trgm_user_username", "auth_user", "username"),
    ("oc_trgm_user_first_name", "auth_user", "first_name"),
    ("oc_trgm_user_last_name", "auth_user", "last_name"),
    ("oc_trgm_profile_city", "profiles_profile", "favorite_city"),
]


def create_indexes(apps, schema_editor):
    """Create the trigram indexes on PostgreSQL; do nothing elsewhere."""
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table, column in SEARCHED_COLUMNS:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (UPPER("{column}"::text) gin_trgm_ops)'
        )


def drop_indexes(apps, schema_editor):
    """Drop the trigram indexes on PostgreSQL; do nothing elsewhere."""
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in SEARCHED_COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    """Enable pg_trgm and index every searched column."""

    dependencies = [
        ("lettings", "0005_page_title_index"),
        ("profiles", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create_indexes, drop_indexes),
    ]

"""The listing's sorts: price both ways (generated sort keys, indexed) and newest (first publication, indexed).

Live lettings that were saved live without being published through Wagtail (an import, a script)
get a first publication time here, from their last publication or now, so "newest first" lists them.
"""

import django.db.models.expressions
import django.db.models.functions.comparison
from decimal import Decimal
from django.db import migrations, models
from django.utils import timezone




def date_lettings_never_published(apps, schema_editor):
    """Give each live letting without a first publication time its last publication time, or now."""
    letting_model = apps.get_model("lettings", "LettingPage")
    page_model = apps.get_model("wagtailcore", "Page")
    now = timezone.now()
    for letting in letting_model.objects.filter(live=True, first_published_at__isnull=True).only("last_published_at"):
        page_model.objects.filter(pk=letting.pk).update(first_published_at=letting.last_published_at or now)


class Migration(migrations.Migration):
    """Add the sort keys and their indexes, and date the lettings that lack a first publication."""

    dependencies = [
        ('lettings', '0009_calendar_feeds'),
        ('wagtailcore', '0097_baselogentry_uuid_action_timestamp_indexes'),
    ]

    operations = [
        migrations.AddField(
            model_name='lettingpage',
            name='price_high_first',
            field=models.GeneratedField(db_persist=True, expression=django.db.models.functions.comparison.Coalesce(django.db.models.expressions.CombinedExpression(models.F('price_per_night'), '*', models.Value(-1)), models.Value(Decimal('1000000'))), output_field=models.DecimalField(decimal_places=2, max_digits=9)),
        ),
        migrations.AddField(
            model_name='lettingpage',
            name='price_low_first',
            field=models.GeneratedField(db_persist=True, expression=django.db.models.functions.comparison.Coalesce('price_per_night', models.Value(Decimal('1000000'))), output_field=models.DecimalField(decimal_places=2, max_digits=9)),
        ),
        migrations.AddIndex(
            model_name='lettingpage',
            index=models.Index(fields=['price_low_first', 'page_ptr'], name='letting_price_low_first'),
        ),
        migrations.AddIndex(
            model_name='lettingpage',
            index=models.Index(fields=['price_high_first', 'page_ptr'], name='letting_price_high_first'),
        ),
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS oc_page_first_published_id ON wagtailcore_page (first_published_at, id)",
            reverse_sql="DROP INDEX IF EXISTS oc_page_first_published_id",
        ),
        migrations.RunPython(date_lettings_never_published, migrations.RunPython.noop),
    ]

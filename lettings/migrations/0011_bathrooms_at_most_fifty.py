"""Bathrooms at most 50, like every other count of a home (validation only: no column changes)."""

import django.core.validators
import lettings.models
from django.db import migrations, models


class Migration(migrations.Migration):
    """Add the upper bound to the bathrooms field's validators."""

    dependencies = [
        ('lettings', '0010_listing_sorts'),
    ]

    operations = [
        migrations.AlterField(
            model_name='lettingpage',
            name='bathrooms',
            field=models.DecimalField(blank=True, decimal_places=1, help_text='Halves allowed: 1.5 is a full bathroom and a half bathroom (a toilet and a basin).', max_digits=3, null=True, validators=[django.core.validators.MinValueValidator(0, 'The number of bathrooms cannot be negative.'), django.core.validators.MaxValueValidator(50, 'This is more than any home we let: check the number.'), lettings.models.half_steps]),
        ),
    ]

"""Enquiries, their e-mails, and the enquiry settings."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    """Create the enquiries' tables."""

    initial = True

    dependencies = [
        ('lettings', '0011_bathrooms_at_most_fifty'),
        ('wagtailcore', '0097_baselogentry_uuid_action_timestamp_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Enquiry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('letting_title', models.CharField(help_text='As it was when the enquiry came in.', max_length=255)),
                ('name', models.CharField(max_length=100)),
                ('email', models.EmailField(max_length=254, verbose_name='e-mail')),
                ('phone', models.CharField(blank=True, max_length=30)),
                ('check_in', models.DateField()),
                ('check_out', models.DateField()),
                ('guests', models.PositiveSmallIntegerField()),
                ('message', models.TextField(max_length=2000)),
                ('consented_at', models.DateTimeField(help_text='When the visitor agreed to the privacy notice.')),
                ('created_at', models.DateTimeField(auto_now_add=True, db_index=True)),
                ('status', models.CharField(choices=[('new', 'New'), ('answered', 'Answered'), ('closed', 'Closed')], db_index=True, default='new', max_length=10)),
                ('status_changed_at', models.DateTimeField(blank=True, editable=False, null=True)),
                ('letting', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='enquiries', to='lettings.lettingpage')),
                ('status_changed_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'enquiry',
                'verbose_name_plural': 'enquiries',
                'ordering': ['-created_at'],
            },
        ),
        migrations.CreateModel(
            name='EnquirySettings',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('company_email', models.EmailField(blank=True, help_text='Where new enquiries are sent. Empty: the address the site was deployed with (ENQUIRY_EMAIL).', max_length=254, verbose_name='company e-mail address')),
                ('privacy_page', models.ForeignKey(blank=True, help_text="The page that says what is done with a visitor's details; the enquiry form links to it.", null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='wagtailcore.page')),
            ],
            options={
                'verbose_name': 'enquiry settings',
            },
        ),
        migrations.CreateModel(
            name='EnquiryMail',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('to', models.EmailField(max_length=254)),
                ('subject', models.CharField(max_length=200)),
                ('body', models.TextField()),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('sent_at', models.DateTimeField(blank=True, null=True)),
                ('attempts', models.PositiveIntegerField(default=0)),
                ('last_error', models.CharField(blank=True, max_length=300)),
                ('enquiry', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='mails', to='enquiries.enquiry')),
            ],
            options={
                'verbose_name': 'enquiry e-mail',
                'verbose_name_plural': 'enquiry e-mails',
                'ordering': ['created_at'],
                'indexes': [models.Index(fields=['sent_at', 'created_at'], name='enquiry_mail_pending')],
            },
        ),
    ]

"""Count acknowledgements per mailbox, and take visitors' names out of the admins' history of enquiries."""

from django.db import migrations, models


def forget_names_in_history(apps, schema_editor):
    """Rewrite the labels the admins' logs copied from enquiries ("Ann Guest about ...") without the name."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_type = ContentType.objects.filter(app_label="enquiries", model="enquiry").first()
    if content_type is None:
        return
    for entry in apps.get_model("wagtailcore", "ModelLogEntry").objects.filter(content_type=content_type):
        entry.label = f"Enquiry {entry.object_id}"
        entry.save(update_fields=["label"])
    for entry in apps.get_model("admin", "LogEntry").objects.filter(content_type=content_type):
        entry.object_repr = f"Enquiry {entry.object_id}"
        entry.save(update_fields=["object_repr"])


def fill_mailboxes(apps, schema_editor):
    """Give the acknowledgements stored so far their mailbox, so they count against it."""
    for mail in apps.get_model("enquiries", "EnquiryMail").objects.filter(to=models.F("enquiry__email")):
        local, _, domain = mail.to.rpartition("@")
        mail.mailbox = f"{local.split('+', 1)[0]}@{domain}".lower()
        mail.save(update_fields=["mailbox"])


class Migration(migrations.Migration):
    """Add the mailbox field, fill it, and rewrite the logs' labels."""

    dependencies = [
        ("enquiries", "0003_throttle_in_the_database"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailcore", "0097_baselogentry_uuid_action_timestamp_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="enquirymail",
            name="mailbox",
            field=models.CharField(
                blank=True, db_index=True, help_text="The acknowledgement's mailbox (lower case, no +tag).", max_length=254
            ),
        ),
        migrations.RunPython(fill_mailboxes, migrations.RunPython.noop),
        migrations.RunPython(forget_names_in_history, migrations.RunPython.noop),
    ]

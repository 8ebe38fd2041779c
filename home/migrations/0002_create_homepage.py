"""Replace Wagtail's welcome page with the site's home page and make it the default site's root."""

from django.db import migrations

from core.migration_helpers import add_child_page, remove_page


def create_homepage(apps, schema_editor):
    """Delete the default welcome page (and its site), add the home page and a site for it."""
    content_type_model = apps.get_model("contenttypes", "ContentType")
    page_model = apps.get_model("wagtailcore", "Page")
    site_model = apps.get_model("wagtailcore", "Site")

    welcome_type = content_type_model.objects.filter(app_label="wagtailcore", model="page").first()
    if welcome_type is not None:
        page_model.objects.filter(content_type=welcome_type, slug="home", depth=2).delete()
    root = page_model.objects.get(depth=1)
    homepage = add_child_page(apps, root, "home", "HomePage", title="Welcome to Holiday Homes", slug="home")
    site_model.objects.filter(is_default_site=True).update(is_default_site=False)
    site_model.objects.create(
        hostname="localhost",
        port=80,
        site_name="Orange County Lettings",
        root_page_id=homepage.pk,
        is_default_site=True,
    )


def remove_homepage(apps, schema_editor):
    """Delete the home page; its site goes with it."""
    remove_page(apps, "home", "HomePage", "home")


class Migration(migrations.Migration):
    """Creates the home page and the default site."""

    dependencies = [("home", "0001_initial")]

    operations = [migrations.RunPython(create_homepage, remove_homepage)]

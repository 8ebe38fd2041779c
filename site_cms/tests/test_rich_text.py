"""Every rich-text field of every model is cleaned on save, whatever the path (issue 22, item 4).

The paths: a model saved by code (an import, a command, a factory), a revision saved or published
later, the data migration for what was saved before; the admins' own paths are tested beside them
(``lettings/tests/test_django_admin.py``, ``lettings/tests/test_wagtail_admin.py``). The partner API
writes nothing: it only shows what was saved, cleaned.
"""

import importlib

import pytest
from django.apps import apps
from django.db.models.signals import pre_save
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page, Revision

from home.models import HomePage
from lettings.models import LettingIndexPage, LettingPage
from pages.models import ContentPage
from profiles.models import ProfileIndexPage
from testing.factories import make_content_page, make_letting

HOSTILE = (
    '<p>Hello<script>alert(1)</script> <img src=x onerror="alert(2)"> <a href="javascript:alert(3)">there</a></p>'
    '<h2 onclick="alert(4)">Heading</h2>'
)
NEVER = ("<script", "alert(", "onerror", "onclick", "javascript:", "<img")


def assert_clean(value: str, field: RichTextField) -> None:
    """Fail unless ``value`` is ``HOSTILE`` cleaned to the field's features, its text kept."""
    for bad in NEVER:
        assert bad not in value, f"{field.model._meta.label}.{field.name} kept {bad!r}: {value!r}"
    assert "Hello" in value
    assert "there" in value
    assert ("<h2" in value) == ("h2" in (field.features or ["h2"]))


def all_rich_text_fields() -> list[RichTextField]:
    """Return every rich-text field of every installed model (Wagtail's own included)."""
    return [
        field
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, RichTextField) and field.model is model
    ]


def test_the_fields_the_issue_names_are_walked():
    names = {f"{field.model._meta.label}.{field.name}" for field in all_rich_text_fields()}
    assert {
        "lettings.LettingPage.body",
        "lettings.LettingPage.house_rules",
        "lettings.LettingIndexPage.intro",
        "pages.ContentPage.intro",
        "pages.ContentPage.body",
        "home.HomePage.intro",
        "profiles.ProfileIndexPage.intro",
    } <= names


@pytest.mark.django_db  # a page's defaults (its locale) and other receivers read the database
@pytest.mark.parametrize("field", all_rich_text_fields(), ids=lambda field: f"{field.model._meta.label}.{field.name}")
def test_every_rich_text_field_of_every_model_is_cleaned_before_it_is_saved(field):
    # The signal every save sends: a field added later is walked here and fails if it is not cleaned.
    instance = field.model()
    setattr(instance, field.attname, HOSTILE)
    pre_save.send(sender=field.model, instance=instance, raw=False, using="default", update_fields=None)
    assert_clean(getattr(instance, field.attname), field)


def test_no_stream_field_holds_rich_text_the_cleaning_would_miss():
    # The cleaning reads RichTextFields; a StreamField's RichTextBlocks would need it too.
    streams = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, StreamField)
    ]
    assert streams == [], "clean the RichTextBlocks of these StreamFields in core.rich_text, then update this test"


@pytest.mark.django_db
def test_pages_saved_by_code_are_cleaned_in_the_row_and_in_their_revisions(lettings_index, home_page, profiles_index):
    # As an import or a management command writes them.
    letting = make_letting(lettings_index, body=HOSTILE, house_rules=HOSTILE)
    content_page = make_content_page(intro=HOSTILE, body=HOSTILE)
    for page in (lettings_index, home_page, profiles_index):
        page.intro = HOSTILE
        page.save_revision().publish()
    for page in (letting, content_page, lettings_index, home_page, profiles_index):
        row = type(page).objects.get(pk=page.pk)
        revision = row.latest_revision
        for field in row._meta.concrete_fields:
            if isinstance(field, RichTextField):
                assert_clean(getattr(row, field.attname), field)
                assert_clean(revision.content[field.name], field)


@pytest.mark.django_db
def test_a_draft_saved_by_code_is_cleaned_and_so_is_a_hostile_revision_when_published(lettings_index):
    letting = make_letting(lettings_index)
    letting.body = HOSTILE  # a draft: the row keeps the live body
    revision = letting.save_revision()
    revision.refresh_from_db()
    body_field = LettingPage._meta.get_field("body")
    assert_clean(revision.content["body"], body_field)
    # A revision written before this cleaning existed (update() sends no signal) is cleaned as it goes live.
    Revision.objects.filter(pk=revision.pk).update(content={**revision.content, "body": HOSTILE})
    Revision.objects.get(pk=revision.pk).publish()
    assert_clean(LettingPage.objects.get(pk=letting.pk).body, body_field)


@pytest.mark.django_db
def test_the_partner_api_shows_cleaned_house_rules(client, lettings_index):
    letting = make_letting(lettings_index, house_rules=HOSTILE)
    response = client.get(f"/api/v2/pages/{letting.pk}/")
    assert response.status_code == 200
    assert "Hello" in response.text
    for bad in NEVER:
        assert bad not in response.text


@pytest.mark.django_db
def test_the_data_migrations_clean_existing_rows_and_revisions(lettings_index, home_page, profiles_index):
    letting = make_letting(lettings_index)
    content_page = make_content_page()
    kept = letting.body  # as the editor stored it: left exactly as it is
    # Saved before the cleaning existed: update() sends no signal.
    LettingPage.objects.filter(pk=letting.pk).update(house_rules=HOSTILE)
    Revision.objects.filter(pk=letting.latest_revision_id).update(
        content={**letting.latest_revision.content, "house_rules": HOSTILE}
    )
    ContentPage.objects.filter(pk=content_page.pk).update(intro=HOSTILE, body=HOSTILE)
    for model in (LettingIndexPage, HomePage, ProfileIndexPage):
        model.objects.update(intro=HOSTILE)
    for module in (
        "lettings.migrations.0012_clean_rich_text",
        "pages.migrations.0002_clean_rich_text",
        "home.migrations.0005_clean_rich_text",
        "profiles.migrations.0004_clean_rich_text",
    ):
        importlib.import_module(module).clean(apps, None)

    letting = LettingPage.objects.get(pk=letting.pk)
    assert letting.body == kept
    assert_clean(letting.house_rules, LettingPage._meta.get_field("house_rules"))
    assert_clean(letting.latest_revision.content["house_rules"], LettingPage._meta.get_field("house_rules"))
    content_page = ContentPage.objects.get(pk=content_page.pk)
    assert_clean(content_page.intro, ContentPage._meta.get_field("intro"))
    assert_clean(content_page.body, ContentPage._meta.get_field("body"))
    for model in (LettingIndexPage, HomePage, ProfileIndexPage):
        assert_clean(model.objects.get().intro, model._meta.get_field("intro"))
    assert Page.objects.filter(pk=letting.pk).exists()

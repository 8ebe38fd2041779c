"""Helpers for data migrations: pages added to the tree without the live model's tree methods, rich text cleaned."""

PATH_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
STEP_LENGTH = 4


def path_step(number: int) -> str:
    """Encode a child position (1-based) as django-treebeard's four-character base-36 step."""
    digits = ""
    while number:
        number, remainder = divmod(number, len(PATH_ALPHABET))
        digits = PATH_ALPHABET[remainder] + digits
    return digits.rjust(STEP_LENGTH, "0")


def add_child_page(apps, parent, app_label: str, model_name: str, *, title: str, slug: str, **fields):
    """Create a live page of ``app_label.model_name`` as the last child of ``parent`` and return it.

    Historical models in migrations lack treebeard's ``add_child``, so this writes the
    materialised path, depth and URL path itself, as Wagtail's own project template does.
    """
    page_model = apps.get_model("wagtailcore", "Page")
    content_type_model = apps.get_model("contenttypes", "ContentType")
    locale_model = apps.get_model("wagtailcore", "Locale")
    model = apps.get_model(app_label, model_name)

    content_type, _created = content_type_model.objects.get_or_create(app_label=app_label, model=model_name.lower())
    last_child = (
        page_model.objects.filter(path__startswith=parent.path, depth=parent.depth + 1).order_by("-path").first()
    )
    position = int(last_child.path[-STEP_LENGTH:], 36) + 1 if last_child else 1
    page = model.objects.create(
        title=title,
        draft_title=title,
        slug=slug,
        content_type=content_type,
        path=parent.path + path_step(position),
        depth=parent.depth + 1,
        numchild=0,
        url_path=f"{parent.url_path}{slug}/",
        live=True,
        locale=locale_model.objects.get(pk=parent.locale_id),
        **fields,
    )
    children = page_model.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
    page_model.objects.filter(pk=parent.pk).update(numchild=children.count())
    return page


def remove_page(apps, app_label: str, model_name: str, slug: str) -> None:
    """Delete the pages of ``app_label.model_name`` with ``slug`` and fix their parents' child counts."""
    page_model = apps.get_model("wagtailcore", "Page")
    for page in apps.get_model(app_label, model_name).objects.filter(slug=slug):
        parent_path = page.path[:-STEP_LENGTH]
        page_model.objects.filter(path__startswith=page.path).delete()
        parent = page_model.objects.get(path=parent_path)
        children = page_model.objects.filter(path__startswith=parent_path, depth=parent.depth + 1)
        page_model.objects.filter(pk=parent.pk).update(numchild=children.count())


def set_show_in_menus(apps, app_label: str, model_name: str, value: bool) -> None:
    """Set "show in menus" on every page of ``app_label.model_name``, in the live row and the latest revision.

    The Wagtail editor opens a page from its latest revision: changing only the row would be undone
    by the next publish.
    """
    model = apps.get_model(app_label, model_name)
    revision_model = apps.get_model("wagtailcore", "Revision")
    for page in model.objects.all():
        model.objects.filter(pk=page.pk).update(show_in_menus=value)
        if page.latest_revision_id is not None:
            revision = revision_model.objects.get(pk=page.latest_revision_id)
            revision.content = {**revision.content, "show_in_menus": value}
            revision.save(update_fields=["content"])


def clean_rich_text(apps, app_label: str, model_name: str, features_by_field: dict[str, list[str]]) -> int:
    """Clean rich-text fields of every row of ``app_label.model_name`` and of every revision of it; return the count.

    ``features_by_field`` names each rich-text field with the editor features it had when the
    migration was written (historical fields do not keep them). Rows and revisions are written only
    where cleaning changes something, with ``update()`` (no signal). A revision's child objects are
    left as they are: no child model of the project has rich text.
    """
    from core.rich_text import clean_html  # the conversion itself: Wagtail's, not a historical model

    model = apps.get_model(app_label, model_name)
    names = list(features_by_field)
    changed = 0
    for pk, *values in model.objects.values_list("pk", *names).iterator():
        cleaned = {name: clean_html(value, features_by_field[name]) for name, value in zip(names, values, strict=True)}
        updates = {name: value for (name, value), old in zip(cleaned.items(), values, strict=True) if value != old}
        if updates:
            model.objects.filter(pk=pk).update(**updates)
            changed += 1
    content_type = apps.get_model("contenttypes", "ContentType").objects.filter(
        app_label=app_label, model=model_name.lower()
    )
    revision_model = apps.get_model("wagtailcore", "Revision")
    for revision in revision_model.objects.filter(content_type__in=content_type).only("pk", "content").iterator():
        content = revision.content
        if not isinstance(content, dict):
            continue
        cleaned = {
            **content,
            **{
                name: clean_html(content[name], features)
                for name, features in features_by_field.items()
                if isinstance(content.get(name), str)
            },
        }
        if cleaned != content:
            revision_model.objects.filter(pk=revision.pk).update(content=cleaned)
            changed += 1
    return changed

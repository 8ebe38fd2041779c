"""A Sphinx extension that draws the data model from the Django models at build time, so it cannot drift.

``.. model-diagram::`` becomes a Graphviz diagram of the project's models: each model with its
fields, and an edge for every foreign key, one-to-one link and gallery relation.
"""

from django.apps import apps
from django.db import models
from docutils.parsers.rst import Directive
from sphinx.ext.graphviz import graphviz

MODELS = (
    "lettings.Address",
    "lettings.Amenity",
    "lettings.BookedPeriod",
    "lettings.CalendarFeed",
    "lettings.LettingIndexPage",
    "lettings.LettingPage",
    "lettings.LettingPageGalleryImage",
    "profiles.Profile",
    "profiles.ProfileIndexPage",
    "home.HomePage",
    "auth.User",
    "wagtailcore.Page",
    "wagtailimages.Image",
)
SHOWN_INHERITED = {"wagtailcore.Page": ("title", "slug", "path", "live", "first_published_at")}
EXTRA_USER_FIELDS = ("username", "first_name", "last_name", "email", "password", "is_staff", "is_superuser")


def _label(model) -> str:
    """Return ``app_label.ModelName``."""
    return f"{model._meta.app_label}.{model.__name__}"


def _fields(model) -> list[str]:
    """Return "name: type" lines of the fields a model declares itself (a chosen few for library models)."""
    label = _label(model)
    if label == "auth.User":
        names = EXTRA_USER_FIELDS
    elif label in SHOWN_INHERITED:
        names = SHOWN_INHERITED[label]
    elif label == "wagtailimages.Image":
        names = ("title", "file", "width", "height")
    else:
        names = [field.name for field in model._meta.local_fields if not field.auto_created or field.primary_key]
        names = [name for name in names if name != "page_ptr"]
    lines = []
    for name in names:
        field = model._meta.get_field(name)
        kind = field.get_internal_type()
        suffix = " (unique)" if getattr(field, "unique", False) and not field.primary_key else ""
        lines.append(f"{name}: {kind}{suffix}")
    return lines


def build_dot() -> str:
    """Return the Graphviz source of the data model."""
    chosen = [apps.get_model(label) for label in MODELS]
    labels = {_label(model) for model in chosen}
    out = [
        "digraph models {",
        '  graph [rankdir=TB, fontname="Helvetica"];',
        '  node [shape=record, fontname="Helvetica", fontsize=10];',
        '  edge [fontname="Helvetica", fontsize=9];',
    ]
    for model in chosen:
        body = "\\l".join(line.replace("|", "/") for line in _fields(model)) + "\\l"
        out.append(f'  "{_label(model)}" [label="{{{model.__name__}|{body}}}"];')
    for model in chosen:
        for field in model._meta.local_fields:
            if not isinstance(field, models.ForeignKey) or _label(field.related_model) not in labels:
                continue
            if field.name == "page_ptr":
                out.append(f'  "{_label(model)}" -> "{_label(field.related_model)}" [style=dashed, label="is a"];')
                continue
            kind = "one-to-one" if isinstance(field, models.OneToOneField) else "many-to-one"
            out.append(f'  "{_label(model)}" -> "{_label(field.related_model)}" [label="{field.name} ({kind})"];')
        for field in model._meta.local_many_to_many:
            target = _label(field.related_model)
            if target in labels:
                out.append(f'  "{_label(model)}" -> "{target}" [label="{field.name} (many-to-many)"];')
    out.append("}")
    return "\n".join(out)


class ModelDiagram(Directive):
    """The ``model-diagram`` directive: a Graphviz node built from the models."""

    has_content = False

    def run(self):
        """Return the diagram node."""
        node = graphviz()
        node["code"] = build_dot()
        node["options"] = {}
        node["alt"] = "Data model of the Orange County Lettings site"
        return [node]


def setup(app):
    """Register the directive."""
    app.add_directive("model-diagram", ModelDiagram)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

"""Rich text is cleaned to what the Wagtail editor allows, on every save, whatever the path.

Every ``RichTextField`` of every model (and the same fields inside a revision's content) is cleaned
before it is saved, by a ``pre_save`` receiver connected for all models (``core.apps``): the Wagtail
admin, the Django admin, a management command, a data import, a revision published later. A field
added later is covered without a line of code; ``site_cms/tests/test_rich_text.py`` walks every
model's rich-text fields and fails on one that is not cleaned.

Cleaning is Wagtail's own conversion, the one its Draftail editor runs when a page is opened and
saved again: the stored HTML is read into the editor's content model (blocks, inline styles,
entities) with the field's features only, then written back as database HTML. Whatever the editor
cannot hold (``<script>``, ``onerror=``, ``style=``, ``javascript:`` links, a ``<h2>`` in a field
without headings) cannot come out; what the editor wrote comes out unchanged. Two steps come first,
because that conversion expects well-formed HTML: Wagtail's ``Whitelister`` (BeautifulSoup) parses
the input into a well-formed tree, and the elements whose content is never text for a reader
(``<script>``, ``<style>``, ...) are removed with their content. Internal links keep their page id
without a database query (the conversion writes back only the id); an id that is not a number makes
the link plain text.

Left out: ``QuerySet.update()`` and ``bulk_create()`` send no signal. No code of the project writes
rich text that way; a data migration cleans with :func:`clean_html` itself
(``core.migration_helpers.clean_rich_text``).
"""

import logging
from functools import cache

from bs4 import BeautifulSoup, Tag
from django.db.models import Model
from django.db.models.signals import pre_save
from django.utils.html import escape
from modelcluster.models import get_all_child_relations
from wagtail.admin.rich_text.converters.contentstate import ContentstateConverter
from wagtail.admin.rich_text.converters.html_to_contentstate import PageLinkElementHandler
from wagtail.fields import RichTextField
from wagtail.models import Revision
from wagtail.rich_text import features as feature_registry
from wagtail.whitelist import Whitelister, check_url

logger = logging.getLogger(__name__)

# Elements whose content is code, data or another document, never text a reader should see.
DROPPED_WITH_CONTENT = frozenset(
    {"script", "style", "template", "noscript", "iframe", "object", "svg", "math", "textarea", "select"}
    | {"title", "head"}
)
MAX_PASSES = 3  # extra conversions at most, until the output is stable (whitespace at odd places takes two)


class _Tidier(Whitelister):
    """Wagtail's whitelister, keeping every element and attribute: it only makes the HTML well-formed.

    The conversion that follows decides what stays. Here go: comments, elements that hold no reader's
    text (with their content), link addresses Wagtail would refuse (``javascript:``, ``data:``), and the
    link type of an internal link whose page id is not a number.
    """

    def clean_tag_node(self, doc, tag) -> None:
        """Drop a script-like element with its content; keep any other, its children tidied."""
        if tag.name in DROPPED_WITH_CONTENT:
            tag.decompose()
            return
        for child in list(tag.contents):
            self.clean_node(doc, child)
        if tag.name == "a":
            if "href" in tag.attrs and (not isinstance(tag["href"], str) or check_url(tag["href"]) is None):
                del tag["href"]
            if tag.get("linktype") == "page" and not _is_page_id(tag.get("id")):
                del tag["linktype"]

    def tidy(self, html: str) -> BeautifulSoup:
        """Return ``html`` parsed (as Wagtail's whitelister parses it) and tidied."""
        doc = BeautifulSoup(html, "html.parser")
        self.clean_node(doc, doc)
        return doc


def _is_page_id(value) -> bool:
    """Tell whether an attribute value is a page id: ASCII digits only (``int()`` would take "²" or " 1")."""
    return isinstance(value, str) and value.isascii() and value.isdigit()


def _html_of(node) -> str:
    """Return a parsed node as HTML, text escaped as Wagtail's whitelister writes it."""
    return node.decode(formatter=escape) if isinstance(node, Tag) else escape(str(node))


class _PageLinkById(PageLinkElementHandler):
    """Read an internal link's page id as it is, as Wagtail does for a deleted page: no query."""

    def get_attribute_data(self, attrs: dict) -> dict:
        """Return the link's page id; the database HTML written back holds nothing else."""
        return {"id": int(attrs["id"]), "url": None, "parentId": None}


def _converter(features: tuple[str, ...]) -> ContentstateConverter:
    """Return a new Draftail converter for ``features``, internal links read without a query.

    One per conversion: the converter keeps the state of the HTML it reads.
    """
    converter = ContentstateConverter(list(features))
    for rules in converter.html_to_contentstate_handler.element_handlers.element_rules.values():
        for position, (priority, check, handler) in enumerate(rules):
            if type(handler) is PageLinkElementHandler:
                rules[position] = (priority, check, _PageLinkById(handler.entity_type))
    return converter


def _convert(html: str, features: tuple[str, ...]) -> str | None:
    """Return ``html`` through the editor's conversion, or None where the conversion cannot map its structure."""
    converter = _converter(features)
    try:
        return converter.to_database_format(converter.from_database_format(html))
    except Exception:  # Wagtail's converter asserts on structures the editor never writes (<b><p>, a lone <li>)
        return None


def _convert_pieces(nodes, features: tuple[str, ...]) -> str:
    """Convert each node alone; a node the conversion cannot read is replaced by its children, converted alike."""
    converted = []
    for node in nodes:
        html = _convert(_html_of(node), features)
        if html is None:
            html = _convert_pieces(list(node.contents), features) if isinstance(node, Tag) else ""
        converted.append(html)
    return "".join(converted)


def clean_html(html: str | None, features: list[str] | tuple[str, ...] | None = None) -> str | None:
    """Return ``html`` as the Wagtail editor would store it with ``features`` (None: Wagtail's default features).

    HTML whose structure the editor's conversion cannot read as a whole (an inline element around a
    paragraph, a list item outside a list) is converted piece by piece: what cannot be read loses its
    element, never its text.
    """
    if not html or not html.strip():
        return html
    features = tuple(feature_registry.get_default_features() if features is None else features)
    doc = _Tidier().tidy(html)
    converted = _convert(_html_of(doc), features)
    if converted is None:
        logger.info("Rich text converted piece by piece: its structure is not one the editor writes")
        pieces = _convert_pieces(list(doc.contents), features)
        # Once more as a whole, as the editor would store the pieces (adjacent lists become one).
        converted = _convert(pieces, features) or pieces
    # Once more until nothing changes (the editor's own output: at once), so that cleaning clean text
    # changes nothing: a revision made from a cleaned page then holds exactly the page's text.
    for _ in range(MAX_PASSES):
        again = _convert(converted, features)
        if again is None or again == converted:
            break
        converted = again
    return converted


@cache
def rich_text_fields(model: type[Model]) -> tuple[RichTextField, ...]:
    """Return the model's rich-text fields (its own and inherited)."""
    return tuple(field for field in model._meta.concrete_fields if isinstance(field, RichTextField))


def clean_instance(instance: Model, update_fields=None) -> None:
    """Clean the instance's rich-text fields in place (those in ``update_fields``, when given)."""
    for field in rich_text_fields(type(instance)):
        if update_fields is not None and field.name not in update_fields:
            continue
        value = getattr(instance, field.attname)
        if isinstance(value, str):
            setattr(instance, field.attname, clean_html(value, field.features))


def clean_serialized(model: type[Model], data: dict) -> dict:
    """Return serialized ``data`` of ``model`` (a revision's content) with its rich text cleaned, children too."""
    cleaned = dict(data)
    for field in rich_text_fields(model):
        if isinstance(cleaned.get(field.name), str):
            cleaned[field.name] = clean_html(cleaned[field.name], field.features)
    for relation in get_all_child_relations(model):
        name = relation.get_accessor_name()
        if isinstance(cleaned.get(name), list):
            cleaned[name] = [
                clean_serialized(relation.related_model, child) if isinstance(child, dict) else child
                for child in cleaned[name]
            ]
    return cleaned


def clean_revision(revision: Revision) -> None:
    """Clean the rich text in the revision's content, read with the model it is a revision of."""
    model = revision.content_type.model_class() if revision.content_type_id else None
    if model is not None and isinstance(revision.content, dict):
        revision.content = clean_serialized(model, revision.content)


def clean_rich_text_before_save(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    """Clean the rich text of whatever is about to be saved: a model's fields, or a revision's content.

    Connected for every model. Migrations' historical models (module ``__fake__``) are left alone:
    their fields do not know the editor's features, and a data migration cleans explicitly.
    """
    if sender.__module__ == "__fake__":
        return
    if issubclass(sender, Revision):
        if update_fields is None or "content" in update_fields:
            clean_revision(instance)
        return
    clean_instance(instance, update_fields)


def connect() -> None:
    """Clean rich text before every save of every model (called once, when the apps are ready)."""
    pre_save.connect(clean_rich_text_before_save, dispatch_uid="core.rich_text.clean")

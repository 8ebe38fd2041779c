"""The partner API's endpoints: published, public lettings (``pages``) and their photos (``images``).

Both are Wagtail API v2 endpoints, narrowed for anonymous partners:

* **What is listed.** Only :class:`~lettings.models.LettingPage` rows that are live and public
  (no view restriction on them or an ancestor, whoever asks: a session or a password entered on the
  site changes nothing), and only images in the gallery of such a letting. A draft, a restricted
  letting or an image used by nothing public is a 404, in the listing as in the detail.
* **What is shown.** The fields named in :mod:`api.serializers`, never a model's whole row.
* **Filters.** The listing's own form, :class:`lettings.forms.LettingFilterForm`: its fields are
  the query parameters (read from the form, so a new filter works here without an edit), it checks
  them (an invalid value is a 400 with the form's errors as JSON) and it narrows and sorts the rows.
  The property type is ``property_type``. ``type`` keeps Wagtail API v2's meaning on ``pages``, in
  the listing and the detail: page models (``lettings.LettingPage``, or ``wagtailcore.Page`` above
  it, list the lettings; another page model, none), and Wagtail's 400 "type doesn't exist" for a
  name that is no page model.
* **Read-only and anonymous.** GET and HEAD only (anything else is a 405), no authentication,
  JSON only (the site's Content-Security-Policy has no room for the browsable API's scripts).
* **Errors.** An unknown parameter, a malformed ``limit``, ``offset``, ``fields`` or ``id`` is a
  400 with a ``message``; an id no row has, however large, is a 404. Never a 500.
* **Cache.** Listings and details take part in the page cache like pages (:mod:`pagecache`): each
  response declares the parameters it used, in their one canonical spelling (``limit=10``, not
  ``010``; ``fields`` sorted; ``type`` only as ``lettings.LettingPage``), so a request written
  another way, or carrying a parameter nothing reads (``_``), is served but never stored. A
  listing with no item is stored only when it was asked for without any parameter, so made-up
  filter values (cities, offsets past the end) fill no cache entries. Publishing, unpublishing or
  restricting a letting clears the cache as for pages.
"""

import re

from django.db.models import Prefetch
from django.http import Http404
from django.urls import path, re_path
from django.utils import timezone
from rest_framework import status
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from wagtail.api import APIField
from wagtail.api.v2.pagination import WagtailPagination
from wagtail.api.v2.utils import BadRequestError, page_models_from_string, parse_fields_parameter
from wagtail.api.v2.views import BaseAPIViewSet
from wagtail.images import get_image_model
from wagtail.models import Site

from core.converters import MAX_ID
from lettings.forms import LettingFilterForm
from lettings.models import BookedPeriod, LettingIndexPage, LettingPage, LettingPageGalleryImage
from pagecache.cache import TRACKING_PARAMETERS, declare_query, declare_uncacheable, per_generation, request_query
from pagecache.middleware import cacheable

from .serializers import (
    AddressSerializer,
    AmenitySerializer,
    BookedPeriodSerializer,
    FactsSerializer,
    PageUrlField,
    PhotoSerializer,
    rendition_fields,
)

# What every endpoint reads besides its filters; ``_`` is jQuery's cache-buster: accepted, never stored.
COMMON_PARAMETERS = frozenset(["fields", "_", *TRACKING_PARAMETERS])
LISTING_PARAMETERS = COMMON_PARAMETERS | {"limit", "offset"}
WAGTAIL_TYPE = "type"  # Wagtail API v2's page model filter, never the property type (``property_type``)
DIGITS = re.compile(r"[0-9]+")
MAX_ID_DIGITS = len(str(MAX_ID))


class FilterError(Exception):
    """The filter form refused the query: its errors go back to the partner as JSON."""

    def __init__(self, form: LettingFilterForm):
        super().__init__("invalid filter")
        self.form = form


class JSONOnly(BaseContentNegotiation):
    """Always answer JSON, whatever ``Accept`` says: the page cache keys responses without it."""

    def select_parser(self, request, parsers):
        """Return no parser: the API reads no request body."""
        return None

    def select_renderer(self, request, renderers, format_suffix=None):
        """Return the first (only) renderer, JSON."""
        return renderers[0], renderers[0].media_type


class RecordedPagination(WagtailPagination):
    """Wagtail's ``limit``/``offset`` pagination, bounded, remembering the values it used (the cache keys by them)."""

    def paginate_queryset(self, queryset, request, view=None):
        """Return the rows of the page and note ``limit`` and ``offset`` as numbers written plainly."""
        offset = request.GET.get("offset", "")
        # Past 2**31 - 1 no table has rows, and past 2**63 the databases refuse the number (a 500).
        if DIGITS.fullmatch(offset) and (len(offset) > MAX_ID_DIGITS or int(offset) > MAX_ID):
            raise BadRequestError(f"offset cannot be higher than {MAX_ID}")
        rows = super().paginate_queryset(queryset, request, view)
        # Wagtail has checked both: they are whole numbers, so int() cannot fail here.
        self.used = {name: str(int(request.GET[name])) for name in ("limit", "offset") if name in request.GET}
        if self.used.get("offset") == "0":
            del self.used["offset"]  # the first page has one key: ?offset=0 is served, not stored again
        return rows


def canonical_fields(config: list[tuple]) -> str:
    """Return a parsed ``fields`` parameter in its one spelling: ``*`` or ``_`` first, then the names sorted.

    ``fields=title,slug`` and ``fields=slug,title,slug`` give the same response; only ``slug,title``
    is stored in the page cache.
    """
    head = [config[0][0]] if config and config[0][0] in ("*", "_") else []
    names = {("-" if negated else "") + name for name, negated, _sub in config[len(head) :]}
    return ",".join(head + sorted(names, key=lambda name: (name.lstrip("-"), name)))


class PartnerAPIViewSet(BaseAPIViewSet):
    """What both endpoints share: anonymous, read-only, JSON, strict parameters, page-cache declarations."""

    renderer_classes = [JSONRenderer]
    content_negotiation_class = JSONOnly
    parser_classes = []
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = []
    http_method_names = ["get", "head"]
    pagination_class = RecordedPagination
    api_fields: list = []  # the endpoint's own fields (never a model's ``api_fields``)
    meta_fields = ["type", "detail_url"]

    # Fields -------------------------------------------------------------------------------------

    @classmethod
    def get_body_fields(cls, model):
        """Return the fields this endpoint names, whatever ``api_fields`` the model may grow."""
        return cls._convert_api_fields(["id", *cls.api_fields])

    @classmethod
    def get_meta_fields(cls, model):
        """Return the meta fields this endpoint names (type, detail URL)."""
        return cls._convert_api_fields(cls.meta_fields)

    @classmethod
    def get_listing_default_fields(cls, model):
        """Return every field: a partner syncing lettings wants all of them from the listing."""
        return cls.get_available_fields(model)

    def fields_config(self) -> list[tuple]:
        """Return the parsed ``fields`` parameter (empty without one); nested fields are refused."""
        if "fields" not in self.request.GET:
            return []
        try:
            config = parse_fields_parameter(self.request.GET["fields"])
        except ValueError as error:
            raise BadRequestError(f"fields error: {error}") from error
        nested = sorted(name for name, _negated, sub_fields in config if sub_fields)
        if nested:
            raise BadRequestError(f"fields error: nested fields are not supported ({', '.join(nested)})")
        return config

    def get_serializer_class(self):
        """Return the serializer of the requested fields, for the listing's model or the detail's object."""
        show_details = self.action != "listing_view"
        model = type(self.get_object()) if show_details else self.model
        return self._get_serializer_class(
            self.request.wagtailapi_router, model, self.fields_config(), show_details=show_details
        )

    # Requests -----------------------------------------------------------------------------------

    def known_parameters(self) -> frozenset[str]:
        """Return the query parameters the current action reads."""
        return LISTING_PARAMETERS if self.action == "listing_view" else COMMON_PARAMETERS

    def initial(self, request, *args, **kwargs):
        """Refuse, before any query, a parameter the action does not read or a value with a null character."""
        super().initial(request, *args, **kwargs)
        if request.method.lower() not in self.http_method_names:
            return  # dispatch answers 405, whatever the parameters
        if any("\x00" in text for name, values in request.GET.lists() for text in (name, *values)):
            raise BadRequestError("query parameters cannot contain null characters")
        if self.action == "find_view":
            return  # its other parameters are passed on to the detail it redirects to, which checks them
        unknown = set(request.GET) - self.known_parameters()
        if unknown:
            raise BadRequestError(
                f"query parameter is not an operation or a recognised field: {', '.join(sorted(unknown))}"
            )

    def check_query_parameters(self, queryset) -> None:
        """Do nothing: :meth:`initial` checked the parameters against what this endpoint reads."""

    def handle_exception(self, exc):
        """Answer a filter the form refused with a 400 and the form's errors."""
        if isinstance(exc, FilterError):
            data = {"message": "invalid filter", "errors": exc.form.errors.get_json_data()}
            return Response(data, status=status.HTTP_400_BAD_REQUEST)
        return super().handle_exception(exc)

    def get_object(self):
        """Return the row of the URL's id; an id no column can hold is a 404 (SQLite would overflow)."""
        pk = self.kwargs["pk"]
        if len(pk) > MAX_ID_DIGITS or int(pk) > MAX_ID:
            raise Http404("not found")
        return super().get_object()

    def find_object(self, queryset, request):
        """Return the row of ``?id=``; an id that is not a whole number is a 400, one no row has a 404."""
        if "id" not in request.GET:
            return None
        value = request.GET["id"]
        if not DIGITS.fullmatch(value):
            raise BadRequestError("id must be a positive whole number")
        if len(value) > MAX_ID_DIGITS or int(value) > MAX_ID:
            return None
        return queryset.filter(pk=int(value)).first()

    # Page cache ---------------------------------------------------------------------------------

    def used_parameters(self) -> dict:
        """Return the parameters, besides filters, pagination and ``fields``, that every action read (none here)."""
        return {}

    def declare(self, used: dict, *, empty: bool = False) -> None:
        """Tell the page cache which parameters the response used, in canonical spelling.

        The response is stored only when the request's own query is exactly this (see
        :func:`pagecache.cache.declare_query`). An empty listing asked for with parameters is
        never stored: nothing bounds the values that find nothing.
        """
        # The page cache reads Django's request: DRF's wrapper would keep the declaration to itself.
        request = self.request._request
        used = {**used, **self.used_parameters()}
        config = self.fields_config()
        if config:
            used = {**used, "fields": canonical_fields(config)}
        if empty and request_query(request):
            declare_uncacheable(request)
        else:
            declare_query(request, used)

    def detail_view(self, request, pk):
        """Return one row; the path's id is stored only when written without leading zeros."""
        response = super().detail_view(request, pk)
        if pk == str(int(pk)):
            self.declare({})
        else:
            declare_uncacheable(request._request)
        return response

    def paginated(self, queryset, used: dict) -> Response:
        """Return the page of ``queryset`` the request asks for, declaring ``used`` and the pagination."""
        rows = list(self.paginate_queryset(queryset))
        serializer = self.get_serializer(rows, many=True)
        self.declare({**used, **self.paginator.used}, empty=not rows)
        return self.get_paginated_response(serializer.data)

    @classmethod
    def get_urlpatterns(cls):
        """Return the listing, detail and find URLs; the first two may be stored by the page cache."""
        return [
            path("", cacheable(cls.as_view({"get": "listing_view"})), name="listing"),
            # Digits of any length: a huge id is this view's JSON 404, not a page lookup's.
            re_path(r"^(?P<pk>[0-9]+)/$", cacheable(cls.as_view({"get": "detail_view"})), name="detail"),
            path("find/", cls.as_view({"get": "find_view"}), name="find"),
        ]


def public_lettings():
    """Return the lettings an anonymous visitor may open: live, and under no view restriction."""
    return LettingPage.objects.live().public()


class LettingsAPIViewSet(PartnerAPIViewSet):
    """``/api/v2/pages/``: published, public lettings with their facts, address, amenities, photos and bookings."""

    name = "pages"
    model = LettingPage
    find_query_parameters = frozenset(["id", "html_path"])  # read by the find view, not passed on to the detail
    api_fields = [
        "title",
        "slug",
        APIField("url", serializer=PageUrlField()),
        "summary",
        APIField("facts", serializer=FactsSerializer(source="*", read_only=True)),
        APIField("address", serializer=AddressSerializer(read_only=True)),
        APIField("amenities", serializer=AmenitySerializer(many=True, read_only=True)),
        APIField("photos", serializer=PhotoSerializer(source="gallery_images", many=True, read_only=True)),
        APIField(
            "booked_periods",
            serializer=BookedPeriodSerializer(source="upcoming_booked_periods", many=True, read_only=True),
        ),
    ]

    def known_parameters(self) -> frozenset[str]:
        """Return the common parameters and Wagtail's ``type``, and on the listing every field of the filter form."""
        known = super().known_parameters() | {WAGTAIL_TYPE}
        return (known | frozenset(LettingFilterForm.base_fields)) if self.action == "listing_view" else known

    def lettings_are_of_the_type(self) -> bool:
        """Read Wagtail's ``type`` as Wagtail does: whether the lettings are of a page model it names.

        ``lettings.LettingPage`` or ``wagtailcore.Page`` (comma-separated names too, in any case)
        keep every letting; another page model keeps none (this endpoint lists lettings only); a
        name that is no page model is Wagtail's 400 "type doesn't exist".
        """
        value = self.request.GET.get(WAGTAIL_TYPE, "")
        if not value:
            return True
        try:
            models = page_models_from_string(value)
        except (LookupError, ValueError) as error:
            raise BadRequestError("type doesn't exist") from error
        return any(issubclass(LettingPage, model) for model in models)

    def used_parameters(self) -> dict:
        """Return ``type`` when it is written as the API names the lettings' type: the one spelling the cache keeps."""
        value = self.request.GET.get(WAGTAIL_TYPE)
        return {WAGTAIL_TYPE: value} if value == LettingPage._meta.label else {}

    def get_queryset(self):
        """Return the public lettings of Wagtail's ``type``, with everything the serializer reads.

        In a fixed number of queries, however many rows.
        """
        if not self.lettings_are_of_the_type():
            return LettingPage.objects.none()
        upcoming = BookedPeriod.objects.filter(end__gt=timezone.localdate()).order_by("start")
        gallery = LettingPageGalleryImage.objects.select_related("image").prefetch_related("image__renditions")
        return (
            public_lettings()
            .select_related("address")
            .prefetch_related(
                "amenities",
                Prefetch("gallery_images", queryset=gallery),
                Prefetch(
                    "booked_periods",
                    queryset=upcoming.only("letting", "start", "end"),
                    to_attr="upcoming_booked_periods",
                ),
            )
        )

    def listing_view(self, request):
        """Return a page of lettings, filtered and sorted by the listing's form."""
        # The amenities the form offers, read once per content generation, as the listing does.
        amenity_choices = per_generation(request, "amenity-choices", LettingIndexPage.amenity_choices)
        form = LettingFilterForm(request.GET, amenity_choices=amenity_choices)
        if not form.is_valid():
            raise FilterError(form)
        order = form.order_field
        tie = "-pk" if order.startswith("-") else "pk"
        lettings = form.filter(self.get_queryset()).order_by(order, tie)
        return self.paginated(lettings, form.canonical_params())

    def find_object(self, queryset, request):
        """Return the letting at ``?html_path=`` (a path on the site: ``/lettings/green-haus/``) or of ``?id=``."""
        if "html_path" in request.GET:
            site = Site.find_for_request(request)
            if site is None:
                return None
            components = [component for component in request.GET["html_path"].split("/") if component]
            try:
                page, _args, _kwargs = site.root_page.specific.route(request, components)
            except Http404:
                return None
            return queryset.filter(pk=page.pk).first()
        return super().find_object(queryset, request)


def public_images():
    """Return the images in the gallery of a live, public letting (an image nothing public uses is not one)."""
    shown = LettingPageGalleryImage.objects.filter(page__in=public_lettings()).values("image_id")
    return get_image_model().objects.filter(pk__in=shown)


class PhotosAPIViewSet(PartnerAPIViewSet):
    """``/api/v2/images/``: the photos of published, public lettings, as renditions (never the original file)."""

    name = "images"
    model = get_image_model()
    api_fields = [
        "title",
        "width",
        "height",
        *(APIField(name, serializer=field) for name, field in rendition_fields("*").items()),
    ]

    def get_queryset(self):
        """Return the public photos with their renditions, by id."""
        return public_images().prefetch_related("renditions").order_by("pk")

    def listing_view(self, request):
        """Return a page of photos."""
        return self.paginated(self.get_queryset(), {})

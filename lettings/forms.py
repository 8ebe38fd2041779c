"""The visitor's filter form on the lettings listing (``?check_in=2026-12-12&check_out=2026-12-15&guests=4``).

One form holds the rules of finding a letting, for the listing and for the partner API: which
parameters exist, what each accepts (with a clear message when it does not), how each narrows the
lettings, how the results are sorted, and the canonical form of each value, which the page cache
keys pages by (a value written another way, such as ``guests=04``, is served but never stored).

The property type is ``property_type`` (``?property_type=cabin``), never ``type``: the partner API
reads these same parameters, and there ``type`` keeps Wagtail API v2's meaning, a page model.
"""

import datetime
import string
from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from .choices import PROPERTY_TYPES
from .us_states import US_STATE_NAMES, US_STATES

DATE_FORMAT = "%Y-%m-%d"
BOOKING_HORIZON_DAYS = 730  # how far ahead a stay may start: calendars are kept two years ahead
LONGEST_STAY_NIGHTS = 90
MOST_GUESTS = 50
MOST_BEDROOMS = 50
HIGHEST_PRICE = 100_000

# Sort choices: URL value, label, and the keyset order (a field, "-" for descending; ties by id).
SORTS = {
    "": ("Title (A to Z)", "title"),
    "price": ("Price (lowest first)", "price_low_first"),
    "-price": ("Price (highest first)", "price_high_first"),
    "newest": ("Newest first", "-first_published_at"),
}


def date_field(label: str) -> forms.DateField:
    """Return a date field that reads the ISO dates a browser's date picker sends."""
    return forms.DateField(
        label=label,
        required=False,
        input_formats=[DATE_FORMAT],
        error_messages={"invalid": "Enter a date as year-month-day, such as 2026-12-24."},
    )


def count_field(label: str, most: int, *, least: int = 1) -> forms.IntegerField:
    """Return a whole-number field from ``least`` to ``most`` with messages a visitor understands."""
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=least,
        max_value=most,
        error_messages={
            "invalid": "Enter a whole number.",
            "min_value": f"Enter {least} or more.",
            "max_value": f"Enter at most {most}.",
        },
    )


def day_label(day: datetime.date) -> str:
    """Return "Dec 12" for a day of this year, "Jan 3, 2028" for another year's."""
    label = f"{day:%b} {day.day}"
    return label if day.year == timezone.localdate().year else f"{label}, {day.year}"


@dataclass(frozen=True)
class Chip:
    """One active filter, as the listing shows it: a label and the query string without it."""

    label: str
    remove_query: str


class LettingFilterForm(forms.Form):
    """Filters and sorts the listing; unknown or impossible values give a form error, never a crash.

    ``amenity_choices`` is the list of ``(id, name)`` of every amenity; the listing passes a copy it
    keeps per content generation, other callers let the form read it.
    """

    check_in = date_field("Check-in")
    check_out = date_field("Check-out")
    guests = count_field("Guests", MOST_GUESTS)
    bedrooms = count_field("Bedrooms (at least)", MOST_BEDROOMS)
    price_min = count_field("Price per night from ($)", HIGHEST_PRICE, least=0)
    price_max = count_field("Price per night up to ($)", HIGHEST_PRICE, least=1)
    amenity = forms.MultipleChoiceField(
        label="Amenities",
        required=False,
        error_messages={"invalid_choice": "“%(value)s” is not one of the amenities listed."},
    )
    pets = forms.BooleanField(label="Pets allowed", required=False)
    # Not ``type``: the partner API takes these parameters, and there ``type`` is Wagtail's page model.
    property_type = forms.ChoiceField(
        label="Type of home",
        choices=[("", "Any type"), *PROPERTY_TYPES],
        required=False,
        error_messages={"invalid_choice": "“%(value)s” is not a type of home we let. Choose one from the list."},
    )
    state = forms.ChoiceField(
        choices=[("", "Any state"), *US_STATES],
        required=False,
        error_messages={"invalid_choice": "“%(value)s” is not a US state code. Choose a state from the list."},
    )
    city = forms.CharField(max_length=64, required=False, strip=True)
    sort = forms.ChoiceField(
        label="Sort by",
        choices=[(value, label) for value, (label, _order) in SORTS.items()],
        required=False,
        error_messages={"invalid_choice": "“%(value)s” is not a way to sort lettings."},
    )

    def __init__(self, *args, amenity_choices: list[tuple[int, str]] | None = None, **kwargs):
        """Bind the form and give the amenity field its choices (read from the database unless given)."""
        super().__init__(*args, **kwargs)
        if amenity_choices is None:
            from .models import Amenity  # the models import this module for their listing page

            amenity_choices = list(Amenity.objects.values_list("pk", "name"))
        self.fields["amenity"].choices = [(str(pk), name) for pk, name in amenity_choices]

    def full_clean(self) -> None:
        """Upper-case the submitted state before the choice check, so ``?state=ga`` works too."""
        if self.is_bound and "state" in self.data:
            data = self.data.copy()
            data["state"] = data["state"].strip().upper()
            self.data = data
        super().full_clean()

    def clean_check_in(self) -> datetime.date | None:
        """Refuse a check-in in the past or further ahead than calendars are kept."""
        check_in = self.cleaned_data.get("check_in")
        # The site's day is UTC's; in Hawaii it is still yesterday evening when UTC's day begins.
        today = timezone.localdate() - datetime.timedelta(days=1)
        if check_in is not None and check_in < today:
            raise forms.ValidationError("Check-in cannot be in the past.")
        if check_in is not None and check_in > today + datetime.timedelta(days=BOOKING_HORIZON_DAYS):
            raise forms.ValidationError("Choose a check-in within the next two years.")
        return check_in

    def clean_city(self) -> str:
        """Return the city with each word capitalised, the one spelling the page cache keys it by.

        The filter ignores case; without one canonical spelling, every mix of capitals would be a
        page of its own in the cache.
        """
        return string.capwords(self.cleaned_data.get("city", ""))

    def clean_amenity(self) -> list[str]:
        """Return each ticked amenity once, so a repeated parameter is no new filter."""
        return sorted(set(self.cleaned_data.get("amenity") or []), key=int)

    def clean(self) -> dict:
        """Check the rules between fields: both dates or neither, check-out after check-in, a sane price range."""
        cleaned = super().clean()
        check_in, check_out = cleaned.get("check_in"), cleaned.get("check_out")
        if check_in and not check_out and "check_out" not in self.errors:
            self.add_error("check_out", "Choose a check-out date as well.")
        elif check_out and not check_in and "check_in" not in self.errors:
            self.add_error("check_in", "Choose a check-in date as well.")
        elif check_in and check_out:
            nights = (check_out - check_in).days
            if nights < 1:
                self.add_error("check_out", "Check-out must be at least one day after check-in.")
            elif nights > LONGEST_STAY_NIGHTS:
                self.add_error("check_out", f"Stays are at most {LONGEST_STAY_NIGHTS} nights: get in touch for longer.")
        price_min, price_max = cleaned.get("price_min"), cleaned.get("price_max")
        if price_min is not None and price_max is not None and price_min > price_max:
            self.add_error("price_max", "The highest price must not be below the lowest.")
        return cleaned

    @property
    def nights(self) -> int | None:
        """Return the number of nights of the chosen stay, or None without dates."""
        check_in, check_out = self.cleaned_data.get("check_in"), self.cleaned_data.get("check_out")
        return (check_out - check_in).days if check_in and check_out else None

    def filter(self, lettings):
        """Return ``lettings`` narrowed to the cleaned filters (the form must be valid).

        A letting whose fact is unknown (no price, no guest count) is left out when that fact is
        filtered on: "under $200" cannot promise a home whose price is on request.
        """
        data = self.cleaned_data
        letting_model = lettings.model  # the models import this module: reach them through the queryset
        if self.nights is not None:
            booked = letting_model.booked_periods.rel.related_model.objects.filter(
                letting=OuterRef("pk"), start__lt=data["check_out"], end__gt=data["check_in"]
            )
            lettings = lettings.filter(~Exists(booked)).filter(
                Q(minimum_nights__isnull=True) | Q(minimum_nights__lte=self.nights)
            )
        if data.get("guests") is not None:
            lettings = lettings.filter(sleeps__gte=data["guests"])
        if data.get("bedrooms") is not None:
            lettings = lettings.filter(bedrooms__gte=data["bedrooms"])
        if data.get("price_min") is not None:
            lettings = lettings.filter(price_per_night__gte=data["price_min"])
        if data.get("price_max") is not None:
            lettings = lettings.filter(price_per_night__lte=data["price_max"])
        offered = letting_model.amenities.through.objects.filter(lettingpage=OuterRef("pk"))
        for amenity in data.get("amenity") or []:
            lettings = lettings.filter(Exists(offered.filter(amenity=int(amenity))))
        if data.get("pets"):
            lettings = lettings.filter(pets_allowed=True)
        if property_type := data.get("property_type"):
            lettings = lettings.filter(property_type=property_type)
        if state := data.get("state"):
            lettings = lettings.filter(address__state=state)
        if city := data.get("city"):
            lettings = lettings.filter(address__city__iexact=city)
        return lettings

    @property
    def order_field(self) -> str:
        """Return the field the chosen sort orders by (``-`` first for descending)."""
        sort = self.cleaned_data.get("sort", "") if self.is_bound and self.is_valid() else ""
        return SORTS[sort][1]

    def canonical_params(self) -> dict[str, str | list[str]]:
        """Return the valid filters and sort with each value in its one canonical spelling.

        These are the parameters links keep and the page cache keys by: dates in ISO form, numbers
        without leading zeros, ticked boxes as ``1``, amenities once each in id order.
        """
        if not self.is_bound or not self.is_valid():
            return {}
        params: dict[str, str | list[str]] = {}
        for name, value in self.cleaned_data.items():
            if value is None or value is False or value == "" or value == []:  # 0 is a value: "from $0"
                continue
            if isinstance(value, datetime.date):
                params[name] = value.strftime(DATE_FORMAT)
            elif value is True:
                params[name] = "1"
            elif isinstance(value, list):
                params[name] = value
            else:
                params[name] = str(value)
        return params

    def query_string(self, without: tuple[str, ...] = (), without_amenity: str | None = None) -> str:
        """Return the valid filters and sort as a query string, leaving out the names in ``without``."""
        params = {name: value for name, value in self.canonical_params().items() if name not in without}
        if without_amenity is not None:
            params["amenity"] = [value for value in params.get("amenity", []) if value != without_amenity]
        return urlencode(params, doseq=True)

    def chips(self) -> list[Chip]:
        """Return the active filters, each with the query string that removes it (the sort stays)."""
        params = self.canonical_params()
        data = self.cleaned_data if params else {}
        chips = []
        if "check_in" in params:
            stay = f"{day_label(data['check_in'])} to {day_label(data['check_out'])}"
            chips.append(Chip(stay, self.query_string(without=("check_in", "check_out"))))
        labels = {
            "guests": lambda value: f"{value} guest{'s' if value != 1 else ''}",
            "bedrooms": lambda value: f"{value}+ bedroom{'s' if value != 1 else ''}",
            "price_min": lambda value: f"From ${value:,} a night",
            "price_max": lambda value: f"Up to ${value:,} a night",
        }
        for name, label in labels.items():
            if name in params:
                chips.append(Chip(label(data[name]), self.query_string(without=(name,))))
        names = dict(self.fields["amenity"].choices)
        for amenity in params.get("amenity", []):
            chips.append(Chip(names[amenity], self.query_string(without_amenity=amenity)))
        if "pets" in params:
            chips.append(Chip("Pets allowed", self.query_string(without=("pets",))))
        if "property_type" in params:
            chips.append(
                Chip(dict(PROPERTY_TYPES)[data["property_type"]], self.query_string(without=("property_type",)))
            )
        if "state" in params:
            chips.append(Chip(US_STATE_NAMES[data["state"]], self.query_string(without=("state",))))
        if "city" in params:
            chips.append(Chip(data["city"], self.query_string(without=("city",))))
        return chips

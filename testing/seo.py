"""What tests read of a page's head: its meta tags and links, and its JSON-LD, checked against the vocabulary used.

:func:`check_json_ld` is a small validator for the schema.org types this site emits: each object's
``@type`` must be one of them, each property one that schema.org gives that type, each value of the
kind schema.org expects (a number is a JSON number, a URL absolute on the site's public address,
a time ``HH:MM:SS``), and the properties Google requires must be there.
"""

import json
import re
from dataclasses import dataclass, field
from io import StringIO

from bs4 import BeautifulSoup
from django.core.management import call_command

PUBLIC = "https://www.oc-lettings.com"
TIME = re.compile(r"^\d{2}:\d{2}:\d{2}$")

# Kinds of values: "text", "number", "integer", "boolean", "time", "url", or a schema.org type (an object).
# A tuple ("url",) means one value or a list of them.
VOCABULARY: dict[str, dict[str, object]] = {
    "VacationRental": {
        "name": "text",
        "identifier": "text",
        "url": "url",
        "additionalType": "text",
        "image": ("url",),
        "description": "text",
        "latitude": "number",
        "longitude": "number",
        "address": "PostalAddress",
        "checkinTime": "time",
        "checkoutTime": "time",
        "containsPlace": "Accommodation",
    },
    "Accommodation": {
        "additionalType": "text",
        "occupancy": "QuantitativeValue",
        "numberOfBedrooms": "integer",
        "numberOfBathroomsTotal": "integer",
        "numberOfFullBathrooms": "integer",
        "numberOfPartialBathrooms": "integer",
        "bed": "BedDetails",
        "floorSize": "QuantitativeValue",
        "amenityFeature": ("LocationFeatureSpecification",),
    },
    "QuantitativeValue": {"value": "number", "unitCode": "text"},
    "BedDetails": {"numberOfBeds": "integer"},
    "LocationFeatureSpecification": {"name": "text", "value": "boolean"},
    "PostalAddress": {
        "streetAddress": "text",
        "addressLocality": "text",
        "addressRegion": "text",
        "postalCode": "text",
        "addressCountry": "text",
    },
    "BreadcrumbList": {"itemListElement": ("ListItem",)},
    "ListItem": {"position": "integer", "name": "text", "item": "url"},
    "WebSite": {"name": "text", "url": "url", "publisher": "reference", "potentialAction": "SearchAction"},
    "SearchAction": {"target": "EntryPoint", "query-input": "text"},
    "EntryPoint": {"urlTemplate": "url"},
    "Organization": {"name": "text", "url": "url", "logo": "url", "description": "text"},
}
# What Google's documentation requires of each type (vacation rentals, breadcrumbs, sitelinks search box, logo).
REQUIRED: dict[str, set[str]] = {
    "VacationRental": {"name", "identifier", "image", "latitude", "longitude", "containsPlace"},
    "Accommodation": {"occupancy"},
    "QuantitativeValue": {"value"},
    "BreadcrumbList": {"itemListElement"},
    "ListItem": {"position", "name", "item"},
    "WebSite": {"url", "potentialAction"},
    "SearchAction": {"target", "query-input"},
    "EntryPoint": {"urlTemplate"},
    "Organization": {"url", "logo"},
}


@dataclass
class Head:
    """The tags of a page's ``<head>`` that search engines and link previews read."""

    description: str | None
    canonical: str | None
    properties: dict[str, str] = field(default_factory=dict)  # og:* (``property=``)
    names: dict[str, str] = field(default_factory=dict)  # twitter:* and others (``name=``)
    json_ld: list[dict] = field(default_factory=list)

    def urls(self) -> list[str]:
        """Return every URL the tags give (canonical, og:url, og:image, twitter:image)."""
        found = [self.canonical, self.properties.get("og:url"), self.properties.get("og:image")]
        return [url for url in [*found, self.names.get("twitter:image")] if url]


def read_head(html: str) -> Head:
    """Return the description, canonical link, meta properties and names, and JSON-LD of a page."""
    head = BeautifulSoup(html, "html.parser").head
    descriptions = head.select('meta[name="description"]')
    canonicals = head.select('link[rel="canonical"]')
    assert len(descriptions) <= 1, "a page has one meta description at most"
    assert len(canonicals) <= 1, "a page has one canonical link at most"
    return Head(
        description=descriptions[0]["content"] if descriptions else None,
        canonical=canonicals[0]["href"] if canonicals else None,
        properties={tag["property"]: tag["content"] for tag in head.select("meta[property]")},
        names={tag["name"]: tag["content"] for tag in head.select("meta[name]")},
        json_ld=[json.loads(script.string) for script in head.select('script[type="application/ld+json"]')],
    )


def _check_value(kind, value, root_url: str, where: str, problems: list[str]) -> None:
    """Add to ``problems`` what is wrong with one value of the expected ``kind``."""
    if isinstance(kind, tuple):
        for item in value if isinstance(value, list) else [value]:
            _check_value(kind[0], item, root_url, where, problems)
        return
    checks = {
        "text": lambda v: isinstance(v, str) and v.strip(),
        "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
        "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "boolean": lambda v: isinstance(v, bool),
        "time": lambda v: isinstance(v, str) and TIME.match(v),
        "url": lambda v: isinstance(v, str) and v.startswith(f"{root_url}/"),
        "reference": lambda v: isinstance(v, dict) and set(v) == {"@id"} and v["@id"].startswith(f"{root_url}/"),
    }
    if kind in checks:
        if not checks[kind](value):
            problems.append(f"{where}: {value!r} is not a {kind}" + (f" on {root_url}" if kind == "url" else ""))
    elif not isinstance(value, dict) or value.get("@type") != kind:
        problems.append(f"{where}: expected a {kind} object, got {value!r}")
    else:
        _check_object(value, root_url, where, problems)


def _check_object(node: dict, root_url: str, where: str, problems: list[str]) -> None:
    """Add to ``problems`` what is wrong with one schema.org object and, recursively, its values."""
    kind = node.get("@type")
    if kind not in VOCABULARY:
        problems.append(f"{where}: unknown @type {kind!r}")
        return
    if "@id" in node and not str(node["@id"]).startswith(f"{root_url}/"):
        problems.append(f"{where}.@id: {node['@id']!r} is not on {root_url}")
    missing = REQUIRED.get(kind, set()) - set(node)
    if missing:
        problems.append(f"{where} ({kind}): missing required {sorted(missing)}")
    for name, value in node.items():
        if name in ("@type", "@id", "@context"):
            continue
        if name not in VOCABULARY[kind]:
            problems.append(f"{where}.{name}: not a property of {kind} here")
            continue
        _check_value(VOCABULARY[kind][name], value, root_url, f"{where}.{name}", problems)


def check_json_ld(node: dict, root_url: str) -> list[str]:
    """Return what is wrong with a top-level JSON-LD object (empty when it is valid)."""
    problems = []
    if node.get("@context") != "https://schema.org":
        problems.append(f"@context is {node.get('@context')!r}, not https://schema.org")
    _check_object(node, root_url, node.get("@type", "?"), problems)
    return problems


def json_ld_of_type(head: Head, kind: str) -> dict:
    """Return the page's one JSON-LD object of ``kind``."""
    found = [node for node in head.json_ld if node.get("@type") == kind]
    assert len(found) == 1, f"expected one {kind} in {head.json_ld}"
    return found[0]


def use_public_address(settings, url: str = PUBLIC) -> str:
    """Point the default Wagtail site at ``url`` as the release phase does (``sync_site``); return ``url``.

    ``attacker.example`` becomes an allowed host, as a careless ``ALLOWED_HOSTS`` would make it: a
    test asks with it to show that no URL follows the request's ``Host``.
    """
    settings.PUBLIC_BASE_URL = url
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "attacker.example"]
    call_command("sync_site", stdout=StringIO())
    return url

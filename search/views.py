"""The public search page: lettings and profiles matching every word of the query.

Matching is done with the ORM (case-insensitive substring on each field) rather than a search
index, for three reasons a visitor notices: part of a word finds a city ("Brun" finds Brunswick),
a change to an address or a user shows in results at once (an index entry of a letting page is not
refreshed when its address snippet changes), and the same query behaves the same on SQLite and
PostgreSQL. The query is reduced to at most ``MAX_TERMS`` words of letters and digits, so quotes,
operators and SQL-looking input are plain text and can never fail the page.
"""

import logging
import re
from dataclasses import dataclass
from functools import reduce
from operator import and_, or_
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Q
from django.template.response import TemplateResponse

from lettings.models import LettingPage
from profiles.models import Profile, ProfileIndexPage

logger = logging.getLogger(__name__)

MAX_QUERY_LENGTH = 200
MAX_TERMS = 8
RESULTS_PER_PAGE = 10
WORD = re.compile(r"\w+", re.UNICODE)

LETTING_FIELDS = (
    "title",
    "summary",
    "address__street",
    "address__city",
    "address__state",
    "address__zip_code",
)
PROFILE_FIELDS = ("user__username", "user__first_name", "user__last_name", "favorite_city")


@dataclass(frozen=True)
class SearchResult:
    """One line of the results: what it is, its title, where it links and a short description."""

    kind: str
    title: str
    url: str
    description: str


def search_terms(query: str) -> list[str]:
    """Return the words of ``query`` that the search matches, at most ``MAX_TERMS`` of them."""
    return WORD.findall(query[:MAX_QUERY_LENGTH])[:MAX_TERMS]


def matching(queryset, fields: tuple[str, ...], terms: list[str]):
    """Narrow ``queryset`` to rows where every term appears in at least one of ``fields``."""
    per_term = (reduce(or_, (Q(**{f"{field}__icontains": term}) for field in fields)) for term in terms)
    return queryset.filter(reduce(and_, per_term))


class CombinedResults:
    """Lettings then profiles, as one sequence that a paginator can count and slice lazily."""

    def __init__(self, request, lettings, profiles, profile_index):
        """Keep the two querysets; nothing is fetched until a page of results is sliced."""
        self.request = request
        self.lettings = lettings
        self.profiles = profiles
        self.profile_index = profile_index
        self.letting_count = lettings.count()
        self.profile_count = profiles.count() if profile_index is not None else 0

    def __len__(self) -> int:
        """Return the number of results of both kinds."""
        return self.letting_count + self.profile_count

    def __getitem__(self, window: slice) -> list[SearchResult]:
        """Return the results in ``window``, fetching only the rows it covers."""
        start, stop = window.start or 0, window.stop
        results = []
        if start < self.letting_count:
            for letting in self.lettings[start : min(stop, self.letting_count)]:
                results.append(self._letting_result(letting))
        first_profile, last_profile = max(start - self.letting_count, 0), stop - self.letting_count
        if last_profile > 0 and self.profile_index is not None:
            for profile in self.profiles[first_profile:last_profile]:
                results.append(self._profile_result(profile))
        return results

    def _letting_result(self, letting: LettingPage) -> SearchResult:
        """Describe a letting as a search result."""
        place = letting.address.city_line if letting.address else ""
        return SearchResult("Letting", letting.title, letting.get_url(self.request), letting.summary or place)

    def _profile_result(self, profile: Profile) -> SearchResult:
        """Describe a profile as a search result."""
        description = f"Favourite city: {profile.favorite_city}" if profile.favorite_city else ""
        return SearchResult(
            "Profile", profile.user.username, self.profile_index.profile_url(profile, self.request), description
        )


def search(request):
    """Render the search page for ``?q=`` (and ``?page=``); any input gives a normal page."""
    query = request.GET.get("q", "").strip()
    terms = search_terms(query)
    results = None
    if terms:
        lettings = matching(LettingPage.objects.live().select_related("address"), LETTING_FIELDS, terms)
        profiles = matching(Profile.objects.select_related("user"), PROFILE_FIELDS, terms)
        profile_index = ProfileIndexPage.objects.live().first()
        combined = CombinedResults(
            request,
            lettings.order_by("title", "pk"),
            profiles.order_by("user__username"),
            profile_index,
        )
        results = Paginator(combined, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
        logger.debug("Search %r: %s results", terms, len(combined))
    elif query:
        logger.info("Search query without any word: %r", query[:MAX_QUERY_LENGTH])
    return TemplateResponse(
        request,
        "search/search.html",
        {
            "search_query": query[:MAX_QUERY_LENGTH],
            "search_terms": terms,
            "search_results": results,
            "pagination_query": urlencode({"q": query[:MAX_QUERY_LENGTH]}),
        },
    )

"""The public search page: lettings and profiles matching every word of the query.

Matching is done with the ORM (case-insensitive substring on each field) rather than a search
index, for three reasons a visitor notices: part of a word finds a city ("Brun" finds Brunswick),
a change to an address or a user shows in results at once (an index entry of a letting page is not
refreshed when its address snippet changes), and the same query behaves the same on SQLite and
PostgreSQL. The query is reduced to at most ``MAX_TERMS`` words of letters and digits, so quotes,
operators and SQL-looking input are plain text and can never fail the page.

Those words are the query, in one spelling (:func:`canonical_query`): ASCII capitals lowered (the
match ignores their case on both databases), each word once, sorted (every word must match, in any
order). The page shows and links that spelling, and the page cache keys the search by it
(:func:`pagecache.cache.canonical_parameter`, from ``SearchConfig.ready``): ``?q=Haus Green!``,
``?q=green haus`` and ``?q=haus,,green`` are one stored page, not three.
"""

import logging
import re
from dataclasses import dataclass
from functools import reduce
from operator import and_, or_
from urllib.parse import urlencode

from django.db.models import Q
from django.template.response import TemplateResponse

from core.pagination import keyset_page
from lettings.models import LettingPage
from pagecache.cache import declare_query, declare_uncacheable
from pagecache.middleware import cacheable
from profiles.models import Profile, ProfileIndexPage

logger = logging.getLogger(__name__)

MAX_QUERY_LENGTH = 200
MAX_TERMS = 8
RESULTS_PER_PAGE = 10
WORD = re.compile(r"\w+", re.UNICODE)
# Only ASCII capitals: SQLite's LIKE ignores the case of those alone, so lowering others could change results.
ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")

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
    """One line of the results: what it is, its title, where it links, a short description, its row's key."""

    kind: str
    title: str
    url: str
    description: str
    pk: int


def search_terms(query: str) -> list[str]:
    """Return the words of ``query`` that the search matches, in one spelling, at most ``MAX_TERMS`` of them.

    ASCII capitals lowered, each word once (the first ``MAX_TERMS`` different ones), sorted: the
    same rows match as for the words as typed, in any order and any number of times.
    """
    words: list[str] = []
    for word in WORD.findall(query.strip()[:MAX_QUERY_LENGTH]):
        word = word.translate(ASCII_LOWER)
        if word not in words:
            words.append(word)
            if len(words) == MAX_TERMS:
                break
    return sorted(words)


def canonical_query(query: str) -> str:
    """Return the one spelling of the search ``query``: its words joined by spaces.

    A query without any word is returned stripped and cut to ``MAX_QUERY_LENGTH``: its page ("type
    a word") is never stored, and an empty one is the search page without a query.
    """
    terms = search_terms(query)
    return " ".join(terms) if terms else query.strip()[:MAX_QUERY_LENGTH]


def matching(queryset, fields: tuple[str, ...], terms: list[str]):
    """Narrow ``queryset`` to rows where every term appears in at least one of ``fields``."""
    per_term = (reduce(or_, (Q(**{f"{field}__icontains": term}) for field in fields)) for term in terms)
    return queryset.filter(reduce(and_, per_term))


def letting_result(letting: LettingPage, request) -> SearchResult:
    """Describe a letting as a search result."""
    place = letting.address.city_line if letting.address else ""
    return SearchResult("Letting", letting.title, letting.get_url(request), letting.summary or place, letting.pk)


def profile_result(profile: Profile, profile_index: ProfileIndexPage, request) -> SearchResult:
    """Describe a profile as a search result."""
    description = f"Favourite city: {profile.favorite_city}" if profile.favorite_city else ""
    url = profile_index.profile_url(profile, request)
    return SearchResult("Profile", profile.user.username, url, description, profile.pk)


@cacheable
def search(request):
    """Render the search page for ``?q=``: matching lettings, then matching profiles, each paged on its own.

    Each kind has its own cursor (``lettings_after``, ``profiles_after``, ...), and no total is
    counted: a page of results costs the same with ten lettings or a hundred thousand. The page
    shows, links and declares the query's one spelling only, so every spelling may get it.
    """
    query = canonical_query(request.GET.get("q", ""))
    terms = search_terms(query)
    base_query = urlencode({"q": query})
    lettings = profiles = None
    if terms:
        lettings = keyset_page(
            matching(LettingPage.objects.live().public().select_related("address"), LETTING_FIELDS, terms),
            request.GET,
            order_field="title",
            per_page=RESULTS_PER_PAGE,
            base_query=base_query,
            prefix="lettings_",
        )
        lettings.rows = [letting_result(letting, request) for letting in lettings.rows]
        profile_index = ProfileIndexPage.objects.live().public().first()
        # An index outside the site's root page (a superuser moved the root) has no URL: no profiles then.
        if profile_index is not None and profile_index.get_url(request) is not None:
            profiles = keyset_page(
                matching(Profile.objects.select_related("user"), PROFILE_FIELDS, terms),
                request.GET,
                order_field="user__username",
                per_page=RESULTS_PER_PAGE,
                base_query=base_query,
                prefix="profiles_",
            )
            profiles.rows = [profile_result(profile, profile_index, request) for profile in profiles.rows]
    elif query:
        logger.info("Search query without any word: %r", query)
    if query and not lettings and not profiles:
        declare_uncacheable(request)  # made-up words would each store a page saying "nothing found"
    else:
        declare_query(
            request, {"q": query, **(lettings.cursor if lettings else {}), **(profiles.cursor if profiles else {})}
        )
    return TemplateResponse(
        request,
        "search/search.html",
        {
            "search_query": query,
            "search_terms": terms,
            "letting_results": lettings,
            "profile_results": profiles,
            "any_result": bool(lettings) or bool(profiles),
        },
    )

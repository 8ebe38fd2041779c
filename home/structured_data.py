"""The site as search engines read it from the home page: a ``WebSite`` with its search box, and the company.

The ``WebSite``'s ``SearchAction`` tells a search engine how to search the site (``/search/?q=``);
the ``Organization`` names the company behind it, with its logo. Both are plain data on the site's
public address; ``home_seo_tags`` renders them as JSON-LD.
"""

SEARCH_TERM = "search_term_string"  # the placeholder Google's documentation uses in the URL template


def organization_id(root_url: str) -> str:
    """Return the node identifier of the company, which the ``WebSite`` points at as its publisher."""
    return f"{root_url}/#organization"


def organization(root_url: str, name: str, logo_url: str, description: str) -> dict:
    """Return the company as a schema.org ``Organization``."""
    return {
        "@context": "https://schema.org",
        "@type": "Organization",
        "@id": organization_id(root_url),
        "name": name,
        "url": f"{root_url}/",
        "logo": logo_url,
        "description": description,
    }


def website(root_url: str, name: str, search_path: str) -> dict:
    """Return the site as a schema.org ``WebSite`` whose ``SearchAction`` opens ``search_path?q=<terms>``."""
    return {
        "@context": "https://schema.org",
        "@type": "WebSite",
        "@id": f"{root_url}/#website",
        "name": name,
        "url": f"{root_url}/",
        "publisher": {"@id": organization_id(root_url)},
        "potentialAction": {
            "@type": "SearchAction",
            "target": {"@type": "EntryPoint", "urlTemplate": f"{root_url}{search_path}?q={{{SEARCH_TERM}}}"},
            "query-input": f"required name={SEARCH_TERM}",
        },
    }

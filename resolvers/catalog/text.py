"""Text rules of the catalog: sanitised descriptions and the keyword-search normal form."""

from __future__ import annotations

import re
import unicodedata

import nh3

# What a product description may contain: formatting, lists, tables, images and links.
# Everything else (script, style, iframes, event handlers, javascript: URLs) is dropped by
# nh3 (the Rust `ammonia` sanitiser), which parses the HTML the way a browser does.
DESCRIPTION_TAGS = frozenset(
    {
        "p", "br", "span", "div", "strong", "b", "em", "i", "u", "s", "del", "sub", "sup",
        "h2", "h3", "h4", "ul", "ol", "li", "blockquote", "hr", "a", "img", "figure",
        "figcaption", "table", "thead", "tbody", "tr", "th", "td",
    }
)  # fmt: skip
DESCRIPTION_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}
DESCRIPTION_URL_SCHEMES = frozenset({"http", "https"})

_SPACES = re.compile(r"\s+")


def sanitize_description(html: str) -> str:
    return nh3.clean(
        html,
        tags=DESCRIPTION_TAGS,
        attributes=DESCRIPTION_ATTRIBUTES,
        url_schemes=DESCRIPTION_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    ).strip()


def normalise(text: str) -> str:
    """The search normal form: NFKC (full-width Ｗｏｏｌ is Wool), case-folded, single spaces."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()


def search_text(*, title: str, subtitle: str) -> str:
    return normalise(f"{title} {subtitle}")


MAX_KEYWORD_LENGTH = 64
MAX_KEYWORD_TERMS = 5


def keyword_terms(keyword: str) -> list[str]:
    """Whitespace-separated terms, each of which must occur in a match (in any order)."""
    terms: list[str] = []
    for term in normalise(keyword).split(" "):
        if term and term not in terms:
            terms.append(term)
    return terms[:MAX_KEYWORD_TERMS]


def query_grams(terms: list[str]) -> list[str]:
    """Grams that every document containing all `terms` has in `ms_search_grams(...)`.

    A term's bigrams (its single character when it is one character long); the database
    function indexes every unigram and bigram of the text without spaces.
    """
    grams: set[str] = set()
    for term in terms:
        if len(term) == 1:
            grams.add(term)
        else:
            grams.update(term[i : i + 2] for i in range(len(term) - 1))
    return sorted(grams)

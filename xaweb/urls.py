"""The URL vocabulary: every path word xaweb itself puts into a site's addresses.

Ground floor: imports nothing of xaweb. The content model, the planner, the
templates' data and the Q&A endpoint all spell these from here, so a word
changes in one place.
"""

from __future__ import annotations

TAGS_DIR = "the"  # /the/<tag>/: tag pages
SITEMAP_DIR = "so-do-trang"  # /so-do-trang/: the HTML sitemap
PAGINATION_DIR = "trang"  # /tin-tuc/trang/2/: further pages of a list

QUESTIONS_SECTION = "hoi-dap"  # answered citizen questions, and the question form
RATINGS_SECTION = "danh-gia"  # satisfaction ratings, and the rating form
PRIVACY_SECTION = "chinh-sach-du-lieu"  # data-processing notices
THANKS_SLUG = "da-gui"  # /hoi-dap/da-gui/: "sent" page after a form post without JavaScript
PRIVACY_SLUG = "hoi-dap"  # /chinh-sach-du-lieu/hoi-dap/: the Q&A form's privacy notice

SEARCH_DIR = "tim-kiem"  # /tim-kiem/: the search page and its index

RESERVED_TOP = frozenset({TAGS_DIR, SITEMAP_DIR, SEARCH_DIR})  # generated top-level folders no section may take


def tag_url(slug: str) -> str:
    return f"/{TAGS_DIR}/{slug}/"


def answer_slug(base: str, question_id: int) -> str:
    """A published answer's address in QUESTIONS_SECTION: `base`, its public title's slug, cut at a word,
    and its number (the build makes the page from the export; the endpoint's status lookup links to it)."""
    if len(base) > 60:
        base = base[:61].rsplit("-", 1)[0]
    return f"{base}-{question_id}" if base else f"cau-hoi-{question_id}"

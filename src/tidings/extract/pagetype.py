"""Page type: is a page an article, or a listing, an error page served with 200, a
bot challenge, a cookie wall or a paywall stub?

Rules over cheap signals (the page title and ``<h1>``, the extracted text and its
length, link texts, schema.org types), written so that a real article is almost never
rejected: every non-article verdict except ``listing`` needs a short main text as well
as the tell-tale phrase. The reasons are the ``NotAnArticle.reason`` labels.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from tidings.extract.structured import PageMeta

__all__ = [
    "PageSignals",
    "anchor_texts",
    "classify_page",
    "is_home_page",
    "linked_headings",
    "squash",
]

#: Main text shorter than this (characters) may be an error/challenge/consent/paywall page.
SHORT_TEXT = 1200
#: A link text shorter than this (letters and digits) is navigation, not a headline.
MIN_ANCHOR_CHARS = 8
#: Above this share of link-text lines, the page is a listing (index, section front).
MAX_LINK_TEXT_SHARE = 0.5
#: A short page with at least this many links of headline length is a listing.
MIN_HEADLINE_CHARS = 15
MIN_LISTING_HEADLINES = 8

_ERROR = re.compile(
    r"\b(?:404|410|500|502|503)\b.{0,40}(?:not found|error|gone|unavailable)"
    r"|(?:error|fehler|erreur|errore|error)\s*:?\s*(?:404|410|500|503)\b"
    r"|\bpage (?:not found|introuvable)|\bpage (?:you|you're|you are) looking for"
    r"|\bcan[’']?t be found|\bcannot be found|\bnothing was found|\bno longer available"
    r"|\bseite (?:wurde )?nicht gefunden|\bseite existiert nicht|\bnicht gefunden"
    r"|\bpágina no encontrada|\bpagina non trovata|\bpágina não encontrada"
    r"|\bpagina niet gevonden|\binternal server error|\bservice (?:temporarily )?unavailable"
    r"|ページが見つかりません|页面不存在|找不到页面|页面未找到",
    re.IGNORECASE,
)
_CHALLENGE = re.compile(
    r"\bjust a moment\b|\battention required\b|\bchecking (?:if the site connection|your browser)"
    r"|\bverify (?:that )?you are (?:a )?human|\bare you a robot|\bcaptcha\b|\bcf-ray\b"
    r"|\bcloudflare ray id|\bddos protection|\baccess (?:to this page has been )?denied"
    r"|\benable javascript and cookies to continue|\bunusual traffic|\bbot (?:detection|check)"
    r"|\bsecurity check\b|\byou have been blocked",
    re.IGNORECASE,
)
_CONSENT = re.compile(
    r"\bcookies?\b|\bconsent\b|\bprivacy (?:settings|preferences|policy)|\bour partners\b"
    r"|\baccept all\b|\breject all\b|\bmanage (?:preferences|choices|options)"
    r"|\bpersonali[sz]ed ads|\blegitimate interest|\beinwilligung\b|\bzustimm|\bakzeptieren\b"
    r"|\bdatenschutz|\bconsentement\b|\baccepter\b|\bconsenso\b|\bconsentimiento\b",
    re.IGNORECASE,
)
_CONSENT_HEADING = re.compile(
    r"\bbefore you continue\b|\bwe value your privacy|\byour privacy (?:choices|settings)"
    r"|\bprivacy (?:settings|preferences|center|centre)|\bcookie (?:settings|consent|policy)"
    r"|\bconsent\b|\bdatenschutzeinstellungen|\bzustimmung erforderlich|\bcookie-einstellungen"
    r"|\bvos choix concernant|\bgestion des cookies|\bpreferenze (?:cookie|privacy)",
    re.IGNORECASE,
)
_PAYWALL = re.compile(
    r"\bsubscribe (?:now |today )?to (?:continue|read|keep reading|unlock)"
    r"|\bfor subscribers only|\bsubscribers? only\b|\bsubscriber[- ]exclusive"
    r"|\blimit of free articles|\bfree articles? (?:this|per) month|\balready a subscriber"
    r"|\bto continue reading,? (?:please )?(?:subscribe|sign in|log in|register)"
    r"|\bunlimited (?:digital )?access\b|\bnur für abonnenten|\bjetzt weiterlesen"
    r"|\bweiterlesen mit\b|\bbereits abonnent|\bplus[- ]artikel|\bréservé aux abonnés"
    r"|\bdéjà abonné|\bcontenuto riservato agli abbonati|\bcontenido exclusivo para suscriptores",
    re.IGNORECASE,
)


_ASCII_NON_ALNUM = re.compile(r"[^a-z0-9]+")
#: Not a letter or digit; combining marks (accents after NFKD) are not ``\w`` either.
_NON_ALNUM = re.compile(r"[\W_]+")


def squash(text: str) -> str:
    """Lower-case letters and digits only, accents dropped (for comparing strings)."""
    folded = text.casefold()
    if folded.isascii():
        return _ASCII_NON_ALNUM.sub("", folded)
    return _NON_ALNUM.sub("", unicodedata.normalize("NFKD", folded))


def is_home_page(url: str | None) -> bool:
    """A site's front page (``/``, ``/index.html``) lists articles; it is not one."""
    if not url:
        return False
    try:
        path = urlsplit(url).path.lower()
    except ValueError:
        return False
    return path in ("", "/") or bool(re.fullmatch(r"/(index|default|home)\.\w+", path))


@dataclass(frozen=True)
class PageSignals:
    url: str | None
    title: str
    h1: str
    text: str
    #: squashed texts of the page's links of headline length
    anchors: frozenset[str]
    meta: PageMeta
    #: ``<h2>``-``<h4>`` headings that hold a link of headline length (teasers)
    linked_headings: int = 0
    #: the extraction candidates before boilerplate filtering (searched for phrases)
    raw_text: str = ""


def anchor_texts(tree: HtmlElement) -> frozenset[str]:
    """Squashed texts of the page's links long enough to be headlines."""
    texts = set()
    for anchor in tree.iter("a"):
        raw = anchor.text_content()
        if len(raw) < MIN_ANCHOR_CHARS:
            continue
        text = squash(raw)
        if len(text) >= MIN_ANCHOR_CHARS:
            texts.add(text)
    return frozenset(texts)


#: Squashed characters that identify a headline link at the start of a teaser line.
TEASER_PREFIX = 20


#: Teaser headings from which a page that does not declare itself an article is a listing.
MIN_LINKED_HEADINGS = 5
#: An ``<h1>`` shorter than this (squashed characters) names a site or section, not a story.
MIN_HEADLINE_H1 = 25


_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")


def _weighted_len(text: str, weight: int = 2) -> int:
    """Length with each CJK character counted ``weight`` times (one carries about a word)."""
    return len(text) + (weight - 1) * len(_CJK.findall(text))


def linked_headings(tree: HtmlElement) -> int:
    count = 0
    for heading in tree.iter("h2", "h3", "h4"):
        for anchor in heading.iter("a"):
            if _weighted_len(anchor.text_content().strip()) >= MIN_HEADLINE_CHARS:
                count += 1
                break
    return count


def link_text_share(text: str, anchors: frozenset[str]) -> float:
    """Share of the extracted text in lines that are link texts on the page, or teasers.

    An index page extracts to headlines (each a link), or to teasers (a headline link
    followed by its summary); an article's paragraphs are almost never either.
    """
    if not anchors:
        return 0.0
    heads: dict[str, list[str]] = {}
    for anchor in anchors:
        if len(anchor) >= TEASER_PREFIX:
            heads.setdefault(anchor[:TEASER_PREFIX], []).append(anchor)
    total = linked = 0
    for line in text.splitlines():
        key = squash(line)
        total += len(key)
        if key in anchors or any(key.startswith(a) for a in heads.get(key[:TEASER_PREFIX], ())):
            linked += len(key)
    return linked / total if total else 0.0


def _share(pattern: re.Pattern[str], text: str) -> int:
    return len(pattern.findall(text))


def classify_page(signals: PageSignals, min_chars: int) -> str | None:
    """The reason this page is not an article, or None if it is one."""
    heading = f"{signals.title}\n{signals.h1}"
    short = _weighted_len(signals.text[: 2 * SHORT_TEXT], 3) < SHORT_TEXT
    text = signals.raw_text if short and signals.raw_text else signals.text
    if short and (_CHALLENGE.search(heading) or _share(_CHALLENGE, text) >= 1):
        return "bot_challenge"
    if short and (_ERROR.search(heading) or (len(text) < 600 and _ERROR.search(text))):
        return "error_page"
    consent = _share(_CONSENT, text)
    if short and consent >= 2 and (consent * 200 > len(text) or _CONSENT_HEADING.search(heading)):
        return "cookie_wall"
    if short and (_PAYWALL.search(text) or signals.meta.free is False):
        return "paywall"
    text = signals.text
    if is_home_page(signals.url) or signals.meta.is_listing_type:
        return "listing"
    if (
        signals.linked_headings >= MIN_LINKED_HEADINGS
        and not signals.meta.is_article_type
        and _weighted_len(squash(signals.h1)) < MIN_HEADLINE_H1
    ):
        return "listing"
    if link_text_share(text, signals.anchors) > MAX_LINK_TEXT_SHARE:
        return "listing"
    if len(text) < min_chars:
        headlines = sum(1 for anchor in signals.anchors if len(anchor) >= MIN_HEADLINE_CHARS)
        return "listing" if headlines >= MIN_LISTING_HEADLINES else "too_short"
    return None

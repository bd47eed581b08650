"""The publication day: htmldate's search, checked against what the page says itself.

htmldate's extensive search with ``original_date`` is the best single source on the
training split (bench/extraction.py): 0.918 on htmldate-eval, 0.889 on trafilatura-eval,
0.975 on fundus; taking the JSON-LD ``datePublished`` first does worse (0.912, 0.880:
blogs declare modified or wrong dates there). Its answer is kept unless the page's own,
independent statements of the day contradict it (``pick_date``):

- **time zones**: a timestamp the page writes with its UTC offset
  (``2020-12-25T01:59:50+02:00``) names the local day; htmldate may have read the same
  instant from a UTC field (``2020-12-24T23:59:50+00:00``). A date-only value stored as
  Central European midnight shows as ``T22:00Z``/``T23:00Z``: the day is the next one.
- **agreement**: the declared day (JSON-LD/``<meta>``), the microdata ``datePublished``,
  the first ``<time datetime>``, the URL and the visible byline ("Published", "Erschienen
  am", ...) each vote; two or more agreeing on another day with at least as many votes
  as htmldate's day (its own and its supporters') win. htmldate picks the oldest date it
  finds, which is now and then a date in the text, a sidebar's or the day of the visit.
- **explicit markup**: where no source supports htmldate's day, the microdata
  ``datePublished`` or the labelled byline date is taken over it.

The byline search reads the page's text (~1.5 ms) and runs only where htmldate's day has
no support (a quarter of the pages on htmldate-eval, few on news sites).
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any

from lxml import etree
from lxml.html import HtmlElement

from tidings.extract.structured import PageMeta

__all__ = ["byline_day", "date_params", "find_day", "pick_date", "to_day", "url_day"]

LOGGER = logging.getLogger(__name__)

#: Days before this are taken for parsing errors (htmldate's own floor).
MIN_DAY = date(1995, 1, 1)
_PUBLISHED_META = (
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "publishdate",
    "publish-date",
    "pubdate",
    "date",
    "dc.date.issued",
    "dc.date",
    "dcterms.date",
    "sailthru.date",
    "parsely-pub-date",
    "citation_publication_date",
)
_ISO_DAY = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_URL_DAY = re.compile(
    r"/((?:19|20)\d{2})[/\-_]?(0[1-9]|1[0-2])[/\-_]?(0[1-9]|[12]\d|3[01])(?:/|[\-_]|\b)"
)
#: ``/2017/7/12/``: a full date with one-digit month or day, between slashes only
_URL_SHORT_DAY = re.compile(r"/((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})/")
_TIMESTAMP = re.compile(
    r"(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d(?::\d\d(?:\.\d+)?)?)\s*(Z|[+-]\d\d:?\d\d)(?!\d)"
)
#: Words that introduce the publication date in a byline (not "updated", "Stand").
_BYLINE_LABELS = (
    "Published",
    "Posted",
    "Written",
    "Publiziert",
    "Veröffentlicht",
    "Erstellt",
    "Erschienen",
    "Geschrieben",
    "Publié",
    "Publicado",
    "Pubblicato",
)
_MONTH_NAMES = (
    ("jan", "januar", "january", "janvier", "enero", "gennaio"),
    ("feb", "februar", "february", "février", "febrero", "febbraio"),
    ("mar", "märz", "march", "mars", "marzo"),
    ("apr", "april", "avril", "abril", "aprile"),
    ("may", "mai", "mayo", "maggio"),
    ("jun", "juni", "june", "juin", "junio", "giugno"),
    ("jul", "juli", "july", "juillet", "julio", "luglio"),
    ("aug", "august", "août", "agosto"),
    ("sep", "sept", "september", "septembre", "septiembre", "settembre"),
    ("oct", "okt", "oktober", "october", "octobre", "octubre", "ottobre"),
    ("nov", "november", "novembre", "noviembre"),
    ("dec", "dez", "dezember", "december", "décembre", "diciembre", "dicembre"),
)
_MONTHS = {name: number for number, names in enumerate(_MONTH_NAMES, 1) for name in names}
_WRITTEN_DAY = re.compile(
    r"(?<!\d)(?:(?P<iso>(\d{4})-(\d{1,2})-(\d{1,2}))"
    r"|(?P<dots>(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4}))"
    r"|(?P<slashes>(\d{1,2})/(\d{1,2})/(\d{4}))"
    r"|(?P<dmy>(\d{1,2})\.?\s+([^\W\d_]{3,9})\.?,?\s+(\d{4}))"
    r"|(?P<mdy>\b([^\W\d_]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})))(?!\d)"
)
#: How far after a byline label its date may start (``Veröffentlicht am Mo., ...``).
_BYLINE_REACH = 50
_MAX_BYLINES = 10
_TEXT = etree.XPath("string()")


def _today() -> date:
    return datetime.now().astimezone().date()


def _plausible(day: date) -> str | None:
    return day.isoformat() if MIN_DAY <= day <= _today() else None


def to_day(value: str | None) -> str | None:
    """``YYYY-MM-DD`` of an ISO 8601-ish string, if it is a plausible publication day.

    The day is the one written, in the string's own time zone (not converted to UTC).
    """
    if not value:
        return None
    match = _ISO_DAY.search(value[:40])
    return _matched_day(match)


def _matched_day(match: re.Match[str] | None) -> str | None:
    """The plausible day of a year, month, day match (groups 1-3)."""
    if match is None:
        return None
    try:
        day = date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None
    return _plausible(day)


def url_day(url: str | None) -> str | None:
    """A full date in the URL path (``/2024/05/17/``, ``/20240517-``, ``/2017/7/12/``)."""
    if not url:
        return None
    match = _URL_DAY.search(url) or _URL_SHORT_DAY.search(url)
    return _matched_day(match)


def _written_day(text: str) -> str | None:
    """The first date written in ``text``: ISO, ``17.05.2024``, ``17 May 2024``, ``May 17, 2024``.

    ``05/06/2024`` is read only where one number cannot be a month (the order differs
    between the US and elsewhere).
    """
    match = _WRITTEN_DAY.search(text)
    if match is None:
        return None
    groups = match.groups()
    try:
        if match["iso"]:
            day = date(int(groups[1]), int(groups[2]), int(groups[3]))
        elif match["dots"]:
            day = date(int(groups[7]), int(groups[6]), int(groups[5]))
        elif match["slashes"]:
            first, second, year = int(groups[9]), int(groups[10]), int(groups[11])
            if first <= 12 and second <= 12 and first != second:
                return None
            day = date(year, second, first) if first > 12 else date(year, first, second)
        elif match["dmy"]:
            month = _MONTHS.get(groups[14].lower())
            if month is None:
                return None
            day = date(int(groups[15]), month, int(groups[13]))
        else:
            month = _MONTHS.get(groups[17].lower())
            if month is None:
                return None
            day = date(int(groups[19]), month, int(groups[18]))
    except ValueError:
        return None
    return _plausible(day)


def byline_day(tree: HtmlElement | None) -> str | None:
    """The day after a "Published"/"Veröffentlicht"/... label in the page's text.

    None where the labelled dates disagree (a list of posts, comments): only a page
    that states one publication day is believed.
    """
    if tree is None:
        return None
    try:
        text = str(_TEXT(tree))
    except (ValueError, etree.XPathError) as err:
        LOGGER.debug("page text unreadable: %r", err)
        return None
    days = {
        day for end in _label_ends(text) if (day := _written_day(text[end : end + _BYLINE_REACH]))
    }
    return days.pop() if len(days) == 1 else None


def _label_ends(text: str) -> list[int]:
    """Where each whole-word byline label ends in ``text`` (the first few in page order).

    ``str.find`` per label: a regular expression alternation is ten times slower here.
    """
    ends: list[int] = []
    for label in _BYLINE_LABELS:
        start = text.find(label)
        while start >= 0:
            end = start + len(label)
            before = text[start - 1] if start else " "
            after = text[end] if end < len(text) else " "
            if not (before.isalpha() or before in "_-" or after.isalpha() or after in "_-"):
                ends.append(end)
            start = text.find(label, end)
    return sorted(ends)[:_MAX_BYLINES]


def _timestamp(value: str | None) -> datetime | None:
    """An ISO 8601 timestamp with its UTC offset (``Z``, ``+02:00``, ``-0500``)."""
    match = _TIMESTAMP.search(value[:60]) if value else None
    if match is None:
        return None
    day, clock, zone = match.groups()
    zone = "+00:00" if zone == "Z" else zone
    try:
        return datetime.fromisoformat(f"{day}T{clock}{zone}")
    except ValueError:
        return None


def _local_midnight(stamp: datetime) -> bool:
    """``T22:00:00Z``/``T23:00:00Z``: a date-only field saved as UTC+1/+2 midnight."""
    return (stamp.hour, stamp.minute, stamp.second) in ((22, 0, 0), (23, 0, 0))


def _local_day(searched: str, timestamps: list[str | None]) -> str:
    """``searched`` moved to the local day of a declared timestamp it is the UTC day of."""
    for value in timestamps:
        stamp = _timestamp(value)
        if stamp is None:
            continue
        offset, local = stamp.utcoffset(), stamp.date()
        if offset and local.isoformat() != searched:
            if stamp.astimezone(UTC).date().isoformat() == searched:
                return _plausible(local) or searched
        elif not offset and local.isoformat() == searched and _local_midnight(stamp):
            return _plausible(local + timedelta(days=1)) or searched
    return searched


def _declared(meta: PageMeta) -> tuple[str | None, list[str | None]]:
    """The declared publication day and every declared publication timestamp."""
    stamps = [meta.jsonld_published, *(meta.meta.get(key) for key in _PUBLISHED_META)]
    day = next((found for found in map(to_day, stamps) if found), None)
    return day, [*stamps, meta.microdata_published]


def date_params(url: str | None = None) -> dict[str, Any]:
    params: dict[str, Any] = {
        "extensive_search": True,
        "original_date": True,
        "outputformat": "%Y-%m-%d",
        "max_date": _today().isoformat(),
    }
    if url:
        params["url"] = url
    return params


def find_day(tree: HtmlElement, url: str | None) -> str | None:
    """htmldate's extensive search with ``original_date`` on a parsed page."""
    from htmldate import find_date

    try:
        found = find_date(tree, **date_params(url))
    except (ValueError, TypeError, RecursionError, AttributeError) as err:
        LOGGER.debug("htmldate failed on %s: %r", url, err)
        return None
    return to_day(found) if isinstance(found, str) else None


def pick_date(meta: PageMeta, searched: str | None, url: str | None) -> str | None:
    """htmldate's day (``searched``) checked against the page's own statements.

    See the module docstring for the rules; without htmldate's day, the declared day,
    the microdata, the byline or the URL's, in that order.
    """
    declared, stamps = _declared(meta)
    microdata = to_day(meta.microdata_published)
    if not searched:
        return declared or microdata or byline_day(meta.tree) or url_day(url)
    searched = _local_day(searched, stamps)
    votes = Counter(
        day for day in (declared, microdata, to_day(meta.time_datetime), url_day(url)) if day
    )
    support = 1 + votes[searched]
    byline = byline_day(meta.tree) if support == 1 else None
    if byline:
        votes[byline] += 1
    rivals = [(count, day) for day, count in votes.items() if day != searched]
    if rivals:
        count, best = max(rivals)
        if count >= 2 and count >= support:
            return best
    if support == 1:
        return microdata or byline or searched
    return searched

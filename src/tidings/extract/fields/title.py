"""The article title: the page's declared headline, without the site name around it."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from tidings.extract.pagetype import squash

__all__ = ["host_label", "pick_title", "strip_site_suffix"]

_TITLE_SEPARATORS = re.compile(r"\s+(?:\||-|–|—|::|·|•|»|/)\s+|\s*[｜：]\s*|\s+\|")
_DATE_PART = re.compile(r"^[\d\s./\-]+$")
_TRANSLIT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_SECOND_LEVEL = ("co", "com", "org", "net", "gov", "ac", "ne", "or")


def host_label(url: str | None) -> str | None:
    """``www.theguardian.com`` → ``theguardian``."""
    if not url:
        return None
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return None
    labels = [label for label in host.split(".") if label]
    if len(labels) < 2:
        return None
    if len(labels) >= 3 and labels[-2] in _SECOND_LEVEL:
        return labels[-3]
    return labels[-2]


def _site_names(site_name: str | None, url: str | None) -> list[str]:
    names: set[str] = set()
    for name in (site_name, host_label(url)):
        if name:
            names.add(squash(name))
            names.add(squash(name.casefold().translate(_TRANSLIT)))
            # "Tageblatt.lu", "MDR.DE": the name without its domain suffix
            names.add(squash(re.sub(r"\.[a-z]{2,6}$", "", name.casefold())))
    return [name for name in names if name]


def _is_site_name(part: str, names: list[str]) -> bool:
    squashed = squash(part)
    if not squashed:
        return False
    for name in names:
        short, long = sorted((squashed, name), key=len)
        if short == long or (len(short) >= 3 and short in long):
            return True
    return False


def strip_site_suffix(title: str, site_name: str | None, url: str | None) -> str:
    """Drop a ``" | Site Name"`` suffix (or prefix) when it names the site.

    Also drops a date after the site name (``"Title – DW – 13.06.2023"``) and a site
    name that itself contains separators (``"Title - Israel Nachrichten - Chadashoth"``).
    """
    names = _site_names(site_name, url)
    if not names:
        return title
    if site_name and len(site_name) >= 3:
        lowered, suffix = title.casefold(), site_name.casefold()
        if lowered.endswith(suffix) and len(lowered) > len(suffix):
            head = title[: len(title) - len(suffix)]
            match = _TITLE_SEPARATORS.search(head)
            if match and match.end() == len(head) and match.start() > 0:
                return head[: match.start()].strip()
    for _ in range(3):
        seps = list(_TITLE_SEPARATORS.finditer(title))
        if not seps:
            break
        last = title[seps[-1].end() :]
        if _is_site_name(last, names):
            title = title[: seps[-1].start()].rstrip()
            continue
        if _DATE_PART.match(last) and len(seps) >= 2:
            before = title[seps[-2].end() : seps[-1].start()]
            if _is_site_name(before, names):
                title = title[: seps[-2].start()].rstrip()
                continue
        break
    seps = list(_TITLE_SEPARATORS.finditer(title))
    if seps and _is_site_name(title[: seps[0].start()], names):
        title = title[seps[0].end() :].lstrip()
    return title


def pick_title(
    candidates: list[str | None],
    h1: str | None,
    site_name: str | None,
    url: str | None,
) -> str | None:
    """First declared title (JSON-LD headline, og:title, ...), its site suffix stripped.

    A page's own ``<h1>`` wins when it is the same headline as the declared one up to
    case and punctuation, or when the declared one is the ``<h1>`` plus a suffix
    (a site name the suffix stripper did not recognise).
    """
    title = next((c for c in candidates if c), None)
    if title is None:
        return h1
    stripped = strip_site_suffix(title, site_name, url) or title
    if h1 and len(h1) <= 300:
        h1_key, title_key = squash(h1), squash(stripped)
        if h1_key and (
            h1_key == title_key
            or (
                len(h1_key) >= 20
                and title_key.startswith(h1_key)
                and _TITLE_SEPARATORS.search(stripped[len(h1) - 2 :] or "")
            )
        ):
            return h1
    return stripped

"""Turn the bytes of an HTML page into text, trusting declarations only when they hold.

Order: byte-order mark; the charset declared by the HTTP header, if the bytes decode
strictly with it; a ``<meta charset>`` / ``<meta http-equiv="content-type">`` in the
first 4 KB, if the bytes decode strictly with it; strict UTF-8; charset_normalizer's
guess; UTF-8 with replacement characters as the last resort.

Labels are mapped to the superset codec browsers actually use (the WHATWG rules):
GB2312/GBK → GB18030, Big5 → Big5-HKSCS, Shift_JIS → cp932, ISO-8859-1/ASCII → cp1252...
A single-byte label on bytes that are valid UTF-8 with non-ASCII content is treated
as a mislabelled UTF-8 page (the most common mislabel on the web).
"""

from __future__ import annotations

import codecs
import logging
import re
from dataclasses import dataclass

import charset_normalizer

__all__ = ["DecodedHTML", "decode_html", "normalize_charset"]

LOGGER = logging.getLogger(__name__)

#: How much of the page is searched for a ``<meta>`` charset declaration.
META_SNIFF_BYTES = 4096
#: How much of the page charset_normalizer looks at (it samples anyway; this bounds the cost).
DETECT_BYTES = 256 * 1024

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Python codec name (as returned by codecs.lookup) -> the codec to decode with.
_SUPERSETS: dict[str, str] = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "big5": "big5hkscs",
    "shift_jis": "cp932",
    "latin-1": "cp1252",
    "iso8859-1": "cp1252",
    "ascii": "cp1252",
    "iso8859-9": "cp1254",
    "iso8859-11": "cp874",
    "tis-620": "cp874",
    "euc_kr": "cp949",
    "ks_c_5601-1987": "cp949",
}

_ASCII_COMPATIBLE_UNICODE = {"utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"}

_META_CHARSET = re.compile(
    rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class DecodedHTML:
    text: str
    #: The Python codec actually used (``utf-8``, ``gb18030``, ``cp1252``...).
    encoding: str
    #: True when the declared (HTTP header) charset was wrong or unusable and another was used.
    mismatch: bool = False


def normalize_charset(label: str | None) -> str | None:
    """The Python codec to decode a declared charset label with, or None if unknown."""
    if not label:
        return None
    cleaned = label.strip().strip("\"'").strip().lower()
    if not cleaned:
        return None
    if cleaned in ("x-user-defined",):
        return "cp1252"
    try:
        name = codecs.lookup(cleaned).name
    except LookupError:
        return None
    return _SUPERSETS.get(name, name)


def _is_single_byte(codec: str) -> bool:
    try:
        return codecs.lookup(codec).name not in _MULTI_BYTE
    except LookupError:  # pragma: no cover - codec names come from normalize_charset
        return False


_MULTI_BYTE = {
    codecs.lookup(name).name
    for name in (
        "utf-8",
        "utf-16",
        "utf-16-le",
        "utf-16-be",
        "utf-32",
        "utf-32-le",
        "utf-32-be",
        "gb18030",
        "gbk",
        "gb2312",
        "big5",
        "big5hkscs",
        "cp932",
        "shift_jis",
        "euc_jp",
        "iso2022_jp",
        "cp949",
        "euc_kr",
        "cp950",
        "hz",
    )
}


def _try_decode(body: bytes, codec: str) -> str | None:
    try:
        return body.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _utf8_instead(body: bytes, codec: str) -> str | None:
    """UTF-8 text if ``codec`` is single-byte but the bytes are non-ASCII valid UTF-8."""
    if codec == "utf-8" or not _is_single_byte(codec) or body.isascii():
        return None
    return _try_decode(body, "utf-8")


def _meta_charset(body: bytes) -> str | None:
    match = _META_CHARSET.search(body[:META_SNIFF_BYTES])
    if match is None:
        return None
    return match.group(1).decode("ascii", errors="ignore")


def decode_html(body: bytes, declared_charset: str | None = None) -> DecodedHTML:
    """Decode an HTML page; see the module docstring for the order of evidence."""
    if not body:
        return DecodedHTML("", "utf-8", False)

    for bom, bom_codec in _BOMS:
        if body.startswith(bom):
            return DecodedHTML(body[len(bom) :].decode(bom_codec, errors="replace"), bom_codec)

    declared = normalize_charset(declared_charset)
    if declared is not None and declared in _ASCII_COMPATIBLE_UNICODE:
        # A UTF-16/32 label without a BOM on a page of ASCII tags is a lie.
        declared = "utf-8"
    if declared is not None:
        utf8 = _utf8_instead(body, declared)
        if utf8 is not None:
            LOGGER.debug("declared charset %s but the body is UTF-8", declared_charset)
            return DecodedHTML(utf8, "utf-8", True)
        text = _try_decode(body, declared)
        if text is not None:
            return DecodedHTML(text, declared, False)
    # From here on, whatever the header declared (if anything) was not usable.
    mismatch = bool(declared_charset and declared_charset.strip())

    meta = normalize_charset(_meta_charset(body))
    if meta is not None and meta not in _ASCII_COMPATIBLE_UNICODE and meta != declared:
        utf8 = _utf8_instead(body, meta)
        if utf8 is not None:
            return DecodedHTML(utf8, "utf-8", mismatch)
        text = _try_decode(body, meta)
        if text is not None:
            return DecodedHTML(text, meta, mismatch)

    if declared != "utf-8":
        text = _try_decode(body, "utf-8")
        if text is not None:
            return DecodedHTML(text, "utf-8", mismatch)

    guess = charset_normalizer.from_bytes(body[:DETECT_BYTES]).best()
    if guess is not None:
        guessed = normalize_charset(guess.encoding)
        if guessed is not None:
            return DecodedHTML(body.decode(guessed, errors="replace"), guessed, mismatch)

    LOGGER.debug("could not determine the encoding; decoding as UTF-8 with replacements")
    return DecodedHTML(body.decode("utf-8", errors="replace"), "utf-8", mismatch)

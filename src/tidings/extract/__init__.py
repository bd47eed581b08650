"""Extract stage: bytes of a page in, ``ExtractedArticle`` (or ``NotAnArticle``) out."""

from tidings.extract.article import content_hash, extract_article
from tidings.extract.encoding import DecodedHTML, decode_html
from tidings.extract.language import detect_language

__all__ = ["DecodedHTML", "content_hash", "decode_html", "detect_language", "extract_article"]

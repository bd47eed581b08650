"""Extract stage: bytes of a page in, ``ExtractedArticle`` (or ``NotAnArticle``) out."""

from tidings.extract.article import content_hash, extract_article
from tidings.extract.encoding import DecodedHTML, decode_html

__all__ = ["DecodedHTML", "content_hash", "decode_html", "extract_article"]

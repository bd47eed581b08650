"""A local, offline "news web" for ``tidings demo`` and end-to-end tests.

:class:`DemoWeb` serves a few fictional outlets (RSS, Atom, JSON Feed, news
sitemaps, one Chinese-language site) on 127.0.0.1, with articles generated
deterministically from a seed by the project's own templates.
"""

from tidings.demo.server import DemoWeb, RequestRecord
from tidings.demo.sites import DemoSite, ExpectedArticle

__all__ = ["DemoSite", "DemoWeb", "ExpectedArticle", "RequestRecord"]

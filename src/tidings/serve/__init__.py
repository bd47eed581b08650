"""Serving the news: a JSON API (``/api/v1``) and server-rendered HTML pages."""

from tidings.serve.app import create_app
from tidings.serve.sanitize import sanitize_html
from tidings.serve.server import RunningServer, run_server, serve_in_background

__all__ = ["RunningServer", "create_app", "run_server", "sanitize_html", "serve_in_background"]

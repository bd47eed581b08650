"""Atom and JSON Feed output at ``/feeds/``, so feed readers can follow Tidings itself:
``handler`` (the routes), ``access`` (Basic auth or the session), ``entries`` (the
records written, made safe), ``atom`` and ``jsonfeed`` (the two writers),
``conditional`` (ETag and Last-Modified)."""

from tidings.serve.syndication.handler import router

__all__ = ["router"]

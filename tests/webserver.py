"""A real HTTP server on 127.0.0.1 (port 0) for crawler tests.

Routes map a path to a handler that returns a ``Reply``; every request is
recorded with its time and headers so tests can measure politeness and check
conditional GET. The server runs in a thread, so the crawler talks to it over
a real socket.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit


@dataclass
class Reply:
    status: int = 200
    body: bytes | Iterable[bytes] = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str | None = "text/html; charset=utf-8"


@dataclass(frozen=True)
class Hit:
    path: str
    at: float
    headers: dict[str, str]


Handler = Callable[["Request"], Reply]


@dataclass(frozen=True)
class Request:
    path: str
    query: str
    headers: dict[str, str]


class TestWeb:
    """``with TestWeb() as web: web.route("/a", lambda req: Reply(body=b"..."))``."""

    __test__ = False  # not a test class, despite the name

    def __init__(self) -> None:
        self.routes: dict[str, Handler] = {}
        self.hits: list[Hit] = []
        self._lock = threading.Lock()
        web = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                headers = {k.lower(): v for k, v in self.headers.items()}
                with web._lock:
                    web.hits.append(Hit(parts.path, time.monotonic(), headers))
                handler = web.routes.get(parts.path)
                reply = (
                    handler(Request(parts.path, parts.query, headers))
                    if handler
                    else Reply(404, b"not found")
                )
                self._send(reply)

            def _send(self, reply: Reply) -> None:
                try:
                    self.send_response(reply.status)
                    if reply.content_type:
                        self.send_header("Content-Type", reply.content_type)
                    for key, value in reply.headers.items():
                        self.send_header(key, value)
                    if isinstance(reply.body, bytes):
                        if "Content-Length" not in reply.headers:
                            self.send_header("Content-Length", str(len(reply.body)))
                        self.end_headers()
                        self.wfile.write(reply.body)
                    else:
                        self.send_header("Transfer-Encoding", "chunked")
                        self.end_headers()
                        for chunk in reply.body:
                            self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                            self.wfile.flush()
                        self.wfile.write(b"0\r\n\r\n")
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the crawler hung up on purpose (size cap, timeout)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def route(self, path: str, handler: Handler) -> None:
        self.routes[path] = handler

    def page(self, path: str, body: bytes | str, **kwargs: object) -> None:
        data = body.encode() if isinstance(body, str) else body
        self.route(path, lambda req: Reply(body=data, **kwargs))  # type: ignore[arg-type]

    def hits_for(self, path: str) -> list[Hit]:
        with self._lock:
            return [h for h in self.hits if h.path == path]

    def __enter__(self) -> TestWeb:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


def article_html(title: str, paragraphs: int = 6, extra: str = "") -> str:
    """A plausible article page whose text is long enough to count as an article."""
    body = "".join(
        f"<p>{title} paragraph {i}: the council met on Tuesday to discuss the harbour "
        f"budget, and members agreed that repairs to the northern pier must start before "
        f"winter storms arrive, according to the minutes published afterwards.</p>"
        for i in range(paragraphs)
    )
    return (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>"
        f"<meta property='og:title' content='{title}'></head><body>"
        f"<nav><a href='/'>Home</a></nav><article><h1>{title}</h1>{body}</article>{extra}"
        f"<footer>Copyright Example News</footer></body></html>"
    )


def drip(chunks: int, delay: float, chunk: bytes = b"x") -> Iterator[bytes]:
    for _ in range(chunks):
        time.sleep(delay)
        yield chunk

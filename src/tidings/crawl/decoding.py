"""Undo a response's Content-Encoding with a bound on what it may expand to.

httpx decodes each chunk it reads whole, with no limit on the output: a 1.6 kB brotli
body, or a gzip body gzipped again (``Content-Encoding: gzip, gzip``), expands to a
gigabyte in one call, in memory and on the event loop, before any size check can
run (``bench/hostile_web.py`` found both). The fetcher therefore reads the raw body
and decodes it here, each layer asked for no more than the bytes still allowed, so a
bomb costs at most the cap in memory and the time to decode that much.
"""

from __future__ import annotations

import zlib
from typing import Protocol

import brotli


class DecodingFailed(Exception):
    """The body is not what its Content-Encoding says (the fetcher reports it)."""


class _Layer(Protocol):
    def decode(self, data: bytes, limit: int) -> bytes:
        """At most about ``limit`` bytes of output for ``data`` (and what was held
        back before); input beyond that is held for the next call."""

    def pending(self) -> bool:
        """Whether output is held back (a call with no new data yields more)."""


class _Zlib:
    """gzip, or deflate (zlib-wrapped, or raw as some servers send it)."""

    def __init__(self, gzip: bool) -> None:
        self._gzip = gzip
        self._decoder = zlib.decompressobj(zlib.MAX_WBITS | 16 if gzip else zlib.MAX_WBITS)
        self._started = False

    def decode(self, data: bytes, limit: int) -> bytes:
        data = self._decoder.unconsumed_tail + data
        try:
            out = self._decoder.decompress(data, max(1, limit))
        except zlib.error:
            if self._gzip or self._started:
                raise
            self._decoder = zlib.decompressobj(-zlib.MAX_WBITS)  # raw deflate
            out = self._decoder.decompress(data, max(1, limit))
        self._started = True
        return out

    def pending(self) -> bool:
        return bool(self._decoder.unconsumed_tail)


class _Brotli:
    def __init__(self) -> None:
        self._decoder = brotli.Decompressor()
        self._held = b""

    def decode(self, data: bytes, limit: int) -> bytes:
        if not self._decoder.can_accept_more_data():
            # output is held back: drain it before new input may go in
            self._held += data
            data = b""
        else:
            data, self._held = self._held + data, b""
        out: bytes = self._decoder.process(data, output_buffer_limit=max(1, limit))
        return out

    def pending(self) -> bool:
        return bool(self._held) or not self._decoder.can_accept_more_data()


_NAMES = {"gzip": True, "x-gzip": True, "deflate": False}


def _layer(name: str) -> _Layer | None:
    if name in _NAMES:
        return _Zlib(_NAMES[name])
    if name == "br":
        return _Brotli()
    return None  # identity, or a label that is no encoding: the body as it is (as httpx)


_MAX_DRAIN_ROUNDS = 10_000

#: The Accept-Encoding the fetcher sends: what :class:`BoundedDecoder` can undo.
ACCEPT_ENCODING = "gzip, deflate, br"


class BoundedDecoder:
    """Decodes a body's Content-Encoding layers (last applied, first undone), giving out
    at most ``limit + 1`` bytes in all: one byte past ``limit`` tells the caller the
    body is too large, without the rest ever being decoded."""

    def __init__(self, content_encoding: str, limit: int) -> None:
        names = [part.strip().lower() for part in content_encoding.split(",")]
        layers = [_layer(name) for name in reversed(names) if name]
        self._layers = [layer for layer in layers if layer is not None]
        self._budget = limit + 1

    def decode(self, raw: bytes) -> bytes:
        """The decoded bytes ``raw`` adds (bounded; see the class)."""
        try:
            parts = [self._through(raw)]
            have = len(parts[0])
            # a layer holding output back gives more for no new input, while the
            # budget lasts (each round yields or consumes; the cap is a safety net)
            for _ in range(_MAX_DRAIN_ROUNDS):
                if have >= self._budget or not any(layer.pending() for layer in self._layers):
                    break
                parts.append(self._through(b""))
                have += len(parts[-1])
        except (zlib.error, brotli.error) as exc:
            raise DecodingFailed(str(exc) or type(exc).__name__) from exc
        out = b"".join(parts)[: self._budget]
        self._budget -= len(out)
        return out

    def _through(self, data: bytes) -> bytes:
        for layer in self._layers:
            data = layer.decode(data, self._budget)
        return data

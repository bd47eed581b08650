"""WARC in and out (warcio): the crawler can keep what it fetched as WARC files, and
archives (the crawler's, or Common Crawl's CC-NEWS) can be read back as responses.

Written records are ``response`` records (the HTTP status line, the headers the crawler
keeps, and the body as the crawler used it: already decompressed, so the
``Content-Encoding`` of the original exchange is not repeated), gzipped per record, in
files of at most ``max_bytes`` named ``tidings-<UTC time>-<n>.warc.gz`` (a new file per
run; a run never appends to another's file).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import IO, BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from tidings import __version__
from tidings.records import FetchResponse

log = logging.getLogger(__name__)

#: A WARC file is closed and the next one begun past this size (1 GB, the usual).
MAX_WARC_BYTES = 1_000_000_000
_CHARSET = re.compile(r"charset=[\"']?([\w.:-]+)", re.IGNORECASE)


class WarcArchive:
    """Writes fetched responses as WARC records. Use as a context manager."""

    def __init__(self, directory: Path, *, max_bytes: int = MAX_WARC_BYTES) -> None:
        self.directory = directory
        self.max_bytes = max_bytes
        self.records = 0
        self._stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
        self._file: IO[bytes] | None = None
        self._writer: WARCWriter | None = None
        self._files = 0
        #: The files written so far.
        self.paths: list[Path] = []

    def __enter__(self) -> WarcArchive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def write(self, response: FetchResponse) -> None:
        """One response record for ``response`` (its final URL after redirects)."""
        writer = self._current()
        status = f"{response.status} {'OK' if response.status == 200 else ''}".strip()
        headers = [("Content-Type", response.content_type or "application/octet-stream")]
        if response.charset:
            headers[0] = ("Content-Type", f"{headers[0][1]}; charset={response.charset}")
        if response.etag:
            headers.append(("ETag", response.etag))
        if response.last_modified:
            headers.append(("Last-Modified", response.last_modified))
        headers.append(("Content-Length", str(len(response.body))))
        http = StatusAndHeaders(status, headers, protocol="HTTP/1.1")
        record = writer.create_warc_record(
            response.final_url,
            "response",
            payload=BytesIO(response.body),
            length=len(response.body),
            http_headers=http,
        )
        writer.write_record(record)
        self.records += 1

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
            self._writer = None

    def _current(self) -> WARCWriter:
        if self._file is not None and self._file.tell() >= self.max_bytes:
            self.close()
        if self._writer is None:
            self.directory.mkdir(parents=True, exist_ok=True)
            self._files += 1
            path = self.directory / f"tidings-{self._stamp}-{self._files:05d}.warc.gz"
            self._file = path.open("xb")
            self._writer = WARCWriter(self._file, gzip=True)
            info = self._writer.create_warcinfo_record(
                path.name, {"software": f"Tidings/{__version__}", "format": "WARC File Format 1.1"}
            )
            self._writer.write_record(info)
            self.paths.append(path)
            log.info("writing WARC %s", path)
        return self._writer


@dataclass(frozen=True)
class ArchivedResponse:
    """An HTTP response read from an archive, as the crawler would have fetched it."""

    response: FetchResponse
    #: When it was fetched (``WARC-Date``).
    fetched_at: str | None


@dataclass
class ReadStats:
    """What reading an archive met: responses given, records passed over, damage."""

    responses: int = 0
    skipped: int = 0
    #: The archive ended in a damaged or truncated record (what came before is kept).
    damaged: bool = False


def read_responses(stream: BinaryIO, stats: ReadStats | None = None) -> Iterator[ArchivedResponse]:
    """Every 2xx ``response`` record of a WARC (gzipped or not) as a ``FetchResponse``
    (its body decoded from any ``Content-Encoding``). Other records (requests, metadata,
    revisits, errors) are skipped and counted; a damaged archive ends the reading with
    ``stats.damaged`` set, never with an exception."""
    stats = stats if stats is not None else ReadStats()
    try:
        for record in ArchiveIterator(stream, arc2warc=True):
            if record.rec_type != "response" or record.http_headers is None:
                stats.skipped += 1
                continue
            status = _status(record.http_headers.get_statuscode())
            url = record.rec_headers.get_header("WARC-Target-URI") or ""
            if not 200 <= status < 300 or not url.startswith(("http://", "https://")):
                stats.skipped += 1
                continue
            body = record.content_stream().read()
            content_type = record.http_headers.get_header("Content-Type") or ""
            found = _CHARSET.search(content_type)
            stats.responses += 1
            yield ArchivedResponse(
                FetchResponse(
                    url=url,
                    final_url=url,
                    status=status,
                    content_type=content_type.split(";")[0].strip().lower(),
                    charset=found.group(1) if found else None,
                    body=body,
                    etag=record.http_headers.get_header("ETag"),
                    last_modified=record.http_headers.get_header("Last-Modified"),
                ),
                record.rec_headers.get_header("WARC-Date"),
            )
    except Exception as exc:  # warcio meets damage with assorted errors (ArchiveLoadFailed,
        # EOFError, zlib and attribute errors on a truncated header): all end the reading
        stats.damaged = True
        log.warning("archive damaged after %d responses: %s", stats.responses, exc)


def _status(code: str | None) -> int:
    try:
        return int(code or 0)
    except ValueError:
        return 0

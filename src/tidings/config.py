"""Settings, read from ``TIDINGS_*`` environment variables with safe defaults.

Every setting has one name, one default and one environment variable
(``TIDINGS_`` + the upper-cased field name), so the same configuration works for
the CLI, the server and the tests.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tidings import __version__
from tidings.errors import ConfigError

USER_AGENT = f"Tidings/{__version__} (self-hosted news crawler)"

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class CrawlSettings:
    """How the crawler behaves. Defaults are polite and safe for the open web."""

    user_agent: str = USER_AGENT
    #: Requests in flight across all hosts.
    concurrency: int = 8
    #: Minimum seconds between two requests to one host; robots.txt Crawl-delay wins if larger.
    host_delay: float = 1.0
    #: Upper bound on a Crawl-delay we honour (a hostile robots.txt cannot stall us for hours).
    max_crawl_delay: float = 30.0
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    #: Wall-clock limit for one whole response, body included (defeats slow-drip servers).
    total_timeout: float = 60.0
    #: Largest decoded body we accept, in bytes.
    max_bytes: int = 10 * 1024 * 1024
    max_redirects: int = 5
    #: Attempts per URL for retryable failures (429, 5xx, timeouts, network errors).
    max_attempts: int = 4
    #: Backoff base in seconds for retries without Retry-After (doubles per attempt).
    retry_backoff: float = 2.0
    #: A Retry-After longer than this postpones the URL to a later crawl run.
    max_retry_wait: float = 120.0
    #: How long a fetched robots.txt is trusted, in seconds.
    robots_ttl: float = 3600.0
    #: Address ranges the crawler may reach even though they are private/loopback.
    #: Empty by default: user-supplied URLs can never reach internal services.
    allowed_networks: tuple[IPNetwork, ...] = ()
    #: Stop after this many page fetches in one run (0 = no limit).
    max_pages: int = 0
    #: Keep every response fetched (feeds, sitemaps, pages) as WARC files in this folder
    #: (``crawl.warc``); empty: none are kept.
    warc_dir: str = ""

    def allowing(self, *networks: str) -> CrawlSettings:
        """A copy that may also reach ``networks`` (e.g. ``"127.0.0.0/8"`` for tests)."""
        extra = tuple(ipaddress.ip_network(n, strict=False) for n in networks)
        return dataclasses.replace(self, allowed_networks=self.allowed_networks + extra)


#: ``none``: nobody logs in to the web reader (a personal instance; each browser is an
#: anonymous reader); ``accounts``: every page and the JSON API need a login.
AUTH_MODES = ("none", "accounts")

#: Where the pipeline's jobs run (``TIDINGS_EXECUTOR``): ``local``, in this process;
#: ``ray``, fanned out over a Ray cluster (``tidings.pipeline.executor``).
EXECUTORS = ("local", "ray")


@dataclass(frozen=True)
class Settings:
    data_dir: Path = Path("data")
    #: ``sqlite:///path/to/file.db``; empty means ``<data_dir>/tidings.db``.
    database_url: str = ""
    crawl: CrawlSettings = field(default_factory=CrawlSettings)
    host: str = "127.0.0.1"
    port: int = 8000
    log_level: str = "INFO"
    #: One of :data:`AUTH_MODES` (``TIDINGS_AUTH``).
    auth: str = "none"
    #: One of :data:`EXECUTORS` (``TIDINGS_EXECUTOR``): ``ray`` crawls, extracts and
    #: analyses on a Ray cluster (``pip install 'tidings[ray]'``); ``local`` does it all
    #: in this process.
    executor: str = "local"
    #: The Ray cluster for ``executor=ray``: its head's ``host:port`` or ``auto`` (the
    #: cluster this machine is part of); empty starts a private Ray on this machine.
    ray_address: str = ""
    #: Workers a job is split over with ``executor=ray`` (crawl partitions, archive
    #: shares, analysis chunks); 0: one per CPU of the cluster.
    workers: int = 0
    #: The server's C allocator (glibc only; 0: glibc's default), see ``serve.memory``:
    #: the arenas it may create (``TIDINGS_MALLOC_ARENA_MAX``) and the size from which
    #: an allocation is mapped on its own and given back when freed
    #: (``TIDINGS_MALLOC_MMAP_THRESHOLD``, bytes). Both keep memory level under load.
    malloc_arena_max: int = 2
    malloc_mmap_threshold: int = 128 * 1024

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'tidings.db').as_posix()}"

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, **overrides: Any) -> Settings:
        """Build settings from ``TIDINGS_*`` variables; keyword overrides win."""
        env = dict(os.environ if env is None else env)
        top: dict[str, Any] = {}
        crawl: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            if f.name == "crawl":
                continue
            key = f"TIDINGS_{f.name.upper()}"
            if key in env:
                top[f.name] = _coerce(key, env[key], f.type)
        for f in dataclasses.fields(CrawlSettings):
            key = f"TIDINGS_CRAWL_{f.name.upper()}"
            if key not in env:
                continue
            if f.name == "allowed_networks":
                crawl[f.name] = _networks(key, env[key])
            else:
                crawl[f.name] = _coerce(key, env[key], f.type)
        crawl_overrides = overrides.pop("crawl", None)
        base_crawl = crawl_overrides if crawl_overrides is not None else CrawlSettings()
        top["crawl"] = dataclasses.replace(base_crawl, **crawl)
        top.update(overrides)
        return cls(**top)


def _networks(key: str, value: str) -> tuple[IPNetwork, ...]:
    try:
        return tuple(
            ipaddress.ip_network(part.strip(), strict=False)
            for part in value.split(",")
            if part.strip()
        )
    except ValueError as exc:
        raise ConfigError(f"{key}: {exc}") from exc


def _coerce(key: str, value: str, type_: Any) -> Any:
    name = type_ if isinstance(type_, str) else getattr(type_, "__name__", str(type_))
    try:
        if name == "int":
            return int(value)
        if name == "float":
            return float(value)
        if name == "Path":
            return Path(value)
        return value
    except ValueError as exc:
        raise ConfigError(f"{key}={value!r}: expected {name}") from exc

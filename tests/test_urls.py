"""Canonical URLs and hosts, on the inputs fuzzing found (fuzz/urls.py)."""

from __future__ import annotations

import pytest

from tidings.errors import InvalidURLError
from tidings.urls import canonical_url, host_of


def test_host_of_a_url_is_its_lower_cased_host_and_port() -> None:
    assert host_of("https://News.Example:8443/a?b=1") == "news.example:8443"


@pytest.mark.parametrize("text", ["https://[::\x11]:8080/%7Euser/", "http://[", "http://[x]/"])
def test_host_of_an_unparsable_url_is_empty(text: str) -> None:
    # found by fuzz/urls.py: urlsplit's ValueError escaped
    assert host_of(text) == ""


@pytest.mark.parametrize("base", [None, "https://news.example/dir/page.html"])
def test_a_url_with_a_broken_ipv6_host_is_an_invalid_url_with_or_without_a_base(
    base: str | None,
) -> None:
    # found by fuzz/urls.py: with a base, urljoin's ValueError escaped
    with pytest.raises(InvalidURLError):
        canonical_url("https://[::\x11]:8080/%7Euser/", base)


def test_a_relative_url_is_resolved_against_its_base() -> None:
    assert canonical_url("../b/./c", "https://News.Example/a/x/y") == "https://news.example/a/b/c"

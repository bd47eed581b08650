"""The server's allocator gives freed arrays back to the system (``serve.memory``)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tidings.serve.memory import _mallopt

pytestmark = pytest.mark.skipif(_mallopt() is None, reason="the C library has no mallopt")

# A request thread's pattern: a big array freed (glibc then raises its mmap threshold to
# its size), then 64 arrays of 1 MiB written and freed, each followed by a small block
# that outlives them (so the arena cannot shrink from its top). Prints the resident
# anonymous memory (MiB) before and after.
_WORKLOAD = """
import sys, threading
from tidings.serve.memory import configure_allocator

configure_allocator(int(sys.argv[1]), int(sys.argv[2]))

def resident_anon_mib():
    for line in open("/proc/self/status"):
        if line.startswith("RssAnon:"):
            return int(line.split()[1]) // 1024

kept = []
def work():
    del bytearray(4 << 20)[:]
    arrays = []
    for _ in range(64):
        arrays.append(bytearray(b"x" * (1 << 20)))
        kept.append(bytes(2000))
    arrays.clear()

before = resident_anon_mib()
thread = threading.Thread(target=work)
thread.start()
thread.join()
print(before, resident_anon_mib())
"""


def _kept_mib(arena_max: int, mmap_threshold: int) -> int:
    done = subprocess.run(
        [sys.executable, "-c", _WORKLOAD, str(arena_max), str(mmap_threshold)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    before, after = (int(x) for x in done.stdout.split())
    return after - before


def test_freed_arrays_go_back_to_the_system_with_the_servers_settings() -> None:
    assert _kept_mib(2, 128 * 1024) <= 8


def test_glibcs_defaults_keep_them() -> None:
    # the behaviour the settings exist for: 0, 0 leaves glibc's defaults
    assert _kept_mib(0, 0) >= 48

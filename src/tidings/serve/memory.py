"""How the server's C allocator keeps memory, so that it does not grow under load.

Under sustained load the server's resident memory grew without end (one process, 8
feed pages a second: 204 → 437 MiB in six minutes) while the memory it used stayed
level: glibc's ``mallinfo2`` counted ~117 MiB in use and the *free* memory the
allocator kept growing from 42 to 178 MiB. Two of glibc's habits do this to a
threaded server that allocates and frees megabyte arrays on every request:

- every thread of the request pool may get an arena of its own (up to eight per
  core), and what a thread frees stays in its arena;
- an array above the mmap threshold is mapped and unmapped, but freeing one *raises*
  the threshold to its size, so from then on megabyte arrays are carved out of the
  arenas, where they leave holes that smaller allocations fill and split.

``configure_allocator`` caps the arenas at two and fixes the threshold at 128 KiB
(which also stops its drift): the same load then levels off at ~275 MiB
(``docs/reliability.md``). ``malloc_trim`` every 30 s, tried first, did not help: the
free memory is in holes between live blocks, not in whole free pages.

Only glibc has ``mallopt`` with these options; elsewhere (musl, macOS) nothing is done.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
from collections.abc import Callable
from functools import cache

log = logging.getLogger(__name__)

#: glibc's ``mallopt`` parameters (malloc.h)
M_MMAP_THRESHOLD = -3
M_ARENA_MAX = -8

#: ``TIDINGS_MALLOC_ARENA_MAX``: arenas the allocator may create (0: glibc's default)
DEFAULT_ARENA_MAX = 2
#: ``TIDINGS_MALLOC_MMAP_THRESHOLD``: bytes from which an allocation is mapped on its own
#: and returned to the system when freed (0: glibc's default, which drifts upwards)
DEFAULT_MMAP_THRESHOLD = 128 * 1024


@cache
def _mallopt() -> Callable[[int, int], int] | None:
    """glibc's ``mallopt``, or None where the C library has none."""
    name = ctypes.util.find_library("c")
    if not name:
        return None
    try:
        function = ctypes.CDLL(name).mallopt
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_int]
    function.restype = ctypes.c_int
    mallopt: Callable[[int, int], int] = function
    return mallopt


def configure_allocator(
    arena_max: int = DEFAULT_ARENA_MAX, mmap_threshold: int = DEFAULT_MMAP_THRESHOLD
) -> bool:
    """Set the allocator's arena cap and mmap threshold (0 leaves one as it is); True if
    this C library took the settings. Call it before the server starts its threads:
    arenas already created stay."""
    mallopt = _mallopt()
    if mallopt is None:
        log.info("this C library has no mallopt: the allocator keeps its defaults")
        return False
    taken = True
    if arena_max > 0:
        taken = mallopt(M_ARENA_MAX, arena_max) == 1 and taken
    if mmap_threshold > 0:
        taken = mallopt(M_MMAP_THRESHOLD, mmap_threshold) == 1 and taken
    if not taken:
        log.warning(
            "the allocator refused arena_max=%d mmap_threshold=%d", arena_max, mmap_threshold
        )
    return taken

"""Seed corpora for the fuzz harnesses.

libFuzzer starts from the inputs in the corpus directories named on its command line;
from nothing it takes minutes to stumble on ``<rss`` or ``http://``. Each harness keeps
a few hand-written seeds and this puts them where libFuzzer looks.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path


def seeded_argv(argv: Sequence[str], seeds: Sequence[bytes]) -> list[str]:
    """``argv`` for ``atheris.Setup``, with ``seeds`` in a corpus directory.

    The first corpus directory on the command line gets the seeds when it is missing or
    empty (a corpus that has grown is left alone); with no directory, the harness's
    scratch corpus under the temporary directory is emptied, seeded and appended (one
    fixed place, because libFuzzer exits without running ``atexit`` cleanups). A file
    argument (replaying a crash) is left as it is.
    """
    args = list(argv)
    inputs = [arg for arg in args[1:] if not arg.startswith("-")]
    if inputs:
        target = Path(inputs[0])
        if target.is_file() or (target.is_dir() and any(target.iterdir())):
            return args
        target.mkdir(parents=True, exist_ok=True)
    else:
        target = Path(tempfile.gettempdir()) / "tidings-fuzz" / Path(args[0]).stem
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        args.append(str(target))
    for number, seed in enumerate(seeds):
        (target / f"seed-{number:03d}").write_bytes(seed)
    return args

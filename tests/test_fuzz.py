"""The fuzz harnesses (fuzz/*.py) run, reach the code they fuzz and find nothing in a
short run; scripts/fuzz runs them for minutes."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("atheris")

ROOT = Path(__file__).resolve().parent.parent
RUNS = 300


@pytest.mark.parametrize("harness", ["sources", "extract", "urls"])
def test_a_short_fuzz_run_finds_nothing(harness: str, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "fuzz" / f"{harness}.py"),
            f"-runs={RUNS}",
            "-seed=1",
            "-timeout=20",
            f"-artifact_prefix={tmp_path}/",
            str(corpus),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=120,
        check=False,
    )
    log = done.stdout
    assert done.returncode == 0, log[-3000:]
    assert re.search(rf"^Done {RUNS} runs in \d+ second", log, re.MULTILINE), log[-3000:]
    # the seeds were written and libFuzzer read them
    assert "seed-000" in {path.name for path in corpus.iterdir()}
    # coverage of the instrumented project code: an empty harness reaches none of it
    coverage = [int(value) for value in re.findall(r"\bcov: (\d+)", log)]
    assert coverage and max(coverage) > 200, log[-3000:]
    assert not list(tmp_path.glob("crash-*"))

"""A real import in a child process, for tests that kill it: ``python -m tests.services.import_child``.

    import_child DATA HOME [--mp fork|forkserver|spawn] [--block PIDS_DIR] [--staged] [--streamed]

Runs ``run_import`` with two workers at any size. ``--block`` reads instead a source whose
reader records each worker's pid in ``PIDS_DIR`` and then waits (until ``PIDS_DIR/release``
exists), so a test can kill the importer while its workers are busy. ``--staged`` keeps the
import off the first import's path (workers stage their rows in files); ``--streamed``
starts a first import's workers after its first two files are planned.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from tracker.core.reading import ReadResult
from tracker.sources.spec import Kind, Part, Root, SourceSpec


class BlockingReader:
    def parse_document(self, path: Path, data: bytes, result: ReadResult) -> None:
        pids = Path(os.environ["TW_BLOCK_PIDS"])
        (pids / str(os.getpid())).touch()
        deadline = time.monotonic() + 120
        while not (pids / "release").exists() and time.monotonic() < deadline:
            time.sleep(0.05)


BLOCK_SPEC = SourceSpec(
    id="block-test",
    label="Blocking",
    roots=(Root("~/.block"),),
    parts=(Part("docs", Kind.DOCUMENT, ("*.json",), BlockingReader()),),
    counts="",
)


def main() -> None:
    from tracker.core.paths import DataPaths
    from tracker.services.importer import SourceConfig, run_import
    from tracker.store.db import connect

    ap = argparse.ArgumentParser()
    ap.add_argument("data", type=Path)
    ap.add_argument("home", type=Path)
    ap.add_argument("--mp", default=None)
    ap.add_argument("--block", type=Path, default=None)
    ap.add_argument("--staged", action="store_true")
    ap.add_argument("--streamed", action="store_true")
    args = ap.parse_args()
    if args.streamed:
        from tracker.services import importer

        importer.EARLY_BYTES = 0
    paths = DataPaths(args.data).ensure()
    kw: dict[str, object] = {}
    if args.block is not None:
        os.environ["TW_BLOCK_PIDS"] = str(args.block)
        kw["sources"] = {BLOCK_SPEC.id: BLOCK_SPEC}
    run_import(
        connect(paths.database), home=args.home, env={}, config=SourceConfig(), workers=2, parallel_min_bytes=0,
        mp_context=args.mp, first_import=False if args.staged else None, **kw,  # type: ignore[arg-type]
    )  # fmt: skip
    print("done", flush=True)


if __name__ == "__main__":
    main()

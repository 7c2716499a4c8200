"""Merge quality: precision and recall of duplicate merging on the bench corpus.

    uv run python bench/bench_dedup.py [--feeds 300] [--entries 40] [--json]

Generates the corpus of ``corpus.py`` (stories republished across feeds with
tracking parameters, syndicated copies under another address, articles that
share a generic title), serves it on loopback, collects it once into a fresh
SQLite database, and compares the merges with the corpus's ground truth (the
canonical link of each entry's story):

- precision: of the rows merged into another, the share merged into a row of
  the same story;
- recall: of the rows that repeat a story already stored (every row of a story
  but one), the share merged into a row of that story.
"""

import argparse
import dataclasses
import json
import sys
import tempfile
import threading
import time
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus import generate, make_handler, truth  # noqa: E402

LOOPBACK = "127.0.0.0/8,::1/128"


def merge_quality(rows: list[tuple[int, str, int | None]], stories: dict[str, str]) -> dict:
    """Precision and recall of merges: ``rows`` are (id, GUID, id merged into or None)."""
    story_of = {id_: stories[guid] for id_, guid, _dup in rows}
    group_sizes: dict[str, int] = {}
    for story in story_of.values():
        group_sizes[story] = group_sizes.get(story, 0) + 1
    merged = [(id_, dup) for id_, _guid, dup in rows if dup is not None]
    right = sum(story_of[id_] == story_of[dup] for id_, dup in merged)
    expected = sum(size - 1 for size in group_sizes.values())
    return {
        "rows": len(rows),
        "merged": len(merged),
        "right": right,
        "expected": expected,
        "precision": right / len(merged) if merged else 1.0,
        "recall": right / expected if expected else 1.0,
    }


def bench_settings(url: str) -> Any:
    """Settings for a benchmark on loopback (admitted when the fetcher guards private networks)."""
    from veille.settings import Settings

    settings = Settings(database_url=url)
    if "allow_private_networks" in {field.name for field in dataclasses.fields(settings)}:
        settings = dataclasses.replace(settings, allow_private_networks=LOOPBACK)  # type: ignore[call-arg]
    return settings


def collect_corpus(corpus: Path, feeds: int, database: Path) -> tuple[list, float]:
    """Serve the corpus on loopback and collect it once; returns the article rows."""
    from sqlalchemy import select

    from db.engine import engine_of, make_engine, make_session_factory
    from db.migrate import upgrade
    from db.models import Article
    from veille.catalogue import SourceSpec
    from veille.pipeline import collect_once

    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(corpus, 0.0))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    try:
        url = f"sqlite:///{database}"
        engine = make_engine(url)
        upgrade(engine)
        factory = make_session_factory(engine)
        specs = [
            SourceSpec(
                kind="feed", name=f"flux {i:03d}", url=f"http://127.0.0.1:{port}/feed{i:03d}.xml"
            )
            for i in range(feeds)
        ]
        started = time.perf_counter()
        collect_once(bench_settings(url), engine_of(factory), specs)
        elapsed = time.perf_counter() - started
        with factory() as session:
            rows = list(session.execute(select(Article.id, Article.guid, Article.duplicate_of_id)))
        engine.dispose()
        return [tuple(row) for row in rows], elapsed
    finally:
        server.shutdown()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--feeds", type=int, default=300)
    parser.add_argument("--entries", type=int, default=40)
    parser.add_argument("--json", action="store_true", help="une ligne JSON")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="veille-dedup-") as tmp:
        work = Path(tmp)
        generate(work / "corpus", args.feeds, args.entries)
        rows, elapsed = collect_corpus(work / "corpus", args.feeds, work / "dedup.sqlite")
    result = merge_quality(rows, truth(args.feeds, args.entries)) | {"seconds": elapsed}
    if args.json:
        print(json.dumps(result))
        return
    print(f"{result['rows']} articles, {result['merged']} fusionnés, "
          f"{result['expected']} doublons attendus")  # fmt: skip
    print(f"précision {result['precision']:.2%}, rappel {result['recall']:.2%}")


if __name__ == "__main__":
    main()

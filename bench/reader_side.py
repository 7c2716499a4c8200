"""The reader (lemon24/reader) side of the benchmark; run with reader's interpreter.

    PYTHON_WITH_READER bench/reader_side.py URLS_FILE DB_PATH [--warm-only]

Prints one JSON line: cold and warm durations of ``update_feeds(workers=20)``
and the number of entries stored. With ``--warm-only``, one update of a
database already filled, and nothing printed (the caller times the process).
Only reader and the standard library.
"""

import json
import sys
import time
from pathlib import Path

from reader import make_reader


def main() -> None:
    reader = make_reader(sys.argv[2])
    if sys.argv[3:] == ["--warm-only"]:
        reader.update_feeds(workers=20, scheduled=False)
        reader.close()
        return
    urls = Path(sys.argv[1]).read_text(encoding="utf-8").split()
    for url in urls:
        reader.add_feed(url, exist_ok=True)
    started = time.perf_counter()
    reader.update_feeds(workers=20, scheduled=False)
    cold = time.perf_counter() - started
    started = time.perf_counter()
    reader.update_feeds(workers=20, scheduled=False)
    warm = time.perf_counter() - started
    entries = reader.get_entry_counts().total
    reader.close()
    print(json.dumps({"cold": cold, "warm": warm, "entries": entries}))


if __name__ == "__main__":
    main()

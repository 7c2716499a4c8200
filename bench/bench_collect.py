"""Collection benchmark: Veille IA against reader (lemon24/reader), side by side.

    uv run python bench/bench_collect.py [--reader-python PATH] [--latencies 0,50]

Generates 300 feeds × 40 entries (French and English, HTML summaries), serves
them on loopback (several 127.0.0.x addresses, as from several sites), then
for each server latency measures, in fresh databases (median of
``--repeat`` attempts, the two collectors taking turns):

- the cold collection (empty database, everything new), classification off;
- the warm pass (every feed answers 304 Not Modified);
- the peak memory: resident set of the collector, plus the proportional set
  (PSS) of its child processes (the parsing worker, multiprocessing's resource
  tracker), whose pages shared with others (libraries) count once;
- the warm pass process against process: a new process (``veille collect
  --no-classify`` on one side, ``update_feeds(workers=20)`` on the other)
  timed from its start to its exit, imports and start-up included.

reader runs with its own interpreter (``--reader-python``, a virtual
environment where ``reader`` is installed, never a project dependency); its
side is skipped when the interpreter is not given or not found. To make one
(its vendored feedparser also needs ``sgmllib3k`` on Python 3.11):

    uv venv ../reader-venv
    uv pip install --python ../reader-venv reader sgmllib3k
    uv run python bench/bench_collect.py --reader-python ../reader-venv/bin/python
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_dedup import LOOPBACK  # noqa: E402
from corpus import feed_urls, generate  # noqa: E402

PORT = 8711


def _tree_memory(pid: int) -> tuple[int, int, int]:
    """(RSS of the process, RSS plus its descendants' PSS, RSS summed over the tree), bytes.

    Child processes share pages with the collector (the same libraries mapped):
    summing their RSS counts those pages once per process. Their PSS (each shared
    page divided among the processes sharing it) gives the memory they really add.
    """
    own = _status_kb(pid, "VmRSS:")
    honest = naive = own
    for child in _descendants(pid):
        honest += _pss(child)
        naive += _status_kb(child, "VmRSS:")
    return own, honest, naive


def _status_kb(pid: int, key: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _pss(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _descendants(pid: int) -> list[int]:
    found = _children(pid)
    return found + [grandchild for child in found for grandchild in _descendants(child)]


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            found += [int(c) for c in (task / "children").read_text().split()]
    except OSError:
        pass
    return found


def run_measured(command: list[str], env: dict[str, str] | None = None) -> tuple[dict, list[int]]:
    """Run a command printing one JSON line; returns it with the peaks of _tree_memory."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env)
    peaks = [0, 0, 0]

    def sample() -> None:
        while process.poll() is None:
            peaks[:] = map(max, peaks, _tree_memory(process.pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output, _ = process.communicate()
    sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"échec de {command[:3]} (code {process.returncode})")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = json.loads(output.strip().splitlines()[-1])
    # CPU time of the process and of its waited-for children (the parse worker):
    # less sensitive than durations to a machine shared with others.
    result["cpu_seconds"] = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return result, peaks


def catalogue_text(urls: list[str]) -> str:
    return "".join(f'[[feeds]]\nname = "flux {i:03d}"\nurl = "{u}"\n\n' for i, u in enumerate(urls))


def ours(sources: Path, database: Path) -> None:
    """Our side, in its own process: schema first, then the timed passes."""
    from bench_dedup import bench_settings

    from db.engine import make_engine
    from db.migrate import upgrade
    from veille.catalogue import load_catalogue
    from veille.pipeline import collect_once
    from veille.types import Collected, NotModified

    url = f"sqlite:///{database}"
    engine = make_engine(url)
    upgrade(engine)
    specs = load_catalogue(sources)
    settings = bench_settings(url)
    started = time.perf_counter()
    cold = collect_once(settings, engine, specs)
    cold_time = time.perf_counter() - started
    started = time.perf_counter()
    warm = collect_once(settings, engine, specs)
    warm_time = time.perf_counter() - started
    new = sum(o.value.new for o in cold if isinstance(o.value, Collected))
    failed = [o.source for o in cold if not isinstance(o.value, Collected)]
    not_modified = sum(isinstance(o.value, NotModified) for o in warm)
    print(
        json.dumps(
            {"cold": cold_time, "warm": warm_time, "entries": new, "failed": len(failed),
             "not_modified": not_modified}
        )
    )  # fmt: skip


def _serve(corpus: Path, hosts: int, latency: int, port: int) -> subprocess.Popen[str]:
    server = subprocess.Popen(
        [sys.executable, str(HERE / "corpus.py"), "serve", str(corpus), "--hosts", str(hosts),
         "--port", str(port), "--latency-ms", str(latency)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert server.stdout is not None
    if not server.stdout.readline():  # it could not listen: never measure another server
        raise SystemExit(f"le serveur du corpus n'a pas démarré (port {port} déjà pris ?)")
    return server


def bench(args: argparse.Namespace) -> list[dict]:
    rows = []
    with tempfile.TemporaryDirectory(prefix="veille-bench-") as tmp:
        work = Path(tmp)
        size = generate(work / "corpus", args.feeds, args.entries)
        print(f"Corpus : {args.feeds} flux × {args.entries} entrées, {size / 1e6:.1f} Mo",
              file=sys.stderr)  # fmt: skip
        urls = feed_urls(args.feeds, args.hosts, args.port)
        urls_file = work / "urls.txt"
        urls_file.write_text("\n".join(urls))
        (work / "sources.toml").write_text(catalogue_text(urls), encoding="utf-8")
        for latency in args.latencies:
            server = _serve(work / "corpus", args.hosts, latency, args.port)
            try:
                rows += _one_latency(args, work, urls_file, latency)
            finally:
                server.communicate("")
    return rows


def _one_latency(args: argparse.Namespace, work: Path, urls: Path, latency: int) -> list[dict]:
    sources = work / "sources.toml"
    sides = [("Veille IA", [sys.executable, __file__, "--ours", str(sources)])]
    if args.reader_python and Path(args.reader_python).exists():
        sides.append(("reader", [args.reader_python, str(HERE / "reader_side.py"), str(urls)]))
    runs: dict[str, list[dict]] = {name: [] for name, _command in sides}
    for attempt in range(args.repeat):  # sides interleaved: both see the same machine load
        for name, command in sides:
            database = work / f"{name.split()[0].lower()}-{latency}-{attempt}.sqlite"
            result, (own, total, tree) = run_measured(
                [*command, str(database)], env=dict(os.environ)
            )
            result["warm_process"] = _warm_process(name, command, sources, database, work)
            runs[name].append({"side": name, "latency_ms": latency, **result, "rss_mb": own / 1e6,
                               "total_mb": total / 1e6, "rss_tree_mb": tree / 1e6})  # fmt: skip
            print(json.dumps(runs[name][-1]), file=sys.stderr, flush=True)
    return [_median(results) for results in runs.values()]


def _warm_process(
    name: str, command: list[str], sources: Path, database: Path, work: Path
) -> float:
    """One more warm pass in a new process, timed from its start to its exit."""
    if name == "reader":
        warm = [*command, str(database), "--warm-only"]
        env = dict(os.environ)
    else:
        warm = [sys.executable, "-m", "veille", "collect", "--no-classify", "--sources",
                str(sources)]  # fmt: skip
        env = dict(os.environ) | {
            "VEILLE_DATABASE_URL": f"sqlite:///{database}",
            "VEILLE_ALLOW_PRIVATE_NETWORKS": LOOPBACK,
            "VEILLE_MODEL_DIR": str(work / "modeles"),
            "VEILLE_CONFIG": str(work / "absent.toml"),
        }
    started = time.perf_counter()
    subprocess.run(warm, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def _median(results: list[dict]) -> dict:
    """Median durations of the attempts; the largest memory peak."""
    row = dict(results[0])
    for key in ("cold", "warm", "warm_process", "cpu_seconds"):
        row[key] = statistics.median(result[key] for result in results)
    for key in ("rss_mb", "total_mb", "rss_tree_mb"):
        row[key] = max(result[key] for result in results)
    return row


def report(rows: list[dict]) -> None:
    print()
    print(f"{'collecteur':<10} {'latence':>8} {'froid (s)':>10} {'tiède (s)':>10} "
          f"{'tiède, processus (s)':>21} {'entrées':>8} {'RSS max (Mo)':>13} "
          f"{'total (Mo)':>11} {'RSS arbre (Mo)':>15}")  # fmt: skip
    for row in rows:
        print(f"{row['side']:<10} {row['latency_ms']:>6}ms {row['cold']:>10.2f} "
              f"{row['warm']:>10.2f} {row['warm_process']:>21.2f} {row['entries']:>8} "
              f"{row['rss_mb']:>13.0f} {row['total_mb']:>11.0f} "
              f"{row['rss_tree_mb']:>15.0f}")  # fmt: skip
    print(
        "total : RSS du collecteur + PSS de ses processus d'analyse (pages partagées "
        "comptées une fois) ; RSS arbre : somme naïve des RSS"
    )
    for latency in sorted({row["latency_ms"] for row in rows}):
        pair = {row["side"]: row for row in rows if row["latency_ms"] == latency}
        if "reader" in pair:
            ratio = pair["reader"]["cold"] / pair["Veille IA"]["cold"]
            warm = pair["reader"]["warm_process"] / pair["Veille IA"]["warm_process"]
            print(f"{latency} ms : froid {ratio:.1f}× plus rapide que reader, "
                  f"tiède (processus contre processus) {warm:.1f}×")  # fmt: skip


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--ours":
        ours(Path(sys.argv[2]), Path(sys.argv[3]))
        return
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reader-python", help="interpréteur Python où reader est installé")
    parser.add_argument("--latencies", default="0,50", help="latences du serveur en ms")
    parser.add_argument("--feeds", type=int, default=300)
    parser.add_argument("--entries", type=int, default=40)
    parser.add_argument("--hosts", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=3, help="essais par côté (médiane)")
    parser.add_argument("--port", type=int, default=PORT, help="port du serveur du corpus")
    parser.add_argument("--json", action="store_true", help="les lignes du tableau en JSON")
    args = parser.parse_args()
    args.latencies = [int(value) for value in args.latencies.split(",")]
    rows = bench(args)
    if args.json:
        print(json.dumps(rows))
    else:
        report(rows)


if __name__ == "__main__":
    main()

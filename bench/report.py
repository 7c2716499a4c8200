"""Every benchmark, one command, one file: regenerates BENCHMARKS.md.

    uv run python bench/report.py --reader-python ../reader-venv/bin/python

Byte-compiles both sides first (this project's environment and reader's),
describes the machine, then runs, each in its own process: the collection
against reader (cold, warm, peak memory; interleaved, median of 3) at 0 and
50 ms of latency, the merge precision and recall, the cost at 100, 300 and
1,000 feeds, the classifier's throughput, the newsletter's rendering and
SMTP sending, the curation inbox and the email preview over 100,000 articles. Without
``--reader-python`` the reader columns are left out.
"""

import argparse
import json
import os
import platform
import sqlite3
import subprocess
import sys
import sysconfig
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SCALES = (100, 300, 1000)


def _run(*args: str, python: str = sys.executable) -> str:
    """Run a benchmark script; its standard output (progress goes to standard error)."""
    print(f"→ {' '.join(args)}", file=sys.stderr, flush=True)
    done = subprocess.run([python, *args], cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True)
    return done.stdout


def _last_json(output: str) -> object:
    return json.loads(output.strip().splitlines()[-1])


def byte_compile(reader_python: str | None) -> None:
    """Both sides byte-compiled, as installed software is (uv does not by default)."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    targets = [sysconfig.get_paths()["purelib"], *(str(ROOT / p) for p in ("veille", "db",
               "classement", "newsletter", "bench"))]  # fmt: skip
    subprocess.run([sys.executable, "-m", "compileall", "-q", "-j", "0", *targets],
                   env=env, check=False, stdout=subprocess.DEVNULL)  # fmt: skip
    if reader_python:
        code = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
        purelib = subprocess.run(
            [reader_python, "-c", code], check=True, capture_output=True, text=True
        ).stdout.strip()
        subprocess.run([reader_python, "-m", "compileall", "-q", "-j", "0", purelib],
                       env=env, check=False, stdout=subprocess.DEVNULL)  # fmt: skip


def machine() -> dict[str, str]:
    cpu = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = "?"
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} Gio"
    return {
        "Processeur": f"{cpu}, {os.cpu_count()} cœurs visibles",
        "Mémoire": memory,
        "Système": f"{platform.system()} {platform.release()}",
        "Python": platform.python_version(),
        "SQLite": sqlite3.sqlite_version,
    }


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.1f} / {five:.1f} / {fifteen:.1f}"


def collect_rows(reader_python: str | None, repeat: int, port: int) -> list[dict]:
    args = ["bench/bench_collect.py", "--json", "--repeat", str(repeat), "--latencies", "0,50",
            "--port", str(port)]  # fmt: skip
    if reader_python:
        args += ["--reader-python", reader_python]
    return list(_last_json(_run(*args)))  # type: ignore[call-overload]


def scale_rows(port: int) -> list[dict]:
    rows = []
    for feeds in SCALES:
        output = _run("bench/bench_collect.py", "--json", "--repeat", "1", "--latencies", "0",
                      "--feeds", str(feeds), "--hosts", str(min(30, feeds)),
                      "--port", str(port))  # fmt: skip
        rows.append({"feeds": feeds, **_last_json(output)[0]})  # type: ignore[index]
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reader-python", help="interpréteur Python où reader 3.x est installé")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--output", type=Path, default=ROOT / "BENCHMARKS.md")
    parser.add_argument("--port", type=int, default=8753, help="port du serveur du corpus")
    args = parser.parse_args()
    reader = (
        args.reader_python if args.reader_python and Path(args.reader_python).exists() else None
    )
    started = datetime.now(UTC)
    byte_compile(reader)
    load_before = load()
    figures = {
        "collect": collect_rows(reader, args.repeat, args.port),
        "dedup": _last_json(_run("bench/bench_dedup.py", "--json")),
        "scale": scale_rows(args.port),
        "classify": _last_json(_run("bench/bench_classify.py", "--json")),
        "newsletter": _run("bench/bench_newsletter.py").strip().splitlines(),
        "inbox": _last_json(_run("bench/bench_inbox.py", "--json")),
        "preview": _last_json(_run("bench/bench_preview.py", "--json")),
    }
    if reader:
        figures["reader_version"] = subprocess.run(
            [reader, "-c", "import reader; print(reader.__version__)"],
            check=True, capture_output=True, text=True,
        ).stdout.strip()  # fmt: skip
    from report_markdown import render

    text = render(figures, machine(), started, time.time(), load_before, load())
    args.output.write_text(text, encoding="utf-8")
    print(f"{args.output.name} écrit", file=sys.stderr)


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    main()

"""Benchmark runner: ``python -m tests.benchmarks.run [--only NAME ...]`` (``make bench``).

Each ``bench_<name>.py`` module defines ``run(report)``. The runner starts one throwaway embedded
cluster (fsync off, like the tests), gives every benchmark ``report.new_database()`` (a fresh
migrated database), ``report.shared_data`` (the open-data pack, or None), and collects figures
with ``report.record(...)``. Results go to tests/benchmarks/reports/<timestamp>.md and .json.
Benchmarks never run inside ``make test``: speed is measured here, not asserted in tests.
"""
from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import statistics
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
REPORTS = HERE / "reports"


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100)."""
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, int(round(p / 100 * len(ordered) + 0.5)) - 1))
    return ordered[k]


#: The speed probe's work: a pure-Python loop of additions, one core, no I/O.
PROBE_ADDITIONS = 10_000_000


def speed_probe() -> float:
    """Seconds this machine takes right now for ``PROBE_ADDITIONS`` additions in a Python loop.

    The machine's speed varies 1.4-2x from hour to hour (a shared VM): each benchmark records
    the probe taken just before it, so figures of reports taken at different hours can be
    compared (0.35-0.45 s in the afternoon of 3 December 2026)."""
    t0 = time.perf_counter()
    total = 0
    for i in range(PROBE_ADDITIONS):
        total += i
    return time.perf_counter() - t0


def timed(fn, repeat: int, warmup: int = 3) -> list[float]:
    """Milliseconds of ``repeat`` calls of ``fn`` after ``warmup`` unmeasured calls."""
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


#: (profession code, share) roughly like the French directory of health professionals.
PROFESSION_MIX = [("60", 0.27), ("10", 0.22), ("70", 0.10), ("21", 0.08), ("40", 0.05),
                  ("psychologue", 0.06), ("50", 0.03), ("91", 0.03), ("80", 0.02), ("92", 0.01),
                  ("96", 0.01), ("95", 0.01), ("94", 0.01), ("26", 0.01), ("28", 0.02),
                  ("35", 0.06)]


def profession_case(mix=PROFESSION_MIX, column: str = "r") -> str:
    """SQL ``CASE`` drawing a profession code from a uniform random ``column`` in [0, 1)."""
    acc, parts = 0.0, []
    for code, share in mix[:-1]:
        acc += share
        parts.append(f"WHEN {column} < {acc:.4f} THEN '{code}'")
    return f"CASE {' '.join(parts)} ELSE '{mix[-1][0]}' END"


class BenchServer:
    """The app under waitress (the WSGI server of ``mapper serve``) on a free local port, in a
    thread: benchmarks measure through real HTTP, not the Flask test client. Keyword arguments
    override settings (a stand-in's ``ban_base_url``…)."""

    def __init__(self, url: str, threads: int = 4, **settings):
        import threading

        from waitress.server import create_server

        from mapper import create_app
        from mapper.config import Settings
        from mapper.http.serving import prepare

        self.app = create_app(Settings.from_env({}).replace(
            **{"database_url": url, "tiles_url": None,
               "ban_base_url": "http://127.0.0.1:9/geocodage", **settings}))
        prepare(self.app)  # as ``mapper serve`` does
        self.server = create_server(self.app, host="127.0.0.1", port=0, threads=threads,
                                    ident="bench")
        self.port = self.server.effective_port
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            self.server.run()
        except OSError:  # the listening socket closed under the loop at shutdown
            pass

    def close(self) -> None:
        self.server.close()


class ProcessServer:
    """A ``BenchServer`` in a child process, for the browser benchmarks: their client
    (Playwright's sync API) runs in this process, and a server in a thread of it would share
    its interpreter lock with the client's own work, as no deployed server does."""

    def __init__(self, url: str, **settings):
        import subprocess
        import sys

        code = ("import json, sys; from tests.benchmarks.run import BenchServer; "
                "s = BenchServer(sys.argv[1], **json.loads(sys.argv[2])); "
                "print(s.port, flush=True); sys.stdin.read(); s.close()")
        self.process = subprocess.Popen([sys.executable, "-c", code, url, json.dumps(settings)],
                                        cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        text=True)
        self.port = int(self.process.stdout.readline())
        self.url = f"http://127.0.0.1:{self.port}"

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=60)


@dataclass
class Figure:
    benchmark: str
    name: str
    value: float
    unit: str
    target: float | None = None

    @property
    def ok(self) -> bool | None:
        return None if self.target is None else self.value <= self.target


@dataclass
class Report:
    cluster: object = None
    shared_data: Path | None = None
    current: str = ""
    figures: list[Figure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    _n: int = 0
    _databases: list[str] = field(default_factory=list)

    def new_database(self, prefix: str | None = None) -> str:
        from mapper.migrate import upgrade

        self._n += 1
        name = f"bench_{prefix or self.current}_{self._n}"
        url = self.cluster.create_database(name)
        self._databases.append(name)
        upgrade(url)
        return url

    def drop_databases(self) -> None:
        """Drop the databases of the benchmark that just ended. Left in the cluster, the
        million-row worlds of the directory, colleagues, diagnostic… benchmarks stayed until
        the end of the run (gigabytes of disk), with autovacuum still working on their tables
        while the next benchmarks measured."""
        while self._databases:
            self.cluster.drop_database(self._databases.pop())

    def record(self, name: str, value: float, unit: str, target: float | None = None) -> None:
        fig = Figure(self.current, name, round(value, 3), unit, target)
        self.figures.append(fig)
        status = "" if fig.ok is None else ("  OK" if fig.ok else "  MISSED")
        tgt = "" if target is None else f" (target ≤ {target} {unit})"
        print(f"[{self.current}] {name}: {fig.value} {unit}{tgt}{status}", flush=True)

    def record_latencies(self, name: str, ms: list[float], target_p95: float | None = None) -> None:
        self.record(f"{name} p50", statistics.median(ms), "ms")
        self.record(f"{name} p95", percentile(ms, 95), "ms", target_p95)

    def note(self, text: str) -> None:
        self.notes.append(f"[{self.current}] {text}")
        print(f"[{self.current}] {text}", flush=True)


def discover() -> list[str]:
    return sorted(p.stem[len("bench_"):] for p in HERE.glob("bench_*.py"))


def write(report: Report) -> Path:
    REPORTS.mkdir(exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    machine = f"{platform.node()} {os.cpu_count()} cores, Python {platform.python_version()}"
    data = {"when": stamp, "machine": machine,
            "figures": [f.__dict__ | {"ok": f.ok} for f in report.figures],
            "notes": report.notes, "failures": report.failures}
    (REPORTS / f"{stamp}.json").write_text(json.dumps(data, indent=2, ensure_ascii=False))
    lines = [f"# Benchmarks {stamp}", "", f"Machine: {machine}", "",
             "| benchmark | figure | value | target | |", "|---|---|---|---|---|"]
    for f in report.figures:
        tgt = "" if f.target is None else f"≤ {f.target} {f.unit}"
        ok = "" if f.ok is None else ("ok" if f.ok else "**missed**")
        lines.append(f"| {f.benchmark} | {f.name} | {f.value} {f.unit} | {tgt} | {ok} |")
    lines += ["", *[f"- {n}" for n in report.notes], *[f"- FAILED {x}" for x in report.failures]]
    path = REPORTS / f"{stamp}.md"
    path.write_text("\n".join(lines) + "\n")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", action="append", choices=discover())
    args = parser.parse_args(argv)
    from mapper.embedded import EmbeddedCluster

    shared = Path(os.environ.get("MAPPER_SHARED_DATA", REPO.parent / "shared" / "data"))
    root = Path(tempfile.mkdtemp(prefix="mapper-bench-"))
    root.chmod(0o755)
    cluster = EmbeddedCluster(root / "pg", fast_and_unsafe=True)
    cluster.start()
    report = Report(cluster=cluster, shared_data=shared if shared.is_dir() else None)
    try:
        for name in args.only or discover():
            report.current = name
            module = importlib.import_module(f"tests.benchmarks.bench_{name}")
            report.record(f"machine speed probe just before ({PROBE_ADDITIONS:,} Python additions)",
                          speed_probe(), "s")
            t0 = time.perf_counter()
            try:
                module.run(report)
            except Exception:  # keep the other benchmarks going, report the failure
                report.failures.append(f"{name}: {traceback.format_exc()}")
                print(traceback.format_exc(), flush=True)
            finally:
                report.drop_databases()
            report.note(f"took {time.perf_counter() - t0:.1f} s")
    finally:
        cluster.destroy()
    path = write(report)
    print(f"report: {path}")
    missed = [f for f in report.figures if f.ok is False]
    return 1 if report.failures or missed else 0


if __name__ == "__main__":
    raise SystemExit(main())

#!/usr/bin/env python3
"""`tako status` with many runs in the store (docs/STATE.md, issue 14's goal: <= 20 ms each).

Fills <home>/tako.db with N root runs (default 10,000) of 3 steps each, written row by row with
Python's sqlite3 in the project's schema (read from src/tako/store/schema.cpp, as the CLI tests do),
then times whole `tako status` (the list, 20 rows), `tako status <id>` (one tree) and
`tako status <id> --json`, interleaved, medians of --reps runs.

usage: bench_status.py --tako BUILD/tako [--runs 10000] [--reps 15]
"""
import argparse
import contextlib
import os
import pathlib
import re
import sqlite3
import statistics
import subprocess
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]


def schema():
    src = (ROOT / "src" / "tako" / "store" / "schema.cpp").read_text()
    steps = re.findall(r'constexpr const char\* kV\d+ = R"sql\((.*?)\)sql";', src, re.S)
    return steps


def fill(path, n):
    with contextlib.closing(sqlite3.connect(path)) as c, c:
        c.execute("PRAGMA journal_mode = WAL")
        for i, step in enumerate(schema()):
            c.executescript(step)
            c.execute(f"PRAGMA user_version = {i + 1}")
        base = 1_760_000_000 * 10**9
        for i in range(n):
            rid = f"exec-20251201-{i // 3600 % 24:02d}{i // 60 % 60:02d}{i % 60:02d}-{i:08x}"
            start = base + i * 10**9
            c.execute("INSERT INTO runs (run_id, root_run_id, ordinal, repository, path, workflow, status, depth, "
                      "isolation, workspace, inputs, cli_inputs, start_time, end_time, duration_ms, created_at, "
                      "tako_version, pid, hostname, updated_at) VALUES (?,?,0,'o/app','/src/app','release',"
                      "'completed',0,'shared',?, '{\"v\":\"1\"}','{}',?,?,1000,?, 'v0.1.0', 1, 'h', ?)",
                      (rid, rid, "/ws/" + rid, start, start + 10**9, start, start))
            for k, sid in enumerate(("build", "test", "publish")):
                c.execute("INSERT INTO steps (run_id, step_id, ordinal, kind, status, start_time, end_time, "
                          "duration_ms, exit_code, outputs, cached, long_running, log) VALUES "
                          "(?,?,?,'run','completed',?,?,300,0,'{\"x\":\"y\"}',0,0,?)",
                          (rid, sid, k, start + k, start + k + 1, f"logs/{sid}.log"))
            c.execute("INSERT INTO history (time, run_id, kind, data) VALUES (?,?,'run_finished','{}')", (start, rid))
    return rid


def timed(cmd, env):
    t = time.perf_counter()
    p = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    dt = time.perf_counter() - t
    assert p.returncode == 0, p.stderr
    return dt


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tako", required=True)
    ap.add_argument("--runs", type=int, default=10000)
    ap.add_argument("--reps", type=int, default=15)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="tako-bench-status-") as tmp:
        home = os.path.join(tmp, "home")
        os.makedirs(home)
        last = fill(os.path.join(home, "tako.db"), a.runs)
        env = dict(os.environ, TAKO_HOME=home, NO_COLOR="1")
        cmds = {"tako version (process floor)": [a.tako, "version"],
                "tako status (list of 20)": [a.tako, "status"],
                "tako status <id>": [a.tako, "status", last],
                "tako status <id> --json": [a.tako, "status", last, "--json"]}
        times = {k: [] for k in cmds}
        for _ in range(a.reps):
            for k, c in cmds.items():
                times[k].append(timed(c, env))
        print(f"{a.runs} runs in the store")
        for k, v in times.items():
            print(f"{k:40s} {statistics.median(v) * 1000:8.2f} ms   (goal <= 20 ms)")


if __name__ == "__main__":
    main()

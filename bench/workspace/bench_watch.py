#!/usr/bin/env python3
"""`tako status --watch` redrawing a 1,000-run tree (docs/CLI.md "Live view"; issue 17's goal: <= 20 ms).

Runs one real fan-out (a root that fans out to N-1 subscribers, default 999, of two `true` steps each) with
`tako exec --progress plain`, so the store holds a finished tree of N runs written by tako itself. Then
times, interleaved, medians of --reps runs:
  * `tako version` (the process floor: start-up, no store);
  * `tako status <id>` (the §11.1 tree, for comparison);
  * `tako status --watch <id>` with stdout a pipe (reads the snapshot once: the tree is finished; renders
    without a width limit, exits);
  * the same on a pseudo-terminal (the live path: a LiveArea, terminal width, then the final tree).
On a finished tree --watch does exactly one read_view + render + write, so its time less the floor is the
cost of one redraw of the tree.

usage: bench_watch.py --tako BUILD/tako [--n 1000] [--reps 21] [--baseline OTHER/tako]
"""
import argparse
import json
import os
import pty
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_fanout import subscribers  # noqa: E402
from bench_live_view import on_pty  # noqa: E402


def tree_workspace(ws, children):
    subscribers(ws, children, steps='      - id: build\n        run: "true"\n      - id: test\n        run: "true"\n',
                workflow="two")


def timed(cmd, env):
    """Wall seconds and output; timed.cpu is the process's user+sys seconds (less noisy on a shared VM)."""
    t = time.perf_counter()
    p = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    out = p.stdout.read()
    _, status, usage = os.wait4(p.pid, 0)
    dt = time.perf_counter() - t
    p.stdout.close()
    p.returncode = os.waitstatus_to_exitcode(status)
    assert p.returncode == 0, cmd
    timed.cpu = usage.ru_utime + usage.ru_stime
    return dt, out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tako", required=True)
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--reps", type=int, default=21)
    ap.add_argument("--baseline", help="another tako binary whose --watch (pipe) is timed interleaved")
    a = ap.parse_args()
    tako = os.path.abspath(a.tako)
    with tempfile.TemporaryDirectory(prefix="tako-bench-watch-") as tmp:
        env = dict(os.environ, TAKO_HOME=os.path.join(tmp, "home"), NO_COLOR="1", TERM="xterm")
        ws = os.path.join(tmp, "ws")
        tree_workspace(ws, a.n - 1)
        t = time.perf_counter()
        p = subprocess.run([tako, "exec", "release", "--local", "--progress", "plain"], cwd=os.path.join(ws, "src"),
                           env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        assert p.returncode == 0, p.stderr[-2000:]
        print(f"fan-out to {a.n - 1} children written in {time.perf_counter() - t:.1f} s")
        rows = json.loads(subprocess.run([tako, "status", "--json"], env=env, capture_output=True, check=True).stdout)
        rid = rows[0]["run_id"]
        tree = json.loads(subprocess.run([tako, "status", rid, "--json"], env=env, capture_output=True,
                                         check=True).stdout)
        runs = [tree["root"]]
        count = 0
        while runs:
            r = runs.pop()
            count += 1
            runs.extend(r.get("children", []))
        assert count == a.n, f"{count} runs in the tree, wanted {a.n}"
        _, out = timed([tako, "status", "--watch", rid], env)
        lines = out.decode().splitlines()
        assert len(lines) >= a.n, f"--watch printed {len(lines)} lines for {a.n} runs"

        cmds = {
            "tako version (process floor)": lambda: (timed([tako, "version"], env)[0], timed.cpu),
            "tako status <id>": lambda: (timed([tako, "status", rid], env)[0], timed.cpu),
            "tako status --watch <id> (pipe)": lambda: (timed([tako, "status", "--watch", rid], env)[0], timed.cpu),
            "tako status --watch <id> (pty)": lambda: (on_pty([tako, "status", "--watch", rid], tmp, env)[0],
                                                       on_pty.cpu),
        }
        if a.baseline:
            base = os.path.abspath(a.baseline)
            cmds["baseline: status --watch <id> (pipe)"] = lambda: (
                timed([base, "status", "--watch", rid], env)[0], timed.cpu)
        times = {k: [] for k in cmds}
        cpus = {k: [] for k in cmds}
        for _ in range(a.reps):
            for k, f in cmds.items():
                wall, cpu = f()
                times[k].append(wall)
                cpus[k].append(cpu)
        print(f"a finished tree of {count} runs, {len(lines)} lines printed by --watch; medians of {a.reps}")
        floor = statistics.median(times["tako version (process floor)"])
        cpu_floor = statistics.median(cpus["tako version (process floor)"])
        for k, v in times.items():
            m = statistics.median(v)
            q = statistics.quantiles(v, n=4)
            print(f"{k:36s} {m * 1000:8.2f} ms  (IQR {q[0] * 1000:.2f}-{q[2] * 1000:.2f})"
                  f"  less floor {(m - floor) * 1000:6.2f} ms;  CPU {statistics.median(cpus[k]) * 1000:6.2f} ms,"
                  f" less floor {(statistics.median(cpus[k]) - cpu_floor) * 1000:6.2f} ms")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Whole-process benchmarks of tako on generated workspaces (issue 2 goals).

Measures, side by side in one run:
  * `tako run --local -j2 true` over N repositories vs `make -j2` running the
    same N `bash -c true` commands over the same DAG;
  * `tako run --dry-run` and `tako graph --format json` for N repositories;
  * `tako version`;
  * peak RSS of tako for the N-repository run.
Reports medians of several repetitions. Goals live in docs/PERFORMANCE.md.

usage: bench_workspace.py --tako BUILD/tako [--n 1000] [--reps 5]
"""
import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def timed(cmd, cwd, env, reps):
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        p = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        times.append(time.perf_counter() - t)
        if p.returncode != 0:
            sys.exit(f"command failed: {cmd}: {p.stderr.decode()[-2000:]}")
    return statistics.median(times)


def peak_rss_mb(cmd, cwd, env):
    # ru_maxrss of the largest child so far; run in a fresh interpreter so only this command counts.
    code = ("import resource,subprocess,sys;"
            "subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL,stderr=subprocess.DEVNULL,check=True);"
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    out = subprocess.run([sys.executable, "-c", code, *cmd], cwd=cwd, env=env, check=True,
                         capture_output=True, text=True).stdout
    return int(out.strip()) / 1024.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tako", required=True)
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--reps", type=int, default=5)
    args = ap.parse_args()
    tako = os.path.abspath(args.tako)
    with tempfile.TemporaryDirectory(prefix="tako-bench-") as tmp:
        ws = os.path.join(tmp, "ws")
        subprocess.run([sys.executable, os.path.join(HERE, "gen_workspace.py"), ws, str(args.n), "--makefile"],
                       check=True)
        env = dict(os.environ, TAKO_HOME=os.path.join(tmp, "home"), NO_COLOR="1")
        root = os.path.join(ws, "r0")
        results = []
        make = timed(["make", "-s", "-j2", "-f", os.path.join(ws, "Makefile")], ws, env, args.reps)
        run = timed([tako, "run", "--local", "-j2", "true"], root, env, args.reps)
        results.append((f"make -j2: {args.n} x bash -c true", make, None))
        results.append((f"tako run --local -j2 true ({args.n} repos)", run, f"{run / make:.2f}x make (goal <= 1.5x)"))
        dry = timed([tako, "run", "--local", "--dry-run", "true"], root, env, args.reps)
        results.append((f"tako run --dry-run ({args.n} repos)", dry, "goal <= 100 ms"))
        graph = timed([tako, "graph", "--local", "--format", "json"], root, env, args.reps)
        results.append((f"tako graph --format json ({args.n} repos)", graph, "goal <= 100 ms"))
        version = timed([tako, "version"], root, env, max(args.reps, 20))
        results.append(("tako version", version, "goal <= 5 ms"))
        rss = peak_rss_mb([tako, "run", "--local", "-j2", "true"], root, env)
        for name, secs, note in results:
            print(f"{name:55s} {secs * 1000:9.1f} ms" + (f"   {note}" if note else ""))
        print(f"{'peak RSS, tako run over ' + str(args.n) + ' repos':55s} {rss:9.1f} MB   goal <= 50 MB")


if __name__ == "__main__":
    main()

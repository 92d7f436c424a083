#!/usr/bin/env python3
"""Cost of the live view (docs/CLI.md "Live view").

The fan-out of bench_fanout.py (one repository fans out to N one-step subscribers, default 200,
--max-concurrent-repos 2) run by `tako exec` on a pseudo-terminal, with the view
(`--progress tty`) and without it (`--progress plain`), interleaved (this VM's speed drifts).
The issue's bound: the view costs <= 3 % wall time.

usage: bench_live_view.py --tako BUILD/tako [--n 200] [--reps 5]
"""
import argparse
import errno
import os
import pty
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_fanout import fan_out_workspace  # noqa: E402


def on_pty(cmd, cwd, env):
    """Runs cmd with a pseudo-terminal as stdin/stdout/stderr, reading all it writes; returns seconds."""
    master, slave = pty.openpty()
    t = time.perf_counter()
    p = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=slave, stdout=slave, stderr=slave, start_new_session=True)
    os.close(slave)
    out = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError as e:
            if e.errno != errno.EIO:
                raise
            break
        if not chunk:
            break
        out += chunk
    _, status, usage = os.wait4(p.pid, 0)  # the child's CPU time: less noisy than wall time here
    p.returncode = code = os.waitstatus_to_exitcode(status)
    dt = time.perf_counter() - t
    on_pty.cpu = usage.ru_utime + usage.ru_stime
    os.close(master)
    if code != 0:
        sys.exit(f"command failed: {cmd}\n{out[-2000:].decode(errors='replace')}")
    return dt, out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tako", required=True)
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--reps", type=int, default=5)
    args = ap.parse_args()
    tako = os.path.abspath(args.tako)
    with tempfile.TemporaryDirectory(prefix="tako-bench-live-") as tmp:
        env = dict(os.environ, TAKO_HOME=os.path.join(tmp, "home"), NO_COLOR="1", TERM="xterm")
        ws = os.path.join(tmp, "fan")
        fan_out_workspace(ws, args.n)
        base = [tako, "exec", "release", "--local", "--max-concurrent-repos", "2"]
        plain, live, plain_cpu, live_cpu = [], [], [], []
        for _ in range(args.reps):
            plain.append(on_pty(base + ["--progress", "plain"], os.path.join(ws, "src"), env)[0])
            plain_cpu.append(on_pty.cpu)
            dt, out = on_pty(base + ["--progress", "tty"], os.path.join(ws, "src"), env)
            assert b"\x1b[J" in out, "the view was not drawn"
            live.append(dt)
            live_cpu.append(on_pty.cpu)
        p, v = statistics.median(plain), statistics.median(live)
        print(f"{'tako exec, fan-out to ' + str(args.n) + ', --progress plain (pty)':60s} {p * 1000:9.1f} ms")
        print(f"{'tako exec, fan-out to ' + str(args.n) + ', --progress tty (pty)':60s} {v * 1000:9.1f} ms"
              f"   {(v / p - 1) * 100:+.1f} % (goal <= +3 %)")
        pc, vc = statistics.median(plain_cpu), statistics.median(live_cpu)
        print(f"{'CPU time (user+sys of tako and its steps), plain / tty':60s} {pc * 1000:9.1f} ms / {vc * 1000:.1f} ms"
              f"   {(vc / pc - 1) * 100:+.1f} %")
        # Pairs run back to back share the VM's momentary speed: the median of per-pair ratios and
        # its quartiles say how much of the difference is noise.
        ratios = sorted((b / a - 1) * 100 for a, b in zip(plain, live))
        if len(ratios) >= 4:
            q = statistics.quantiles(ratios, n=4)
            print(f"{'per-pair tty/plain, median (quartiles)':60s} {statistics.median(ratios):+9.1f} %"
                  f"   ({q[0]:+.1f} % .. {q[2]:+.1f} %), {len(ratios)} pairs")


if __name__ == "__main__":
    main()

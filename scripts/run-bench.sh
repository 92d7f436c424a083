#!/usr/bin/env bash
# Runs every benchmark against one build directory: the Google Benchmark
# executables (bench_*) and the whole-process workspace benchmarks.
set -euo pipefail
build=$1
root=$(cd "$(dirname "$0")/.." && pwd)
python=${PYTHON:-/usr/bin/python3}
for b in $(find "$build/bench" -type f -name 'bench_*' -perm -u+x 2>/dev/null | sort); do
  echo "== $(basename "$b")"
  "$b" --benchmark_min_time=0.2
done
echo "== whole-process benchmarks"
"$python" "$root/bench/workspace/bench_workspace.py" --tako "$build/tako" --n 1000
"$python" "$root/bench/workspace/bench_exec.py" --tako "$build/tako"
"$python" "$root/bench/workspace/bench_fanout.py" --tako "$build/tako"
"$python" "$root/bench/workspace/bench_status.py" --tako "$build/tako"
"$python" "$root/bench/workspace/bench_watch.py" --tako "$build/tako"
"$python" "$root/bench/workspace/bench_live_view.py" --tako "$build/tako" --reps 21

#!/usr/bin/env bash
# Runs every libFuzzer target of a -DTAKO_FUZZ=ON build for <seconds> each.
# Seeds come from fuzz/<module>/corpus (read only); new inputs go to
# <build>/corpus/<target>, so the committed seed corpora stay small.
# Usage: scripts/run-fuzz.sh <build-dir> <seconds>
set -euo pipefail
build=$1
seconds=${2:-60}
root=$(cd "$(dirname "$0")/.." && pwd)
status=0
for fuzzer in $(find "$build/fuzz" -type f -perm -u+x \( -name '*fuzz*' \) | sort); do
  name=$(basename "$fuzzer")
  module=$(basename "$(dirname "$fuzzer")")
  work="$build/corpus/$name"
  mkdir -p "$work"
  args=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1)
  dict=$(find "$root/fuzz/$module" -maxdepth 1 -name '*.dict' | head -n 1)
  [[ -n "$dict" ]] && args+=(-dict="$dict")
  echo "== $name ($seconds s)"
  if ! UBSAN_OPTIONS=halt_on_error=1 "$fuzzer" "${args[@]}" -artifact_prefix="$build/$name-" \
      "$work" "$root/fuzz/$module/corpus"; then
    echo "error: $name found a failure (artifacts: $build/$name-*)" >&2
    status=1
  fi
done
exit $status

#!/usr/bin/env bash
# Runs every test suite against one build directory:
#   unit tests (ctest), the black-box CLI suite (pytest), the YAML conformance run
#   (yaml-test-suite, must pass 402/402) and the CEL conformance gate.
# Usage: scripts/run-tests.sh <build-dir> [<cel-conformance-dir>]   (default: tests/conformance/cel/data)
set -euo pipefail
build=$1
conformance=${2:-}
root=$(cd "$(dirname "$0")/.." && pwd)
conformance=${conformance:-$root/tests/conformance/cel/data}
python=${PYTHON:-/usr/bin/python3}
jobs=$(nproc)
failed=0

echo "== unit tests ($build)"
(cd "$build" && ctest --output-on-failure -j "$jobs") || failed=1

echo "== CLI tests ($build/tako)"
TAKO_BIN="$build/tako" "$python" -m pytest -q -p no:cacheprovider "$root/tests/cli" || failed=1

echo "== YAML conformance"
"$python" "$root/tests/conformance/yaml/run.py" --tako "$build/tako" || failed=1

if [[ -f "$root/tests/conformance/cel/gate.py" ]]; then
  if [[ -n "$conformance" && -d "$conformance" ]]; then
    echo "== CEL conformance gate"
    "$python" "$root/tests/conformance/cel/gate.py" --tako "$build/tako" --conformance-dir "$conformance" || failed=1
  else
    echo "error: CEL conformance data not found at '$conformance' (expected tests/conformance/cel/data)" >&2
    failed=1
  fi
fi

exit $failed

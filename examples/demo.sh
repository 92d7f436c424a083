#!/usr/bin/env bash
# The demo behind `make demo`: builds a throw-away workspace of real git
# repositories from examples/workspace and runs tako's main jobs on it.
set -euo pipefail
tako=${1:?usage: demo.sh <path to tako>}
here=$(cd "$(dirname "$0")" && pwd)
ws="$here/.workspace"
rm -rf "$ws"
mkdir -p "$ws/src" "$ws/remotes/my-org"

export TAKO_HOME="$ws/home"
export TAKO_REMOTE_URL_TEMPLATE="file://$ws/remotes/{owner}/{repo}.git"
export GIT_AUTHOR_NAME=tako-demo GIT_AUTHOR_EMAIL=demo@example.invalid
export GIT_COMMITTER_NAME=tako-demo GIT_COMMITTER_EMAIL=demo@example.invalid

for dir in "$here"/workspace/*/; do
  name=$(basename "$dir")
  cp -R "$dir" "$ws/src/$name"
  git -C "$ws/src/$name" init -q -b main
  git -C "$ws/src/$name" add -A
  git -C "$ws/src/$name" commit -q -m "initial $name"
  git init -q --bare -b main "$ws/remotes/my-org/$name.git"
  git -C "$ws/src/$name" remote add origin "file://$ws/remotes/my-org/$name.git"
  git -C "$ws/src/$name" push -q origin main
done

step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }
cd "$ws/src/go-lib"

step "tako validate"
"$tako" validate

step "tako graph            # dependents are cloned from the bare remotes into the cache"
"$tako" graph

step "tako graph --local --format mermaid"
"$tako" graph --local --format mermaid

step "tako run --dry-run --local 'make test'"
"$tako" run --dry-run --local 'make test'

step "tako run --local -j 2 'echo \"building \$TAKO_REPO in \$(basename \$PWD)\"'"
"$tako" run --local -j 2 'echo "building $TAKO_REPO in $(basename $PWD)"'

step "tako run --local --serial --ignore my-org/app-one 'git log --oneline | head -1'"
"$tako" run --local --serial --ignore my-org/app-one 'git log --oneline | head -1'

# The release cascade of REFERENCE.md Appendix B: go-lib's release fans out a
# library_built event; app-one's subscription matches and its own fan-out
# deploys app-two; the exec waits for the whole tree.
step "tako exec release --local --inputs.version=1.4.0"
"$tako" exec release --local --inputs.version=1.4.0

run_id=$("$tako" status --json --limit 1 | sed -n 's/.*"run_id": "\(exec-[^"]*\)".*/\1/p' | head -n 1)
step "tako status $run_id"
"$tako" status "$run_id"

step "cat ../app-two/deployed.txt"
cat ../app-two/deployed.txt

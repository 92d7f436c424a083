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

# app-one's tests run in a container: an image built here, offline, from Debian's static
# busybox (podman import; no registry needed). podman reads CONTAINERS_CONF: runc as the
# runtime and no default ulimits work on every host kernel setup we know of.
export CONTAINERS_CONF="$ws/containers.conf"
printf '[containers]\ndefault_ulimits = []\n[engine]\nruntime = "runc"\n' > "$CONTAINERS_CONF"
image=localhost/tako-demo-busybox:1
if ! podman image exists "$image" 2>/dev/null; then
  root="$ws/image-root"
  mkdir -p "$root/bin" "$root/tmp" "$root/etc"
  chmod 1777 "$root/tmp"
  cp "$(command -v busybox)" "$root/bin/busybox"
  for applet in $("$root/bin/busybox" --list); do
    [ "$applet" = busybox ] || ln -sf busybox "$root/bin/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\ntako:x:1001:1001:tako:/tmp:/bin/sh\n' > "$root/etc/passwd"
  tar -C "$root" -cf "$ws/image.tar" .
  step "podman import image.tar $image   # the container image of app-one's tests, built offline"
  podman import --change 'ENV PATH=/bin' "$ws/image.tar" "$image" > /dev/null 2>&1
  echo "imported $image"
fi

# The release cascade (REFERENCE.md Appendix B, extended): go-lib's release fans out a
# library_built event; app-one's subscription matches: it runs its tests in a container,
# bumps its go.mod to the new go-lib and pushes a branch with the change to its origin
# (tako/create-pull-request@v1; a pull request through `gh` for github.com origins), then its
# own fan-out deploys app-two. Without --local, dependents run in checkouts cloned from the
# bare remotes into the cache; the exec waits for the whole tree.
step "tako exec release --inputs.version=1.4.0 --verbose"
"$tako" exec release --inputs.version=1.4.0 --verbose

step "cat \$TAKO_HOME/cache/repos/my-org/app-two/main/deployed.txt"
cat "$TAKO_HOME/cache/repos/my-org/app-two/main/deployed.txt"

run_id=$("$tako" status --json --limit 1 | sed -n 's/.*"run_id": "\(exec-[^"]*\)".*/\1/p' | head -n 1)
step "tako status $run_id"
"$tako" status "$run_id"

step "tako report $run_id -o report.html   # the timeline, tree and events as one offline HTML page"
"$tako" report "$run_id" -o "$ws/report.html"

step "git -C remotes/my-org/app-one.git log --oneline main tako/go-lib-1.4.0   # the pushed branch"
git --git-dir "$ws/remotes/my-org/app-one.git" log --oneline main tako/go-lib-1.4.0
step "git -C remotes/my-org/app-one.git diff main tako/go-lib-1.4.0"
git --git-dir "$ws/remotes/my-org/app-one.git" --no-pager diff main tako/go-lib-1.4.0


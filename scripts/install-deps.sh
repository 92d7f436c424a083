#!/usr/bin/env bash
# Installs the Debian 12 packages tako needs to build, test, benchmark and fuzz.
# Idempotent: only missing packages are installed, so a prepared machine pays nothing.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config git ca-certificates
  libfyaml-dev nlohmann-json3-dev libcli11-dev libfmt-dev libssl-dev
  libre2-dev libhowardhinnant-date-dev tzdata
  libsqlite3-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  clang libclang-rt-14-dev llvm
  python3 python3-pytest gcovr
  # tests of `tako schema` (jsonschema 4.10: draft 2020-12), of the completion scripts in each shell,
  # and of the man page and the .deb (dpkg-dev: dpkg-shlibdeps for cpack)
  python3-jsonschema bash-completion zsh fish groff-base dpkg-dev
  # `tako report` is rendered by headless Chromium in tests/cli/test_report_browser.py
  chromium
)
# Container steps (REFERENCE.md §12) are tested with real podman; runc is the OCI runtime the
# tests configure (tests/cli/container_util.py), busybox-static the content of the offline test
# image. TAKO_WITH_CONTAINERS=0 leaves them out (the container suite then fails, it never skips).
if [[ "${TAKO_WITH_CONTAINERS:-1}" == "1" ]]; then
  PACKAGES+=(podman runc busybox-static)
fi
# The Slurm executor (docs/SCALE-OUT.md) is tested against a real single-node cluster that
# scripts/slurm-cluster.sh starts under a temp dir. TAKO_WITH_SLURM=0 leaves the packages out
# (tests/cli/test_slurm.py then fails with a message, it never skips).
if [[ "${TAKO_WITH_SLURM:-1}" == "1" ]]; then
  PACKAGES+=(slurmctld slurmd slurm-client munge)
fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

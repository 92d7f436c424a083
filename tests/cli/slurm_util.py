"""A real single-node Slurm cluster for the Slurm executor's tests (docs/SCALE-OUT.md). No tests here.

`slurm_cluster` (session scope) starts munged + slurmctld + slurmd under a temp dir with
scripts/slurm-cluster.sh once per session and stops them at the end. Missing packages fail the
suite with a message naming them (scripts/install-deps.sh installs them): a silent skip would
hide a missing executor test in CI."""
import os
import pathlib
import shutil
import subprocess
import tempfile

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "slurm-cluster.sh"
BINARIES = ("munged", "mungekey", "slurmctld", "slurmd", "sbatch", "sinfo", "squeue", "scancel", "scontrol")


def _missing() -> list:
    path = os.environ.get("PATH", "") + ":/usr/sbin:/sbin"
    return [b for b in BINARIES if shutil.which(b, path=path) is None]


class Cluster:
    def __init__(self, root: pathlib.Path, conf: str):
        self.root = root
        self.conf = conf

    def env(self) -> dict:
        return {"SLURM_CONF": self.conf}

    def run(self, *args, check=True) -> subprocess.CompletedProcess:
        e = dict(os.environ)
        e["SLURM_CONF"] = self.conf
        return subprocess.run(list(args), env=e, capture_output=True, text=True, check=check, timeout=60)

    def jobs(self, prefix: str = "tako-") -> list:
        """Active jobs (pending, running, completing) whose name starts with `prefix`: [(id, name, state)]."""
        out = self.run("squeue", "-h", "-o", "%i|%j|%T").stdout
        rows = [line.split("|") for line in out.splitlines() if line.strip()]
        return [tuple(r) for r in rows if r[1].startswith(prefix)]

    def cancel_all(self):
        ids = [j[0] for j in self.jobs("")]
        if ids:
            self.run("scancel", "--full", *ids, check=False)


@pytest.fixture(scope="session")
def slurm_cluster():
    missing = _missing()
    if missing:
        pytest.fail("the Slurm tests need a local cluster, but " + ", ".join(missing) +
                    " are missing: install slurmctld slurmd slurm-client munge (scripts/install-deps.sh)",
                    pytrace=False)
    # Not below pytest's tmp dir: munged wants every directory above its socket to be o+x.
    root = pathlib.Path(tempfile.mkdtemp(prefix="tako-slurm-", dir="/tmp"))
    started = subprocess.run([str(SCRIPT), "start", str(root)], capture_output=True, text=True, timeout=120)
    if started.returncode != 0:
        subprocess.run([str(SCRIPT), "stop", str(root)], capture_output=True, timeout=120)
        pytest.fail("scripts/slurm-cluster.sh start failed:\n" + started.stderr, pytrace=False)
    conf = next(line.split("=", 1)[1] for line in started.stdout.splitlines() if line.startswith("SLURM_CONF="))
    try:
        yield Cluster(root, conf)
    finally:
        stopped = subprocess.run([str(SCRIPT), "stop", str(root)], capture_output=True, text=True, timeout=120)
        if stopped.returncode == 0:
            shutil.rmtree(root, ignore_errors=True)

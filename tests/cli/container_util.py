"""Real podman for the container suite (REFERENCE.md §12). No tests here.

The test image is built offline, once, from the host's static busybox (`podman import`; no
registry is reachable in the test environment) under a tag of its own, and kept between
sessions. Every podman call, tako's and ours, reads CONTAINERS_CONF: runc as the OCI runtime
and no default ulimits, which works in unprivileged CI containers whose cgroups crun rejects
and where raising rlimits is not permitted."""
import os
import pathlib
import shutil
import subprocess
import tarfile
import tempfile

IMAGE = "localhost/tako-test-busybox:1"
MISSING_IMAGE = "localhost/tako-test-missing:1"

CONTAINERS_CONF = """\
[containers]
default_ulimits = []
[engine]
runtime = "runc"
"""


def conf_path() -> pathlib.Path:
    d = pathlib.Path(tempfile.gettempdir()) / "tako-test-podman"
    d.mkdir(exist_ok=True)
    p = d / "containers.conf"
    if not p.exists() or p.read_text() != CONTAINERS_CONF:
        p.write_text(CONTAINERS_CONF)
    return p


def podman_env() -> dict:
    e = dict(os.environ)
    e["CONTAINERS_CONF"] = str(conf_path())
    return e


def podman(*args, check=True) -> subprocess.CompletedProcess:
    return subprocess.run(["podman", *args], env=podman_env(), capture_output=True, text=True, check=check,
                          timeout=120)


def busybox_path() -> str:
    """The static busybox of Debian's busybox-static (a dynamic one would not run in the image)."""
    for p in ("/bin/busybox", "/usr/bin/busybox"):
        if os.path.exists(p):
            return p
    raise RuntimeError("busybox-static is required for the container tests (scripts/install-deps.sh)")


def build_image():
    """Builds IMAGE from a busybox rootfs unless it exists: /bin with one symlink per applet, /tmp 1777,
    /etc/passwd and /etc/group knowing uid/gid 1001, PATH=/bin."""
    if podman("image", "exists", IMAGE, check=False).returncode == 0:
        return
    bb = busybox_path()
    applets = subprocess.run([bb, "--list"], capture_output=True, text=True, check=True).stdout.split()
    with tempfile.TemporaryDirectory() as d:
        root = pathlib.Path(d) / "rootfs"
        (root / "bin").mkdir(parents=True)
        (root / "etc").mkdir()
        (root / "tmp").mkdir()
        os.chmod(root / "tmp", 0o1777)
        shutil.copy2(bb, root / "bin" / "busybox")
        for a in applets:
            if a != "busybox":
                os.symlink("busybox", root / "bin" / a)
        (root / "etc" / "passwd").write_text("root:x:0:0:root:/root:/bin/sh\ntako:x:1001:1001:tako:/tmp:/bin/sh\n")
        (root / "etc" / "group").write_text("root:x:0:\ntako:x:1001:\n")
        tar = pathlib.Path(d) / "rootfs.tar"
        with tarfile.open(tar, "w") as t:
            t.add(root, arcname=".")
        podman("import", "--change", "ENV PATH=/bin", str(tar), IMAGE)


def containers(prefix="tako-") -> list:
    """Names of all containers (running or not) whose name contains `prefix`."""
    r = podman("ps", "-a", "--filter", f"name={prefix}", "--format", "{{.Names}}")
    return [n for n in r.stdout.split() if n]


def remove_containers(prefix: str):
    for name in containers(prefix):
        podman("rm", "-f", name, check=False)

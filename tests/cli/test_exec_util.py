"""Helpers shared by the `tako exec` suites (test_exec_*.py). No tests here."""
import hashlib
import json
import os
import pathlib
import re
import signal
import subprocess
import time

from conftest import TAKO_BIN

RUN_ID = r"exec-\d{8}-\d{6}-[0-9a-f]{8}"
DUR = r"\(\d[^)]*\)"


# A step that makes tako's next state write fail: a directory where the write's temporary file
# `<id>.json.tmp.<pid>` goes. The step's shell parent is tako, so $PPID is tako's pid.
STATE_WRITE_BLOCKER = 'mkdir "$TAKO_HOME/state/$TAKO_RUN_ID.json.tmp.$PPID"'


def yml(workflows: str, name: str = "o/app", extra: str = "") -> str:
    """A tako.yml with metadata.name and the given (already indented) workflows block."""
    return f"version: '1'\nmetadata:\n  name: {name}\n{extra}workflows:\n{workflows}"


def run_id_of(out: str) -> str:
    m = re.search(r"Execution completed: (" + RUN_ID + ")", out)
    assert m, out
    return m.group(1)


def home(env) -> pathlib.Path:
    return pathlib.Path(env["TAKO_HOME"])


def state_path(env, run_id) -> pathlib.Path:
    return home(env) / "state" / f"{run_id}.json"


def load_state(env, run_id) -> dict:
    return json.loads(state_path(env, run_id).read_text())


def checksum(doc: dict) -> str:
    """§11.2: sha256 of the compact, key-sorted serialisation without `checksum`."""
    d = {k: v for k, v in doc.items() if k != "checksum"}
    compact = json.dumps(d, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(compact.encode()).hexdigest()


def steps_of(doc: dict) -> dict:
    return {s["id"]: s for s in doc["root"]["steps"]}


def wait_for(pred, timeout=30.0, what="condition"):
    """Polls pred() until truthy; returns its value. Fails after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        v = pred()
        if v:
            return v
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie still answers kill(0): check its state.
    try:
        stat = pathlib.Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def spawn(env, *args, cwd=None, extra_env=None, out=None, err=None) -> subprocess.Popen:
    """Starts tako in the background. out/err: paths to redirect to (default: pipes)."""
    e = dict(env)
    if extra_env:
        e.update(extra_env)
    stdout = open(out, "w") if out else subprocess.PIPE
    stderr = open(err, "w") if err else subprocess.PIPE
    try:
        return subprocess.Popen([TAKO_BIN, *map(str, args)], cwd=cwd, env=e, stdout=stdout, stderr=stderr,
                                text=True)
    finally:
        for f in (stdout, stderr):
            if f is not subprocess.PIPE:
                f.close()


def kill_if_running(*procs):
    """For `finally:` blocks: kills and reaps every started process that has not exited."""
    for p in procs:
        if p is not None and p.poll() is None:
            p.kill()
            p.wait()


def all_files(root: pathlib.Path):
    for dirpath, _, files in os.walk(root):
        for f in files:
            yield pathlib.Path(dirpath) / f


def read_pid(path: pathlib.Path) -> int:
    return int(wait_for(lambda: path.exists() and path.read_text().strip(), what=f"pid file {path}"))


def wait_dead(pid: int, timeout=15.0):
    wait_for(lambda: not pid_alive(pid), timeout=timeout, what=f"pid {pid} to exit")


__all__ = ["RUN_ID", "DUR", "yml", "run_id_of", "home", "state_path", "load_state", "checksum", "steps_of",
           "wait_for", "pid_alive", "spawn", "all_files", "read_pid", "wait_dead", "signal", "kill_if_running"]


def exec_twice_serialises(app, env1, env2, tmp_path, first_run, second_run):
    """Starts `tako exec w` in `app` under env1, then under env2 while the first holds the repository lock.
    Checks the second waits with the lock message and starts its step only after the first has ended.
    The workflow writes start/end to order.log, its pid to <run id>.pid, and waits for release-<run id>.
    first_run() and second_run(first_id) find the run ids. Returns (first id, second id, wait message)."""
    p1 = spawn(env1, "exec", "w", cwd=app, out=tmp_path / "1.out", err=tmp_path / "1.err")
    p2 = None
    try:
        id1 = wait_for(first_run, what="first run")
        read_pid(tmp_path / f"{id1}.pid")
        p2 = spawn(env2, "exec", "w", cwd=app, out=tmp_path / "2.out", err=tmp_path / "2.err")
        expected = f"waiting for lock on o/app (held by run {id1}, pid {p1.pid})\n"
        wait_for(lambda: (tmp_path / "2.err").read_text() == expected, what="wait message")
        # The second run has not started its step while the first holds the lock.
        assert (tmp_path / "order.log").read_text() == f"start {id1}\n"
        (tmp_path / f"release-{id1}").write_text("")
        assert p1.wait(timeout=60) == 0
        id2 = wait_for(lambda: second_run(id1), what="second run")
        read_pid(tmp_path / f"{id2}.pid")
        (tmp_path / f"release-{id2}").write_text("")
        assert p2.wait(timeout=60) == 0, (tmp_path / "2.err").read_text()
    finally:
        kill_if_running(p1, p2)
    assert (tmp_path / "order.log").read_text() == f"start {id1}\nend {id1}\nstart {id2}\nend {id2}\n"
    return id1, id2, expected

"""Helpers shared by the `tako exec` suites (test_exec_*.py). No tests here."""
import contextlib
import json
import os
import pathlib
import re
import signal
import sqlite3
import subprocess
import time

from conftest import TAKO_BIN

RUN_ID = r"exec-\d{8}-\d{6}-[0-9a-f]{8}"
DUR = r"\(\d[^)]*\)"


# A step that makes tako's next state commit for its run fail: a trigger in the real store that
# aborts every history row of the run (every journal verb writes one) with `blocked by test`.
STATE_WRITE_BLOCKER = ('python3 -c "import os, sqlite3; c = sqlite3.connect(os.environ[\\"TAKO_HOME\\"] + \\"/tako.db\\"); '
                       'r = os.environ[\\"TAKO_RUN_ID\\"]; c.execute(\\"CREATE TRIGGER block_\\" + r.replace(\\"-\\", \\"_\\") + \\" BEFORE INSERT ON history WHEN NEW.run_id = \\x27\\" + r + \\"\\x27 BEGIN SELECT RAISE(ABORT, \\x27blocked by test\\x27); END\\"); '
                       'c.commit()"')
STATE_BLOCKED = r"state store \S+/tako\.db: blocked by test"


def yml(workflows: str, name: str = "o/app", extra: str = "") -> str:
    """A tako.yml with metadata.name and the given (already indented) workflows block."""
    return f"version: '1'\nmetadata:\n  name: {name}\n{extra}workflows:\n{workflows}"


def run_id_of(out: str) -> str:
    m = re.search(r"Execution completed: (" + RUN_ID + ")", out)
    assert m, out
    return m.group(1)


def home(env) -> pathlib.Path:
    return pathlib.Path(env["TAKO_HOME"])


def store_path(env) -> pathlib.Path:
    return home(env) / "tako.db"


def load_state(env, run_id) -> dict:
    """The run document of §11.1, as `tako status <id> --json` exports it from the store."""
    r = subprocess.run([TAKO_BIN, "status", run_id, "--json"], env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def run_ids(env) -> list:
    """Root run ids recorded in the store, sorted ([] while there is no store; never creates it)."""
    if not store_path(env).exists():
        return []
    try:
        with contextlib.closing(sqlite3.connect(f"file:{store_path(env)}?mode=ro", uri=True)) as c:
            return sorted(r[0] for r in c.execute("SELECT run_id FROM runs WHERE parent_run_id IS NULL"))
    except sqlite3.OperationalError:  # created by a tako that has not made its tables yet
        return []


def newest_run_id(env):
    ids = run_ids(env)
    return ids[-1] if ids else None


def sql(env, query: str, *params):
    """Runs one statement on the real store (tests that change what is recorded)."""
    with contextlib.closing(sqlite3.connect(store_path(env))) as c, c:
        rows = c.execute(query, params).fetchall()
    return rows


def nanos(rfc3339: str) -> int:
    """An RFC 3339 UTC time ("…Z") as the store's integer nanoseconds since the epoch."""
    import datetime
    t = datetime.datetime.fromisoformat(rfc3339.replace("Z", "+00:00"))
    delta = t - datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
    return (delta.days * 86400 + delta.seconds) * 10**9 + delta.microseconds * 1000


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


__all__ = ["RUN_ID", "DUR", "yml", "run_id_of", "home", "store_path", "load_state", "run_ids", "newest_run_id", "steps_of",
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

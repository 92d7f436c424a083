"""`tako gc [--older-than DUR]` (REFERENCE.md §1.17): finished root runs leave the store with their whole tree,
their archived logs and their workspaces; a running tree is never touched."""
import sqlite3
import time

from test_exec_util import home, kill_if_running, read_pid, spawn, wait_for, yml
from test_fanout_util import run_id_of, subscriber

DAY_NS = 86400 * 10**9


def rows(env, table):
    with sqlite3.connect(home(env) / "tako.db") as c:
        return c.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def cascade_run(tako, ws, env, fail=False):
    """A root run in o/src fanning out to o/sub; returns its run id."""
    if not (ws.src / "src").exists():
        ws.repo("src", yml("""\
  go:
    steps:
      - id: build
        run: echo built
      - id: fan
        uses: tako/fan-out@v1
        with: {event_type: ping, wait_for_children: true}
""", name="o/src"))
        ws.repo("sub", subscriber("sub", "o/src", '      - id: test\n        run: echo tested; test -z "$FAIL"\n'))
    r = tako("exec", "go", "--local", cwd=ws.src / "src", extra_env={"FAIL": "1"} if fail else None)
    assert r.code == (1 if fail else 0), r
    return run_id_of(r.out)


def age(env, run_id, days):
    """Moves the recorded end of a root run `days` into the past."""
    with sqlite3.connect(home(env) / "tako.db") as c:
        c.execute("UPDATE runs SET end_time = ? WHERE run_id = ?", (time.time_ns() - days * DAY_NS, run_id))


def test_removes_old_finished_trees_with_their_logs_and_workspaces(tako, ws, env):
    ok = cascade_run(tako, ws, env)
    failed = cascade_run(tako, ws, env, fail=True)
    recent = cascade_run(tako, ws, env)
    assert (home(env) / "logs" / ok).is_dir() and (home(env) / "workspaces" / failed).is_dir()
    assert rows(env, "runs") == 6
    age(env, ok, 31)
    age(env, failed, 40)

    # Default: runs that ended more than 720h (30 days) ago.
    r = tako("gc")
    assert r.code == 0, r
    lines = r.out.splitlines()
    assert sorted(lines[:2]) == sorted([f"Removed run {ok}", f"Removed run {failed}"]), r.out
    assert lines[2].startswith("Removed 2 run(s) (4 with child runs), freed ") and lines[2].endswith("B."), r.out
    assert len(lines) == 3
    for gone in (ok, failed):
        assert not (home(env) / "logs" / gone).exists()
        assert not (home(env) / "workspaces" / gone).exists()
        assert tako("status", gone).code == 1
    for table in ("runs", "steps", "history"):
        with sqlite3.connect(home(env) / "tako.db") as c:
            left = {row[0] for row in c.execute(f"SELECT DISTINCT run_id FROM {table}")}
            roots = {row[0] for row in c.execute(f"SELECT DISTINCT root_run_id FROM runs")}
        assert roots == {recent}, table
        assert len(left) == 2, (table, left)  # the recent root and its child
    assert (home(env) / "logs" / recent).is_dir()

    # Nothing else is old enough; 0s removes every finished run.
    assert tako("gc").out == "Removed 0 run(s) (0 with child runs), freed 0 B.\n"
    r = tako("gc", "--older-than", "0s")
    assert r.out.startswith(f"Removed run {recent}\nRemoved 1 run(s) (2 with child runs), freed "), r
    assert rows(env, "runs") == 0 and rows(env, "history") == 0 and rows(env, "events") == 0
    assert "exec-" not in tako("status").out
    assert not (home(env) / "logs" / recent).exists()


def test_never_removes_a_running_tree(tako, ws, env, tmp_path):
    done = cascade_run(tako, ws, env)
    app = ws.repo("app", yml(f"""\
  w:
    steps:
      - id: wait
        run: |
          echo $$ > {tmp_path}/sh.pid
          while [ ! -f {tmp_path}/release ]; do sleep 0.02; done
"""))
    p = spawn(env, "exec", "w", cwd=app, out=tmp_path / "exec.out", err=tmp_path / "exec.err")
    try:
        read_pid(tmp_path / "sh.pid")
        r = tako("gc", "--older-than", "0s")
        assert r.code == 0, r
        assert r.out.startswith(f"Removed run {done}\nRemoved 1 run(s)"), r.out
        with sqlite3.connect(home(env) / "tako.db") as c:
            (status,) = c.execute("SELECT status FROM runs WHERE parent_run_id IS NULL").fetchone()
        assert status == "running"
        (tmp_path / "release").write_text("")
        assert p.wait(timeout=60) == 0, (tmp_path / "exec.err").read_text()
    finally:
        kill_if_running(p)
    # Finished now: removed like any other.
    assert tako("gc", "--older-than", "0s").out.startswith("Removed run exec-")
    assert rows(env, "runs") == 0


def test_flags_and_no_store(tako, env):
    assert tako("gc").out == "Removed 0 run(s).\n"
    assert not (home(env) / "tako.db").exists()
    r = tako("gc", "--older-than", "soon")
    assert r.code == 1 and r.err.startswith('Error: invalid argument "soon" for "--older-than" flag: '), r
    r = tako("gc", "--older-than", "-1h")
    assert r.code == 1 and "must not be negative" in r.err, r
    r = tako("gc", "extra")
    assert r.code == 1 and "accepts 0 arg(s), received 1" in r.err, r

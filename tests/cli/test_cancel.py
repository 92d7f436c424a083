"""`tako cancel <run-id>` (REFERENCE.md §1.16): interrupts a running tree from another terminal exactly as SIGINT
does (§7.12), and refuses what it cannot or must not stop."""
import sqlite3

from test_exec_util import (home, kill_if_running, load_state, pid_alive, read_pid, spawn, steps_of, wait_dead,
                            wait_for, yml)
from test_fanout_util import run_id_of, subscriber


def blocking_app(ws, tmp_path):
    return ws.repo("app", yml(f"""\
  w:
    steps:
      - id: first
        run: echo first
      - id: long
        run: |
          sleep 300 &
          echo $! > {tmp_path}/bg.pid
          echo $$ > {tmp_path}/sh.pid
          while [ ! -f {tmp_path}/release ]; do sleep 0.02; done
          kill $!
      - id: never
        run: touch {tmp_path}/never-ran
"""))


def running_root(env):
    db = home(env) / "tako.db"
    if not db.exists():
        return None
    try:
        with sqlite3.connect(db) as c:
            row = c.execute("SELECT run_id FROM runs WHERE parent_run_id IS NULL AND status = 'running'").fetchone()
    except sqlite3.OperationalError:
        return None
    return row and row[0]


def start_blocked(ws, env, tmp_path):
    app = blocking_app(ws, tmp_path)
    p = spawn(env, "exec", "w", cwd=app, out=tmp_path / "exec.out", err=tmp_path / "exec.err")
    sh_pid = read_pid(tmp_path / "sh.pid")
    bg_pid = read_pid(tmp_path / "bg.pid")
    return p, wait_for(lambda: running_root(env), what="running root"), sh_pid, bg_pid


def test_cancel_interrupts_the_tree_as_sigint_does(tako, ws, env, tmp_path):
    p = None
    try:
        p, run_id, sh_pid, bg_pid = start_blocked(ws, env, tmp_path)
        r = tako("cancel", run_id)
        assert r.code == 0, r
        assert r.out == f"Run {run_id} cancelled\n", r
        assert r.err == f"Sent SIGINT to tako (pid {p.pid}) executing run {run_id}\n", r
        # cancel waited for the end of the tree: tako has exited as on Ctrl-C.
        assert p.wait(timeout=10) == 130
    finally:
        kill_if_running(p)
    assert (tmp_path / "exec.err").read_text().endswith("Error: workflow execution interrupted\n")
    for pid in (sh_pid, bg_pid):
        wait_dead(pid, timeout=10)
    assert not (tmp_path / "never-ran").exists()
    doc = load_state(env, run_id)
    assert doc["root"]["status"] == "cancelled"
    st = steps_of(doc)
    assert st["first"]["status"] == "completed"
    assert (st["long"]["status"], st["long"]["error"]) == ("failed", "interrupted")
    assert (home(env) / "workspaces" / run_id).is_dir()  # kept, as after an interrupt
    # Now finished: a second cancel refuses.
    r = tako("cancel", run_id)
    assert (r.code, r.err) == (1, f"Error: run '{run_id}' is not running (cancelled)\n"), r


def test_no_wait_returns_once_signalled(tako, ws, env, tmp_path):
    p = None
    try:
        p, run_id, sh_pid, _ = start_blocked(ws, env, tmp_path)
        r = tako("cancel", run_id, "--no-wait")
        assert (r.code, r.out) == (0, ""), r
        assert r.err == f"Sent SIGINT to tako (pid {p.pid}) executing run {run_id}\n"
        assert p.wait(timeout=60) == 130
    finally:
        kill_if_running(p)
    wait_dead(sh_pid, timeout=10)
    assert load_state(env, run_id)["root"]["status"] == "cancelled"


def test_refuses_another_host_and_a_child_run(tako, ws, env, tmp_path):
    p = None
    try:
        p, run_id, sh_pid, _ = start_blocked(ws, env, tmp_path)
        with sqlite3.connect(home(env) / "tako.db") as c:
            (real_host,) = c.execute("SELECT hostname FROM runs WHERE run_id = ?", (run_id,)).fetchone()
            c.execute("UPDATE runs SET hostname = 'elsewhere' WHERE run_id = ?", (run_id,))
        r = tako("cancel", run_id)
        assert (r.code, r.out) == (1, ""), r
        assert r.err == f"Error: run '{run_id}' is executed by tako (pid {p.pid}) on host elsewhere; cancel it there\n"
        assert p.poll() is None and pid_alive(sh_pid)  # not signalled
        with sqlite3.connect(home(env) / "tako.db") as c:
            c.execute("UPDATE runs SET hostname = ? WHERE run_id = ?", (real_host, run_id))
        assert tako("cancel", run_id).code == 0
        assert p.wait(timeout=10) == 130
    finally:
        kill_if_running(p)


def test_errors(tako, ws, env, tmp_path):
    r = tako("cancel", "exec-20240101-000000-00000000")
    assert (r.code, r.err) == (1, "Error: run 'exec-20240101-000000-00000000' not found\n"), r
    r = tako("cancel")
    assert r.code == 1 and "accepts 1 arg(s), received 0" in r.err, r
    src = ws.repo("src", yml("""\
  go:
    steps:
      - id: fan
        uses: tako/fan-out@v1
        with: {event_type: ping, wait_for_children: true}
""", name="o/src"))
    ws.repo("sub", subscriber("sub", "o/src", "      - run: 'true'\n"))
    r = tako("exec", "go", "--local", cwd=src)
    assert r.code == 0, r
    run_id = run_id_of(r.out)
    r = tako("cancel", run_id)
    assert (r.code, r.err) == (1, f"Error: run '{run_id}' is not running (completed)\n"), r
    with sqlite3.connect(home(env) / "tako.db") as c:
        (child,) = c.execute("SELECT run_id FROM runs WHERE parent_run_id = ?", (run_id,)).fetchone()
        # Recorded running, but no process owns it any more (a crashed tako).
        c.execute("UPDATE runs SET status = 'running' WHERE run_id = ?", (run_id,))
    r = tako("cancel", child)
    assert (r.code, r.err) == (1, f"Error: run '{child}' is a child run of {run_id}; cancel the tree with "
                                  f"'tako cancel {run_id}'\n"), r
    r = tako("cancel", run_id)
    assert (r.code, r.err) == (1, f"Error: run '{run_id}' is not running (interrupted)\n"), r

"""`tako logs` and the logs that outlive the workspace (REFERENCE.md §1.15, §2): <home>/logs/<run-id>/ after a
successful run or `workspace clean`, read from the store's order; --follow like tail -f."""
import pathlib

from test_exec_util import home, kill_if_running, spawn, wait_for
from test_fanout_util import run_id_of, subscriber, yml


def cascade(ws, tmp_path, sub_step="      - id: test\n        run: printf 'sub one\\nsub two\\n'\n"):
    """o/src: step `build` prints two lines, then fans out to o/sub (step `test`), then `after` (silent)."""
    src = ws.repo("src", yml("src", """workflows:
  go:
    steps:
      - id: build
        run: printf 'build one\\nbuild two\\n'
      - id: fan
        uses: tako/fan-out@v1
        with: {event_type: ping, wait_for_children: true}
      - id: after
        run: "true"
""", "o"))
    ws.repo("sub", subscriber("sub", "o/src", sub_step))
    return src


def child_id(env, root_id):
    import sqlite3
    with sqlite3.connect(home(env) / "tako.db") as c:
        return c.execute("SELECT run_id FROM runs WHERE parent_run_id = ?", (root_id,)).fetchone()[0]


def test_success_moves_logs_to_home_and_logs_prints_them_in_order(tako, ws, env, tmp_path):
    src = cascade(ws, tmp_path)
    r = tako("exec", "go", "--local", cwd=src)
    assert r.code == 0, r
    run_id = run_id_of(r.out)
    child = child_id(env, run_id)
    assert not (home(env) / "workspaces" / run_id).exists()
    archive = home(env) / "logs" / run_id
    # Same relative layout as the workspace (§2).
    assert (archive / "logs" / "build.log").read_text() == "build one\nbuild two\n"
    assert (archive / "children" / child / "logs" / "test.log").read_text() == "sub one\nsub two\n"

    r = tako("logs", run_id)
    assert r.code == 0, r
    assert r.out == ("o/src build | build one\n"
                     "o/src build | build two\n"
                     "o/sub test | sub one\n"
                     "o/sub test | sub two\n"), r.out
    # One repository: its steps, still prefixed; one step: raw.
    assert tako("logs", run_id, "o/sub").out == "o/sub test | sub one\no/sub test | sub two\n"
    r = tako("logs", run_id, "O/SUB:test")
    assert (r.code, r.out) == (0, "sub one\nsub two\n"), r
    r = tako("logs", run_id, "o/src:after")  # a silent step has no file: nothing to print
    assert (r.code, r.out, r.err) == (0, "", ""), r


def test_failed_run_logs_read_from_the_kept_workspace(tako, ws, env, tmp_path):
    src = cascade(ws, tmp_path, sub_step="      - id: test\n        run: echo broken; exit 3\n")
    r = tako("exec", "go", "--local", cwd=src)
    assert r.code == 1, r
    run_id = run_id_of(r.out)
    workspace = home(env) / "workspaces" / run_id
    assert (workspace / "logs" / "build.log").is_file()
    assert not (home(env) / "logs" / run_id).exists()
    r = tako("logs", run_id)
    assert r.out == "o/src build | build one\no/src build | build two\no/sub test | broken\n", r

    # workspace clean moves the logs before it removes the workspace.
    assert tako("workspace", "clean").out == "Removed 1 workspace(s).\n"
    assert not workspace.exists()
    assert (home(env) / "logs" / run_id / "logs" / "build.log").is_file()
    assert tako("logs", run_id, "o/sub:test").out == "broken\n"


def test_errors(tako, ws, env, tmp_path):
    r = tako("logs", "exec-20240101-000000-00000000")
    assert (r.code, r.err) == (1, "Error: run 'exec-20240101-000000-00000000' not found\n"), r
    src = cascade(ws, tmp_path)
    r = tako("exec", "go", "--local", cwd=src)
    run_id = run_id_of(r.out)
    child = child_id(env, run_id)
    cases = {
        ("o/nope",): f"Error: repository 'o/nope' is not in run {run_id}\n",
        ("o/sub:build",): f"Error: step 'build' of o/sub is not in run {run_id}\n",
    }
    for args, err in cases.items():
        r = tako("logs", run_id, *args)
        assert (r.code, r.out, r.err) == (1, "", err), r
    r = tako("logs", child)
    assert r.code == 1 and r.err == (f"Error: run '{child}' is a child run of {run_id}; its logs are in "
                                     f"'tako logs {run_id} <repository>'\n"), r
    r = tako("logs", run_id, ":x")
    assert r.code == 1 and r.err.startswith('Error: invalid argument ":x" for "tako logs"\n'), r
    r = tako("logs")
    assert r.code == 1 and "requires at least 1 arg(s)" in r.err, r
    import shutil
    shutil.rmtree(home(env) / "logs" / run_id)
    r = tako("logs", run_id)
    assert (r.code, r.err) == (1, f"Error: logs of run {run_id} no longer exist\n"), r


def test_follow_streams_a_running_step_until_the_run_ends(ws, env, tmp_path):
    release = tmp_path / "release"
    app = ws.repo("app", yml("app", f"""workflows:
  w:
    steps:
      - id: first
        run: echo before
      - id: slow
        run: |
          echo started
          while [ ! -f {release} ]; do sleep 0.02; done
          printf 'after release\\nno newline'
""", "o"))
    p = spawn(env, "exec", "w", cwd=app, out=tmp_path / "exec.out", err=tmp_path / "exec.err")
    f = g = None
    try:
        def running_id():
            import sqlite3
            db = home(env) / "tako.db"
            if not db.exists():
                return None
            try:
                with sqlite3.connect(db) as c:
                    row = c.execute("SELECT run_id FROM steps WHERE step_id = 'slow' AND status = 'running'").fetchone()
            except sqlite3.OperationalError:
                return None
            return row and row[0]
        run_id = wait_for(running_id, what="step slow running")
        f = spawn(env, "logs", run_id, "--follow", out=tmp_path / "all.out", err=tmp_path / "all.err")
        g = spawn(env, "logs", run_id, "o/app:slow", "-f", out=tmp_path / "slow.out", err=tmp_path / "slow.err")
        wait_for(lambda: (tmp_path / "all.out").read_text() == "o/app first | before\no/app slow | started\n",
                 what="lines so far")
        wait_for(lambda: (tmp_path / "slow.out").read_text() == "started\n", what="raw line so far")
        # Still following: the run has not ended.
        assert f.poll() is None and g.poll() is None
        release.write_text("")
        assert p.wait(timeout=60) == 0, (tmp_path / "exec.err").read_text()
        assert f.wait(timeout=30) == 0, (tmp_path / "all.err").read_text()
        assert g.wait(timeout=30) == 0, (tmp_path / "slow.err").read_text()
    finally:
        kill_if_running(p, f, g)
    assert (tmp_path / "all.out").read_text() == ("o/app first | before\no/app slow | started\n"
                                                  "o/app slow | after release\no/app slow | no newline\n")
    assert (tmp_path / "slow.out").read_text() == "started\nafter release\nno newline\n"  # the log holds lines
    # The logs moved at the end of the successful run; they are still there.
    assert pathlib.Path(home(env) / "logs" / run_id / "logs" / "slow.log").is_file()


def test_follow_of_a_finished_run_prints_and_exits(tako, ws, env, tmp_path):
    src = cascade(ws, tmp_path)
    run_id = run_id_of(tako("exec", "go", "--local", cwd=src).out)
    r = tako("logs", run_id, "--follow", "o/src", timeout=30)
    assert (r.code, r.out) == (0, "o/src build | build one\no/src build | build two\n"), r


def test_a_workspace_whose_logs_cannot_move_is_kept(tako, ws, env, tmp_path):
    src = cascade(ws, tmp_path)
    home(env).mkdir(parents=True, exist_ok=True)
    (home(env) / "logs").write_text("in the way")  # no directory can be made below it
    r = tako("exec", "go", "--local", cwd=src)
    assert r.code == 0, r
    run_id = run_id_of(r.out)
    workspace = home(env) / "workspaces" / run_id
    assert f"warning: workspace {workspace} kept: " in r.err, r.err
    assert (workspace / "logs" / "build.log").read_text() == "build one\nbuild two\n"
    assert tako("logs", run_id, "o/src:build").out == "build one\nbuild two\n"
    # workspace clean keeps it too, with the same warning, and does not count it.
    r = tako("workspace", "clean")
    assert r.out == "Removed 0 workspace(s).\n" and f"warning: workspace {workspace} kept: " in r.err, r
    assert workspace.is_dir()


def test_follow_interrupted_exits_130(ws, env, tmp_path):
    import signal
    release = tmp_path / "release"
    app = ws.repo("app", yml("app", f"""workflows:
  w:
    steps:
      - id: slow
        run: |
          echo started
          while [ ! -f {release} ]; do sleep 0.02; done
""", "o"))
    p = spawn(env, "exec", "w", cwd=app, out=tmp_path / "exec.out", err=tmp_path / "exec.err")
    f = None
    try:
        (tmp_path / "all.out").write_text("")
        wait_for(lambda: list((home(env) / "workspaces").glob("*/logs/slow.log")), what="slow.log")
        run_id = next((home(env) / "workspaces").iterdir()).name
        f = spawn(env, "logs", run_id, "-f", out=tmp_path / "all.out", err=tmp_path / "all.err")
        wait_for(lambda: (tmp_path / "all.out").read_text() == "o/app slow | started\n", what="line so far")
        f.send_signal(signal.SIGINT)
        assert f.wait(timeout=30) == 130
        assert (tmp_path / "all.err").read_text() == "Error: interrupted\n"
        assert p.poll() is None  # the run goes on
        release.write_text("")
        assert p.wait(timeout=60) == 0
    finally:
        kill_if_running(p, f)

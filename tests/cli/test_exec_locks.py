"""Repository locks between tako processes (REFERENCE.md §14)."""
import re

from test_exec_util import (RUN_ID, exec_twice_serialises, home, kill_if_running, newest_run_id, read_pid, run_id_of,
                            run_ids, spawn, wait_for, yml)


def app_yml(tmp):
    return yml(f"""\
  w:
    steps:
      - id: s
        run: |
          echo "start $TAKO_RUN_ID" >> {tmp}/order.log
          echo $$ > {tmp}/$TAKO_RUN_ID.pid
          while [ ! -f {tmp}/release-$TAKO_RUN_ID ]; do sleep 0.02; done
          echo "end $TAKO_RUN_ID" >> {tmp}/order.log
""")


def test_concurrent_exec_on_same_repo_serialises(ws, env, tmp_path):
    app = ws.repo("app", app_yml(tmp_path))
    _, _, expected = exec_twice_serialises(
        app, env, env, tmp_path, lambda: newest_run_id(env), lambda first: _second_id(env, first))
    assert (tmp_path / "2.err").read_text() == expected
    assert "Success: true" in (tmp_path / "2.out").read_text()


def _second_id(env, first):
    ids = run_ids(env)
    others = [i for i in ids if i != first]
    return others[0] if others else None


def test_lock_timeout(tako, ws, env, tmp_path):
    app = ws.repo("app", app_yml(tmp_path))
    p1 = spawn(env, "exec", "w", cwd=app, out=tmp_path / "1.out", err=tmp_path / "1.err")
    try:
        id1 = wait_for(lambda: newest_run_id(env), what="first run")
        read_pid(tmp_path / f"{id1}.pid")
        r = tako("exec", "w", "--lock-timeout", "300ms", cwd=app)
        assert r.code == 1, r
        assert r.out == "Executing workflow 'w'\n"  # no summary for a lock timeout
        assert r.err == (f"waiting for lock on o/app (held by run {id1}, pid {p1.pid})\n"
                         f"Error: workflow execution failed: timed out after 300ms waiting for lock on o/app "
                         f"(held by run {id1}, pid {p1.pid})\n")
        (tmp_path / f"release-{id1}").write_text("")
        assert p1.wait(timeout=60) == 0
    finally:
        kill_if_running(p1)
    assert (tmp_path / "order.log").read_text() == f"start {id1}\nend {id1}\n"


def test_repo_lock_file_payload(tako, ws, env, tmp_path):
    """§2: a git checkout's repository lock is <git dir>/tako.lock, mode 0600, invisible to git."""
    import json
    import stat
    import subprocess
    app = ws.repo("app", yml("  w:\n    steps: [echo hi]\n"))
    r = tako("exec", "w", cwd=app)
    assert r.code == 0
    lock = app / ".git" / "tako.lock"
    assert stat.S_IMODE(lock.stat().st_mode) == 0o600
    assert not list((home(env) / "locks").glob("repo-*.lock"))
    status = subprocess.run(["git", "status", "--porcelain", "--ignored"], cwd=app, capture_output=True, text=True)
    assert status.returncode == 0 and status.stdout == ""
    payload = json.loads(lock.read_text())
    assert payload["run_id"] == run_id_of(r.out)
    assert payload["repository"] == "o/app" and payload["path"] == str(app.resolve())
    assert isinstance(payload["pid"], int) and "acquired_at" in payload
    assert (home(env) / "locks" / f"run-{run_id_of(r.out)}.lock").exists()

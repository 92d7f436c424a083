"""Repository locks live with the checkout (REFERENCE.md §2, §14): tako processes with different
TAKO_HOMEs exclude each other, a lock cycle across processes fails at once, and a checkout that
is not a git repository still locks under <home>/locks."""
import hashlib
import json
import re
import subprocess
import time

from conftest import TAKO_BIN
from test_exec_util import (RUN_ID, exec_twice_serialises, home, kill_if_running, read_pid, run_id_of, run_ids, spawn,
                            wait_for, yml)
from test_fanout_util import emitter, subscriber
from test_fanout_util import yml as fyml


def other_home(env, tmp_path, name="home2"):
    e = dict(env)
    (tmp_path / name).mkdir()
    e["HOME"] = str(tmp_path / name)
    e["TAKO_HOME"] = str(tmp_path / name / ".tako")
    return e


def only_run_id(env):
    ids = run_ids(env)
    return ids[0] if ids else None


def holding_workflow(tmp):
    return yml(f"""\
  w:
    steps:
      - run: |
          echo "start $TAKO_RUN_ID" >> {tmp}/order.log
          echo $$ > {tmp}/$TAKO_RUN_ID.pid
          while [ ! -f {tmp}/release-$TAKO_RUN_ID ]; do sleep 0.02; done
          echo "end $TAKO_RUN_ID" >> {tmp}/order.log
""")


def test_exec_in_two_homes_serialises(ws, env, tmp_path):
    app = ws.repo("app", holding_workflow(tmp_path))
    env2 = other_home(env, tmp_path)
    exec_twice_serialises(app, env, env2, tmp_path, lambda: only_run_id(env), lambda _first: only_run_id(env2))


def test_run_in_two_homes_serialises(ws, env, tmp_path):
    app = ws.repo("app", "version: '1'\nmetadata:\n  name: o/app\n")
    env2 = other_home(env, tmp_path)
    log, err2 = tmp_path / "order.log", tmp_path / "2.err"
    cmd1 = (f"echo start1 >> {log}; touch {tmp_path}/held; while [ ! -f {tmp_path}/release ]; do sleep 0.02; done; "
            f"echo end1 >> {log}")
    cmd2 = f"echo start2 >> {log}; echo end2 >> {log}"
    p1 = subprocess.Popen([TAKO_BIN, "run", "--local", cmd1], cwd=app, env=env, stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL)
    p2 = None
    try:
        wait_for(lambda: (tmp_path / "held").exists(), what="first command")
        with open(err2, "w") as e:
            p2 = subprocess.Popen([TAKO_BIN, "run", "--local", cmd2], cwd=app, env=env2, stdout=subprocess.DEVNULL,
                                  stderr=e)
        wait_for(lambda: f"waiting for lock on o/app (held by run tako-run, pid {p1.pid})\n" in err2.read_text(),
                 what="wait message")
        assert log.read_text() == "start1\n"
        (tmp_path / "release").write_text("")
        assert p1.wait(timeout=60) == 0
        assert p2.wait(timeout=60) == 0, err2.read_text()
    finally:
        (tmp_path / "release").write_text("")
        kill_if_running(p1, p2)
    assert log.read_text() == "start1\nend1\nstart2\nend2\n"


def test_exec_and_run_in_two_homes_exclude_each_other(tako, ws, env, tmp_path):
    app = ws.repo("app", holding_workflow(tmp_path))
    env2 = other_home(env, tmp_path)
    p1 = spawn(env, "exec", "w", cwd=app, out=tmp_path / "1.out", err=tmp_path / "1.err")
    try:
        id1 = wait_for(lambda: only_run_id(env), what="first run")
        read_pid(tmp_path / f"{id1}.pid")
        r = subprocess.run([TAKO_BIN, "run", "--local", "--lock-timeout", "300ms", "true"], cwd=app, env=env2,
                           capture_output=True, text=True, timeout=60)
        assert r.returncode == 1
        assert r.stderr.endswith(f"timed out after 300ms waiting for lock on o/app (held by run {id1}, "
                                 f"pid {p1.pid})\n"), r.stderr
    finally:
        (tmp_path / f"release-{id1}").write_text("")
        assert p1.wait(timeout=60) == 0
        kill_if_running(p1)


def test_lock_file_in_the_git_dir_of_a_linked_worktree(tako, ws, env, tmp_path):
    """Every worktree has its own git dir, so its own lock; git sees no change."""
    app = ws.repo("app", yml("  w:\n    steps: [echo hi]\n"))
    wt = tmp_path / "wt"
    subprocess.run(["git", "worktree", "add", "-q", "-b", "side", str(wt)], cwd=app, check=True, env=env)
    r = tako("exec", "w", cwd=wt)
    assert r.code == 0, r
    lock = app / ".git" / "worktrees" / "wt" / "tako.lock"
    assert json.loads(lock.read_text())["run_id"] == run_id_of(r.out)
    assert not (app / ".git" / "tako.lock").exists()
    for d in (app, wt):
        s = subprocess.run(["git", "status", "--porcelain"], cwd=d, capture_output=True, text=True, env=env)
        assert s.returncode == 0 and s.stdout == "", s


def test_non_git_checkout_locks_under_home(tako, ws, env):
    app = ws.repo("plain", yml("  w:\n    steps: [echo hi]\n", name="o/plain"), git_init=False)
    r = tako("exec", "w", cwd=app)
    assert r.code == 0, r
    h = hashlib.sha256(str(app.resolve()).encode()).hexdigest()[:16]
    payload = json.loads((home(env) / "locks" / f"repo-{h}.lock").read_text())
    assert payload["run_id"] == run_id_of(r.out) and payload["path"] == str(app.resolve())
    assert not (app / ".git").exists()


def mutual_workspace(ws, tmp_path):
    """p's `go` and q's `go` each hold their own lock, wait until the other also holds its own,
    then fan out to the other (which subscribes to it)."""
    def go(me, other):
        before = (f"      - run: |\n          touch {tmp_path}/{me}-holds\n"
                  f"          i=0; while [ ! -f {tmp_path}/{other}-holds ] && [ $i -lt 1000 ]; do sleep 0.02; "
                  f"i=$((i+1)); done\n")
        body = emitter(me, event=f"from_{me}", before=before)
        sub = (f"subscriptions:\n  - artifact: o/{other}:*\n    events: [from_{other}]\n    workflow: react\n")
        body = body.replace("workflows:\n", sub + "workflows:\n  react:\n    steps:\n"
                            f"      - run: echo {me} reacted >> {tmp_path}/log\n", 1)
        return body
    return ws.repo("p", go("p", "q")), ws.repo("q", go("q", "p"))


def test_mutual_fan_out_across_processes_fails_at_once(ws, env, tmp_path):
    p_dir, q_dir = mutual_workspace(ws, tmp_path)
    env2 = other_home(env, tmp_path)
    start = time.monotonic()
    a = spawn(env, "exec", "go", "--local", "--lock-timeout", "120s", cwd=p_dir,
              out=tmp_path / "a.out", err=tmp_path / "a.err")
    b = spawn(env2, "exec", "go", "--local", "--lock-timeout", "120s", cwd=q_dir,
              out=tmp_path / "b.out", err=tmp_path / "b.err")
    try:
        codes = (a.wait(timeout=100), b.wait(timeout=100))
    finally:
        kill_if_running(a, b)
    assert time.monotonic() - start < 60
    errs = {"a": (tmp_path / "a.err").read_text(), "b": (tmp_path / "b.err").read_text()}
    pat = {"a": r"deadlock: o/q is held by run (" + RUN_ID + r"), which waits for o/p held by this tree",
           "b": r"deadlock: o/p is held by run (" + RUN_ID + r"), which waits for o/q held by this tree"}
    failed = [k for k, c in zip("ab", codes) if c != 0]
    assert failed, errs  # the cycle was broken by an error, not by --lock-timeout
    for k in failed:
        m = re.search(pat[k], errs[k])
        assert m, errs[k]
        other_out = (tmp_path / ("b.out" if k == "a" else "a.out")).read_text()
        assert m.group(1) in other_out, other_out  # the other process's root run
    for k in "ab":
        assert "timed out" not in errs[k], errs[k]


def test_checkouts_sharing_one_git_dir_follow_the_ancestor_rule(tako, ws, tmp_path):
    """Two checkouts in subdirectories of one git repository share <git dir>/tako.lock: a fan-out
    from one to the other runs the child under its ancestor's lock (§10.8) instead of waiting for it."""
    log = tmp_path / "log"
    mono = ws.repo("mono", None, files={
        "a/tako.yml": emitter("a"),
        "b/tako.yml": subscriber("b", "o/a", f"      - run: echo b ran >> {log}\n"),
    }, remote=False)
    start = time.monotonic()
    r = tako("exec", "go", "--local", "--lock-timeout", "120s", cwd=mono / "a", timeout=100)
    assert r.code == 0, r
    assert time.monotonic() - start < 60
    assert log.read_text() == "b ran\n"
    assert "waiting for lock" not in r.err
    assert json.loads((mono / ".git" / "tako.lock").read_text())["repository"] == "o/a"

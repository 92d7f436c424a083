"""No orphans: when tako dies by SIGKILL, its keeper ends the process groups of the running steps within 1 s, so
a later resume never overlaps or repeats them (docs/PROCESSES.md, "The keeper")."""
import signal
import time

from test_exec_util import home, kill_if_running, load_state, pid_alive, read_pid, run_ids, spawn, wait_for, yml

TRIALS = 20
LIMIT = 1.0  # seconds from the SIGKILL until every process of the step is gone


def long_step_yml(tmp):
    # `sleep 300 &` is a background job in the step's process group: it must go too.
    return yml(f"""\
  w:
    inputs:
      t: {{type: string, default: "0"}}
    steps:
      - id: long
        run: |
          d={tmp}/t{{{{ .inputs.t }}}}
          mkdir -p $d
          echo x >> $d/count
          sleep 300 &
          echo $! > $d/bg.pid
          echo $$ > $d/step.pid
          while [ ! -f $d/release ]; do sleep 0.02; done
""")


def state_ids(env):
    return set(run_ids(env))


def gone_within(pids, limit):
    """Polls /proc until none of `pids` is alive (zombies count as gone) or `limit` seconds pass."""
    deadline = time.monotonic() + limit
    while True:
        alive = [p for p in pids if pid_alive(p)]
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.005)


def test_kill_9_ends_the_running_step_within_1s_and_resume_runs_it_exactly_once_more(tako, ws, env, tmp_path):
    app = ws.repo("app", long_step_yml(tmp_path))
    orphans = []
    runs = []
    try:
        for t in range(TRIALS):
            before = state_ids(env)
            p = spawn(env, "exec", "w", f"--inputs.t={t}", cwd=app)
            try:
                d = tmp_path / f"t{t}"
                step_pid = read_pid(d / "step.pid")
                bg_pid = read_pid(d / "bg.pid")
                run_id = wait_for(lambda: state_ids(env) - before, what="state file").pop()
                assert pid_alive(step_pid) and pid_alive(bg_pid)
                p.send_signal(signal.SIGKILL)
                p.wait(timeout=30)
            finally:
                kill_if_running(p)
            orphans += gone_within([step_pid, bg_pid], LIMIT)
            runs.append((t, run_id))
        assert orphans == [], f"{len(orphans)} processes outlived tako by more than {LIMIT} s"
        # Nobody resumed at once, and still nothing ran on: each step ran exactly once so far.
        for t, _ in runs:
            assert (tmp_path / f"t{t}" / "count").read_text() == "x\n"
        for t, run_id in runs:
            (tmp_path / f"t{t}" / "release").write_text("")
            r = tako("exec", "--resume", run_id, cwd=app)
            assert r.code == 0, r
            assert "stopping leftover processes" not in r.err, r.err  # the keeper left nothing behind
            assert (tmp_path / f"t{t}" / "count").read_text() == "x\nx\n"
            assert load_state(env, run_id)["root"]["status"] == "completed"
    finally:
        for t in range(TRIALS):
            (tmp_path / f"t{t}").mkdir(exist_ok=True)
            (tmp_path / f"t{t}" / "release").write_text("")


def test_kill_9_of_tako_run_ends_the_commands_within_1s(ws, env, tmp_path):
    # a and b are independent dependents of root: both commands run at once.
    ws.repo("root", "version: '1'\nmetadata:\n  name: o/root\ndependents:\n  - repo: o/a\n  - repo: o/b\n")
    for name in ("a", "b"):
        ws.repo(name, f"version: '1'\nmetadata:\n  name: o/{name}\n")
    cmd = (f'[ "$TAKO_REPO" = o/root ] && exit 0; n=$(basename $PWD); sleep 300 & echo $! > {tmp_path}/$n.bg; '
           f'echo $$ > {tmp_path}/$n.pid; wait')
    p = spawn(env, "run", "--local", "-j", "3", cmd, cwd=ws.src / "root")
    try:
        pids = [read_pid(tmp_path / f"{n}.{ext}") for n in ("a", "b") for ext in ("pid", "bg")]
        assert all(pid_alive(x) for x in pids)
        p.send_signal(signal.SIGKILL)
        p.wait(timeout=30)
    finally:
        kill_if_running(p)
    assert gone_within(pids, LIMIT) == []


def test_normal_end_and_interrupt_are_unchanged(tako, ws, env, tmp_path):
    """With a keeper, a normal run still ends cleanly, and the keeper does not outlive tako."""
    app = ws.repo("app", yml("  w:\n    steps:\n      - run: echo ok\n"))
    r = tako("exec", "w", cwd=app)
    assert r.code == 0, r
    p = spawn(env, "exec", "w", cwd=app)
    p.communicate(timeout=60)
    assert p.returncode == 0

"""Interrupts (REFERENCE.md §1.1, §7.12): SIGINT/SIGTERM stop the step's process group, write state, keep the
workspace and exit 130/143."""
import re
import signal

import pytest

from test_exec_util import (home, kill_if_running, load_state, newest_run_id, pid_alive, read_pid, spawn, steps_of,
                             wait_dead, wait_for, yml)


def blocking(tmp, trap=""):
    return yml(f"""\
  w:
    steps:
      - id: first
        run: echo first
      - id: long
        run: |
          {trap}
          sleep 300 &
          echo $! > {tmp}/bg.pid
          echo $$ > {tmp}/sh.pid
          while [ ! -f {tmp}/release ]; do sleep 0.02; done
          kill $!
        on_failure:
          - id: handler
            run: touch {tmp}/handler-ran
      - id: never
        run: touch {tmp}/never-ran
""")


@pytest.mark.parametrize("sig,code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_interrupt_stops_step_and_records_state(ws, env, tmp_path, sig, code):
    app = ws.repo("app", blocking(tmp_path))
    p = spawn(env, "exec", "w", cwd=app)
    try:
        sh_pid = read_pid(tmp_path / "sh.pid")
        bg_pid = read_pid(tmp_path / "bg.pid")
        p.send_signal(sig)
        out, err = p.communicate(timeout=60)
    finally:
        kill_if_running(p)
    assert p.returncode == code, (out, err)
    assert err.endswith("Error: workflow execution interrupted\n"), err
    assert "workflow execution failed" not in err
    # Nothing left behind: the step's shell and its background job.
    for pid in (sh_pid, bg_pid):
        wait_dead(pid, timeout=10)
    assert not (tmp_path / "never-ran").exists()
    assert not (tmp_path / "handler-ran").exists(), "on_failure must not start after an interrupt"
    run_id = newest_run_id(env)
    doc = load_state(env, run_id)
    st = steps_of(doc)
    assert doc["root"]["status"] == "cancelled"
    assert st["first"]["status"] == "completed"
    assert st["long"]["status"] == "failed" and st["long"]["error"] == "interrupted"
    assert "never" not in st
    assert (home(env) / "workspaces" / run_id).is_dir()
    assert re.search(r"Execution completed: " + run_id + r"\nSuccess: false\n", out), out


def test_interrupt_escalates_to_sigkill(ws, env, tmp_path):
    # The step ignores SIGTERM: tako sends SIGKILL after the 5 s grace period.
    app = ws.repo("app", blocking(tmp_path, trap="trap '' TERM"))
    p = spawn(env, "exec", "w", cwd=app)
    try:
        sh_pid = read_pid(tmp_path / "sh.pid")
        bg_pid = read_pid(tmp_path / "bg.pid")
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=60)
    finally:
        kill_if_running(p)
    assert p.returncode == 130, (out, err)
    for pid in (sh_pid, bg_pid):
        wait_dead(pid, timeout=10)
    doc = load_state(env, newest_run_id(env))
    assert doc["root"]["status"] == "cancelled"
    assert steps_of(doc)["long"]["error"] == "interrupted"


def test_interrupted_run_can_be_resumed(tako, ws, env, tmp_path):
    app = ws.repo("app", blocking(tmp_path))
    p = spawn(env, "exec", "w", cwd=app)
    try:
        read_pid(tmp_path / "sh.pid")
        p.send_signal(signal.SIGINT)
        p.communicate(timeout=60)
    finally:
        kill_if_running(p)
    assert p.returncode == 130
    run_id = newest_run_id(env)
    st = tako("status", run_id)
    assert st.out.startswith(f"{run_id} (w) [CANCELLED]\n└── o/app [CANCELLED] - cancelled\n"), st
    (tmp_path / "sh.pid").unlink()
    q = spawn(env, "exec", "--resume", run_id)
    try:
        read_pid(tmp_path / "sh.pid")
        # Let the re-run step finish normally this time.
        (tmp_path / "release").write_text("")
        out, err = q.communicate(timeout=60)
    finally:
        kill_if_running(q)
    assert q.returncode == 0, (out, err)
    assert (tmp_path / "never-ran").exists()
    assert load_state(env, run_id)["root"]["status"] == "completed"

"""Error paths of a run's executor (root and child runs alike): template errors in every place a
step renders, a scratch directory or checkout that disappears under a run, built-in steps tako
does not have, a child whose secret is missing, and `--failed-only` when the origin fails again
or can no longer be resolved (REFERENCE.md §7, §10.10, §11.4). Each ends with exit 1 and the message
that names the step and the cause; nothing after the failing step runs."""
import re

from test_exec_util import DUR, STATE_BLOCKED, STATE_WRITE_BLOCKER, yml
from test_fanout_util import emitter, find_run, run_id_of, state_of, subscriber


def failing(tako, repo, *args):
    r = tako("exec", "w", *args, cwd=repo)
    assert r.code == 1, r
    assert "Success: false\n" in r.out, r
    return r


def last_err(r) -> str:
    return r.err.splitlines()[-1]


# ---- templates ---------------------------------------------------------------------------------

def test_workflow_env_template_error_fails_before_any_step(tako, ws, tmp_path):
    app = ws.repo("app", yml(f"""\
  w:
    env:
      BAD: '{{{{ len 3 }}}}'
    steps:
      - run: touch {tmp_path}/ran
"""))
    r = failing(tako, app)
    assert re.fullmatch(r"Error: workflow execution failed: failed to execute template: .*error calling len: len of type int", last_err(r)), r.err
    assert not (tmp_path / "ran").exists()


def test_step_env_template_error_fails_that_step(tako, ws, tmp_path):
    app = ws.repo("app", yml(f"""\
  w:
    steps:
      - id: first
        run: touch {tmp_path}/first
      - id: second
        env:
          BAD: '{{{{ len 3 }}}}'
        run: touch {tmp_path}/second
      - id: third
        run: touch {tmp_path}/third
"""))
    r = failing(tako, app)
    assert re.fullmatch(r"Error: workflow execution failed: step 'second' failed: failed to execute template: "
                        r".*error calling len: len of type int", last_err(r)), r.err
    assert (tmp_path / "first").exists()
    assert not (tmp_path / "second").exists() and not (tmp_path / "third").exists()
    assert re.search(f"  ✗ second {DUR}\n", r.out), r.out


def test_run_template_error_fails_that_step(tako, ws, tmp_path):
    app = ws.repo("app", yml(f"""\
  w:
    steps:
      - id: render
        run: 'echo {{{{ len 3 }}}} > {tmp_path}/out'
"""))
    r = failing(tako, app)
    assert re.fullmatch(r"Error: workflow execution failed: step 'render' failed: failed to execute template: "
                        r".*error calling len: len of type int", last_err(r)), r.err
    assert not (tmp_path / "out").exists()


def test_event_template_error_after_the_process_succeeded(tako, ws, tmp_path):
    app = ws.repo("app", yml(f"""\
  w:
    steps:
      - id: emit
        run: touch {tmp_path}/ran
        produces:
          events:
            - type: built
              payload: {{v: '{{{{ len 3 }}}}'}}
      - id: after
        run: touch {tmp_path}/after
"""))
    r = failing(tako, app)
    assert (tmp_path / "ran").exists() and not (tmp_path / "after").exists()
    assert re.fullmatch(r"Error: workflow execution failed: step 'emit' failed: .*error calling len: len of type int", last_err(r)), r.err


# ---- the file system changes under a run ---------------------------------------------------------

def test_scratch_dir_blocked_by_a_file(tako, ws, tmp_path):
    """A step's scratch directory `tmp/<step-id>/` cannot be made: that step fails with the error."""
    app = ws.repo("app", yml(f"""\
  w:
    steps:
      - id: a
        run: touch "$TAKO_WORKSPACE/tmp/b"
      - id: b
        run: touch {tmp_path}/b-ran
"""))
    r = failing(tako, app)
    assert re.fullmatch(r"Error: workflow execution failed: step 'b' failed: mkdir \S+/tmp/b: not a directory",
                        last_err(r)), r.err
    assert not (tmp_path / "b-ran").exists()


def test_checkout_removed_during_the_run(tako, ws, tmp_path):
    """The next step cannot start in a checkout that is gone: `chdir <path>: <reason>`."""
    app = ws.repo("app", yml(f"""\
  w:
    steps:
      - id: move
        run: mv "$TAKO_REPO_PATH" "$TAKO_REPO_PATH.moved"
      - id: next
        run: touch {tmp_path}/next-ran
"""))
    r = failing(tako, app)
    assert last_err(r) == (f"Error: workflow execution failed: step 'next' failed: chdir {app}: "
                           "no such file or directory"), r.err
    assert not (tmp_path / "next-ran").exists()


def test_state_write_failure_before_a_built_in_step(tako, ws, tmp_path):
    """§11.3 holds for built-in steps too: tako/poll does not start when its `running` state
    cannot be written."""
    block = STATE_WRITE_BLOCKER
    app = ws.repo("app", yml(f"""\
  w:
    steps:
      - id: a
        run: '{block}'
      - id: wait
        uses: tako/poll@v1
        with: {{target: command, command: "touch {tmp_path}/polled", interval: 10ms, timeout: 5s}}
"""))
    r = failing(tako, app)
    assert re.fullmatch(r"Error: workflow execution failed: " + STATE_BLOCKED, last_err(r)), r.err
    assert not (tmp_path / "polled").exists()


# ---- child runs ----------------------------------------------------------------------------------

def test_child_with_a_missing_secret_fails_alone(tako, ws, env):
    """A child's secrets are checked when the child starts (§7.7): that child fails with the
    message, its siblings complete, the fan-out aggregates it (§10.10)."""
    src = ws.repo("src", emitter("src"))
    ws.repo("needy", subscriber("needy", "o/src", "      - run: touch RAN\n",
                                extra_sub="").replace("  react:\n", "  react:\n    secrets: [DEPLOY_TOKEN]\n"))
    ws.repo("fine", subscriber("fine", "o/src", "      - run: touch RAN\n"))
    r = tako("exec", "go", "--local", cwd=src)
    assert r.code == 1, r
    assert last_err(r) == ("Error: workflow execution failed: step 'fan' failed: fan-out failed: 1 of 2 child "
                           "workflows failed: o/needy:react: required secret 'DEPLOY_TOKEN' is not set"), r.err
    assert (ws.src / "fine" / "RAN").exists() and not (ws.src / "needy" / "RAN").exists()
    doc = state_of(env, run_id_of(r.out))
    needy = find_run(doc, "o/needy")
    assert needy["status"] == "failed" and needy["error"] == "required secret 'DEPLOY_TOKEN' is not set"
    assert needy["steps"] == []

    # With the secret set, a resume runs the child and the tree completes.
    r2 = tako("exec", "--resume", run_id_of(r.out), "--local", cwd=src, extra_env={"DEPLOY_TOKEN": "t0k3n"})
    assert r2.code == 0, r2
    assert (ws.src / "needy" / "RAN").exists()


def test_failed_only_when_the_origin_fails_again(tako, ws, env, tmp_path):
    flag = tmp_path / "fixed"
    src = ws.repo("src", emitter("src"))
    ws.repo("flaky", subscriber("flaky", "o/src", f"      - id: check\n        run: test -e {flag}\n"))
    r = tako("exec", "go", "--local", cwd=src)
    assert r.code == 1, r
    rid = run_id_of(r.out)

    again = tako("exec", "--resume", rid, "--failed-only", "--local", cwd=src)
    assert again.code == 1, again
    assert "Success: false\n" in again.out
    assert last_err(again) == ("Error: workflow execution failed: o/flaky:react: step 'check' failed: "
                               "exit status 1"), again.err
    assert find_run(state_of(env, rid), "o/flaky")["status"] == "failed"

    flag.write_text("")
    fixed = tako("exec", "--resume", rid, "--failed-only", "--local", cwd=src)
    assert fixed.code == 0, fixed
    assert find_run(state_of(env, rid), "o/flaky")["status"] == "completed"


def test_failed_only_when_the_origin_workflow_is_gone(tako, ws, env):
    src = ws.repo("src", emitter("src"))
    flaky = ws.repo("flaky", subscriber("flaky", "o/src", "      - run: exit 3\n"))
    r = tako("exec", "go", "--local", cwd=src)
    assert r.code == 1, r
    rid = run_id_of(r.out)
    (flaky / "tako.yml").write_text(subscriber("flaky", "o/src", "      - run: exit 3\n", workflow="other"))

    again = tako("exec", "--resume", rid, "--failed-only", "--local", cwd=src)
    assert again.code == 1, again
    assert last_err(again) == "Error: workflow execution failed: o/flaky:react: workflow 'react' not found", again.err


def test_resumed_child_sees_the_same_input_texts(tako, ws, env, tmp_path):
    """A resumed child's TAKO_INPUT_* and `.inputs` read as in its first attempt (§7.6a, §11.4),
    for numbers written with trailing zeros, booleans and defaults alike."""
    flag = tmp_path / "fixed"
    src = ws.repo("src", emitter("src", payload='{n: "1.50", ok: true}'))
    probe = 'echo "$TAKO_INPUT_N $TAKO_INPUT_OK $TAKO_INPUT_D {{ .inputs.n }} {{ .inputs.ok }}" >> LOG'
    ws.repo("sub", subscriber(
        "sub", "o/src",
        f"      - id: first\n        run: '{probe}'\n"
        f"      - id: gate\n        run: test -e {flag}\n"
        f"      - id: again\n        run: '{probe}'\n",
        inputs_decl="{n: {type: number}, ok: {type: boolean}, d: {type: number, default: 2.50}}",
        mapping='{n: "{{ .payload.n }}", ok: "{{ .payload.ok }}"}'))
    r = tako("exec", "go", "--local", cwd=src)
    assert r.code == 1, r
    flag.write_text("")
    r2 = tako("exec", "--resume", run_id_of(r.out), "--local", cwd=src)
    assert r2.code == 0, r2
    first, again = (ws.src / "sub" / "LOG").read_text().splitlines()
    assert first == again, (first, again)


def test_failed_only_root_sees_its_command_line_texts(tako, ws, tmp_path):
    flag = tmp_path / "fixed"
    probe = 'echo "$TAKO_INPUT_N $TAKO_INPUT_D" >> {log}'.format(log=tmp_path / "LOG")
    app = ws.repo("app", yml(f"""\
  w:
    inputs:
      n: {{type: number}}
      d: {{type: number, default: 2.50}}
    steps:
      - id: first
        run: '{probe}'
      - id: gate
        run: test -e {flag}
      - id: again
        run: '{probe}'
"""))
    r = tako("exec", "w", "--input", "n=1.50", cwd=app)
    assert r.code == 1, r
    flag.write_text("")
    r2 = tako("exec", "--resume", run_id_of(r.out), "--failed-only", cwd=app)
    assert r2.code == 0, r2
    assert (tmp_path / "LOG").read_text().splitlines() == ["1.50 2.50", "1.50 2.50"]

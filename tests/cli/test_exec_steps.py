"""Steps (REFERENCE.md §7.2–7.6, §7.13, §13.2): shell execution, `if:`, timeouts, long-running steps and
tako/poll@v1, outputs, environment, TAKO_* variables, on_failure, step cache."""
import json
import os
import re

import pytest

from test_exec_util import (DUR, home, load_state, pid_alive, read_pid, run_id_of, steps_of, wait_dead,
                            yml)


def exec_ok(tako, repo, *args, **kw):
    r = tako("exec", "w", *args, cwd=repo, **kw)
    assert r.code == 0, r
    return r


def outputs(env, r):
    return {k: v["outputs"] for k, v in steps_of(load_state(env, run_id_of(r.out))).items()}


# ---- §7.2 shell execution ------------------------------------------------------------------------

def test_sh_cwd_stdin_process_group(tako, ws, env):
    app = ws.repo("app", yml("""\
  w:
    steps:
      - id: probe
        run: |
          echo "cwd=$PWD"
          echo "stdin=$(readlink /proc/$$/fd/0)"
          echo "read=[$(cat)]"
          pgid=$(cut -d' ' -f5 /proc/$$/stat)
          echo "leader=$([ "$pgid" = "$$" ] && echo yes || echo no)"
          ppgid=$(cut -d' ' -f5 /proc/$PPID/stat)
          echo "sep=$([ "$pgid" != "$ppgid" ] && echo yes || echo no)"
        produces: {outputs: {all: from_stdout}}
"""))
    r = tako("exec", "w", cwd=app, input="must not be read\n")
    assert r.code == 0, r
    assert outputs(env, r)["probe"]["all"].splitlines() == [
        f"cwd={app}", "stdin=/dev/null", "read=[]", "leader=yes", "sep=yes"]


def test_exit_status_and_signal_errors(tako, ws):
    app = ws.repo("app", yml("""\
  w:
    steps:
      - id: k
        run: kill -9 $$
"""))
    r = tako("exec", "w", cwd=app)
    assert r.code == 1
    assert r.err.endswith("Error: workflow execution failed: step 'k' failed: signal: killed\n"), r.err
    assert re.search(f"  ✗ k {DUR}\n", r.out)


def test_steps_after_failure_not_listed_and_not_run(tako, ws, tmp_path):
    marker = tmp_path / "ran"
    app = ws.repo("app", yml(f"""\
  w:
    steps:
      - id: a
        run: exit 2
      - id: b
        run: touch {marker}
"""))
    r = tako("exec", "w", cwd=app)
    assert r.code == 1
    assert "Steps executed: 1\n" in r.out and " b " not in r.out
    assert not marker.exists()
    assert r.err == "Error: workflow execution failed: step 'a' failed: exit status 2\n"  # empty log: no block


# ---- §7.3 if -------------------------------------------------------------------------------------

IF_YML = yml("""\
  w:
    inputs:
      s: {type: string, default: text}
      go: {type: boolean, default: true}
    steps:
      - id: yes
        if: .inputs.go
        run: echo yes
      - id: no
        if: '!inputs.go'
        run: echo no
      - id: env_cond
        if: env.HOME != ""
        run: echo env
      - id: run_cond
        if: run.workflow == "w" && run.repo == "o/app" && run.depth == 0
        run: echo run
""")


def test_if_true_false(tako, ws, env):
    app = ws.repo("app", IF_YML)
    r = exec_ok(tako, app)
    assert re.search(f"  ✓ yes {DUR}\n  - no \\(skipped\\)\n  ✓ env_cond {DUR}\n  ✓ run_cond {DUR}\n", r.out), r.out
    st = steps_of(load_state(env, run_id_of(r.out)))
    assert st["no"]["status"] == "skipped" and st["no"]["outputs"] == {}


def test_if_non_bool_and_error_run_on_failure(tako, ws, env):
    app = ws.repo("app", yml("""\
  w:
    inputs:
      s: {type: string, default: text}
    steps:
      - id: notbool
        if: inputs.s
        run: echo never
        on_failure:
          - id: handler
            run: echo "handled $TAKO_FAILED_STEP"
"""))
    r = tako("exec", "w", cwd=app)
    assert r.code == 1, r
    assert r.err.endswith("Error: workflow execution failed: step 'notbool' failed: "
                          "if condition of step 'notbool' must evaluate to a boolean, got string\n"), r.err
    assert re.search(f"  ✗ notbool {DUR}\n  ✓ handler \\[on_failure\\] {DUR}\n", r.out), r.out

    app2 = ws.repo("app2", yml("""\
  w:
    steps:
      - id: boom
        if: 1 / 0 == 1
        run: echo never
        on_failure:
          - id: handler
            run: echo handled
""", name="o/app2"))
    r = tako("exec", "w", cwd=app2)
    assert r.code == 1, r
    assert re.search(r"Error: workflow execution failed: step 'boom' failed: if: CEL evaluation error: .+\n$",
                     r.err), r.err
    assert "  ✓ handler [on_failure]" in r.out


# ---- §7.2.6 timeout ------------------------------------------------------------------------------

def test_timeout_kills_process_group(tako, ws, tmp_path):
    app = ws.repo("app", yml(f"""\
  w:
    steps:
      - id: slow
        timeout: 1s
        run: |
          sleep 300 &
          echo $! > {tmp_path}/bg.pid
          echo $$ > {tmp_path}/sh.pid
          wait
"""))
    r = tako("exec", "w", cwd=app, timeout=60)
    assert r.code == 1, r
    assert r.err.endswith("Error: workflow execution failed: step 'slow' failed: timed out after 1s\n"), r.err
    assert re.search(f"  ✗ slow {DUR}\n", r.out)
    for f in ("bg.pid", "sh.pid"):
        wait_dead(read_pid(tmp_path / f), timeout=10)


def test_timeout_written_form_is_kept(tako, ws):
    app = ws.repo("app", yml("""\
  w:
    steps:
      - id: slow
        timeout: 500ms
        run: exec sleep 300
"""))
    r = tako("exec", "w", cwd=app)
    assert r.code == 1
    assert r.err.endswith("step 'slow' failed: timed out after 500ms\n"), r.err


# ---- §7.4 long-running + §13.2 poll ---------------------------------------------------------------

def test_long_running_with_poll_step(tako, ws, env, tmp_path):
    go = tmp_path / "go"
    app = ws.repo("app", yml(f"""\
  w:
    steps:
      - id: server
        long_running: true
        run: 'while [ ! -f {go} ]; do sleep 0.02; done; echo served; exit 0'
        produces: {{outputs: {{said: from_stdout}}}}
      - id: kick
        run: touch {go}
      - id: waiter
        uses: tako/poll@v1
        with: {{target: step, step_id: server, interval: 10ms, timeout: 60s}}
      - id: after
        run: echo "code={{{{ .steps.waiter.exit_code }}}} said={{{{ .steps.server.outputs.said }}}}"
        produces: {{outputs: {{v: from_stdout}}}}
"""))
    r = exec_ok(tako, app)
    outs = outputs(env, r)
    assert outs["waiter"] == {"exit_code": "0"}
    assert outs["after"]["v"] == "code=0 said=served"
    assert outs["server"] == {"said": "served"}
    st = steps_of(load_state(env, run_id_of(r.out)))
    assert st["server"]["long_running"] is True and st["server"]["status"] == "completed"


def test_long_running_failure_fails_run_at_end(tako, ws, env, tmp_path):
    app = ws.repo("app", yml(f"""\
  w:
    steps:
      - id: bg
        long_running: true
        run: 'while [ ! -f {tmp_path}/go ]; do sleep 0.02; done; echo bad; exit 4'
        on_failure:
          - id: bg_cleanup
            run: echo "cleanup $TAKO_FAILED_STEP"
      - id: fg
        run: touch {tmp_path}/go
"""))
    r = tako("exec", "w", cwd=app)
    assert r.code == 1, r
    assert r.err.endswith("Error: workflow execution failed: step 'bg' failed: exit status 4\n"), r.err
    assert "--- last 1 lines of step 'bg' (o/app) ---\nbad\n---\n" in r.err
    assert "  ✓ bg_cleanup [on_failure]" in r.out
    assert "  ✓ fg " in r.out and "  ✗ bg " in r.out


def test_poll_step_timeout_kills_target(tako, ws, tmp_path):
    app = ws.repo("app", yml(f"""\
  w:
    steps:
      - id: forever
        long_running: true
        run: 'echo $$ > {tmp_path}/lr.pid; exec sleep 300'
      - id: waiter
        uses: tako/poll@v1
        with: {{target: step, step_id: forever, interval: 10ms, timeout: 300ms}}
"""))
    r = tako("exec", "w", cwd=app)
    assert r.code == 1, r
    assert ("Error: workflow execution failed: step 'waiter' failed: "
            "poll timed out after 300ms waiting for step 'forever'\n") in r.err, r.err
    wait_dead(read_pid(tmp_path / "lr.pid"))


def test_poll_command_attempts(tako, ws, env, tmp_path):
    count = tmp_path / "count"
    app = ws.repo("app", yml(f"""\
  w:
    steps:
      - id: p
        uses: tako/poll@v1
        with:
          target: command
          interval: 10ms
          timeout: 60s
          command: 'n=$(cat {count} 2>/dev/null || echo 0); n=$((n+1)); echo $n > {count}; [ $n -ge 3 ]'
"""))
    r = exec_ok(tako, app)
    assert outputs(env, r)["p"] == {"exit_code": "0", "attempts": "3"}


def test_poll_command_success_code_and_timeout(tako, ws, env):
    app = ws.repo("app", yml("""\
  w:
    steps:
      - id: p
        uses: tako/poll@v1
        with: {target: command, command: "exit 5", success_on_exit_code: 5, interval: 10ms}
      - id: q
        uses: tako/poll@v1
        with: {target: command, command: "exit 7", interval: 20ms, timeout: 200ms}
"""))
    r = tako("exec", "w", cwd=app)
    assert r.code == 1, r
    assert r.err.endswith("Error: workflow execution failed: step 'q' failed: "
                          "poll timed out after 200ms: command last exited with code 7\n"), r.err
    st = steps_of(load_state(env, run_id_of(r.out)))
    assert st["p"]["outputs"] == {"exit_code": "5", "attempts": "1"}


# ---- §7.5 outputs ---------------------------------------------------------------------------------

def test_output_sources(tako, ws, env):
    app = ws.repo("app", yml("""\
  w:
    steps:
      - id: gen
        run: |
          printf '  out text \\n\\n'
          printf '\\t err text\\n' >&2
          printf '  file text\\n' > sub/out.txt
          echo "A=first" >> "$TAKO_OUTPUT"
          echo "A=second" >> "$TAKO_OUTPUT"
          printf 'MULTI<<EOF\\nline 1\\n  line 2\\nEOF\\n' >> "$TAKO_OUTPUT"
          echo "EQ=x=y" >> "$TAKO_OUTPUT"
        produces:
          outputs:
            so: from_stdout
            se: from_stderr
            fi: from_file:sub/out.txt
            a: from_env:A
            multi: from_env:MULTI
            eq: from_env:EQ
            tpl: "{{ .outputs.a }}|{{ .stdout | trim }}|{{ .outputs.fi }}"
      - id: use
        if: steps.gen.outputs.a == "second" && steps.gen.so == "out text"
        run: 'echo "{{ .steps.gen.outputs.multi }}/{{ .steps.gen.se }}/{{ .Steps.gen.tpl }}"'
        produces: {outputs: {v: from_stdout}}
"""), files={"sub/.keep": ""})
    r = exec_ok(tako, app)
    outs = outputs(env, r)
    assert outs["gen"] == {"so": "out text", "se": "err text", "fi": "file text", "a": "second",
                           "multi": "line 1\n  line 2", "eq": "x=y", "tpl": "second|out text|file text"}
    assert outs["use"]["v"] == "line 1\n  line 2/err text/second|out text|file text"


@pytest.mark.parametrize("source,setup,msg", [
    ("from_file:nope.txt", "true", "output 'o': file 'nope.txt' not found"),
    ("from_file:link.txt", "echo secret > {tmp}/outside.txt; ln -sf {tmp}/outside.txt link.txt",
     "output 'o': path 'link.txt' escapes the repository"),
    ("from_file:dir/../../x", "true", None),  # rejected at load time (contains ..)
    ("from_env:MISSING", "echo OTHER=1 >> $TAKO_OUTPUT", "output 'o': variable 'MISSING' was not written to $TAKO_OUTPUT"),
])
def test_output_errors(tako, ws, tmp_path, source, setup, msg):
    app = ws.repo("app", yml(f"""\
  w:
    steps:
      - id: s
        run: '{setup.format(tmp=tmp_path)}'
        produces: {{outputs: {{o: "{source}"}}}}
        on_failure:
          - id: h
            run: echo handled
"""))
    r = tako("exec", "w", cwd=app)
    assert r.code == 1, r
    if msg is None:
        assert "Execution completed" not in r.out
        assert "invalid" in r.err and ".." in r.err, r.err
        return
    assert r.err.endswith(f"Error: workflow execution failed: step 's' failed: {msg}\n"), r.err
    assert "  ✓ h [on_failure]" in r.out


# ---- §7.6 environment -----------------------------------------------------------------------------

def test_env_precedence_and_tako_vars(tako, ws, env):
    app = ws.repo("app", yml("""\
  w:
    env:
      FROM_WF: 'wf-{{ index .inputs "my-in" }}'
      SHARED: wf
      PROC: overridden-by-wf
    inputs:
      my-in: {type: string, default: d1}
      num: {type: number, default: 1.50}
      flag: {type: boolean, default: true}
      absent: {type: string}
    steps:
      - id: show
        env:
          SHARED: "step-{{ .env.FROM_WF }}"
          TAKO_RUN_ID: spoofed
          TAKO_STEP_ID: spoofed
        run: |
          echo "FROM_WF=$FROM_WF"
          echo "SHARED=$SHARED"
          echo "PROC=$PROC"
          echo "ONLYPROC=$ONLYPROC"
          echo "RUN=$TAKO_RUN_ID"
          echo "STEP=$TAKO_STEP_ID"
          echo "WS=$TAKO_WORKSPACE"
          echo "REPO=$TAKO_REPO"
          echo "PATH_=$TAKO_REPO_PATH"
          echo "OUT=$TAKO_OUTPUT"
          echo "OUTSIZE=$(wc -c < "$TAKO_OUTPUT")"
          echo "IN=$TAKO_INPUT_MY_IN/$TAKO_INPUT_NUM/$TAKO_INPUT_FLAG/${TAKO_INPUT_ABSENT-unset}"
          echo "FAILED=${TAKO_FAILED_STEP-unset}"
          echo "TPL={{ .env.PROC }}/{{ .env.ONLYPROC }}"
        produces: {outputs: {all: from_stdout}}
"""))
    r = tako("exec", "w", "--inputs.my-in=given", "--preserve-tmp", cwd=app,
             extra_env={"PROC": "proc", "ONLYPROC": "only"})
    assert r.code == 0, r
    run_id = run_id_of(r.out)
    wsdir = home(env) / "workspaces" / run_id
    assert outputs(env, r)["show"]["all"].splitlines() == [
        "FROM_WF=wf-given",
        "SHARED=step-wf-given",
        "PROC=overridden-by-wf",
        "ONLYPROC=only",
        f"RUN={run_id}",
        "STEP=show",
        f"WS={wsdir}",
        "REPO=o/app",
        f"PATH_={app}",
        f"OUT={wsdir}/tmp/show/output",
        "OUTSIZE=0",
        "IN=given/1.50/true/unset",
        "FAILED=unset",
        "TPL=overridden-by-wf/only",
    ]
    assert oct((wsdir / "tmp" / "show").stat().st_mode & 0o777) == "0o777"


def test_env_list_form(tako, ws, env):
    app = ws.repo("app", yml("""\
  w:
    env: ["A=1", "B={{ .inputs.x }}"]
    inputs: {x: {type: string, default: bee}}
    steps:
      - id: s
        run: echo "$A$B"
        produces: {outputs: {v: from_stdout}}
"""))
    r = exec_ok(tako, app)
    assert outputs(env, r)["s"]["v"] == "1bee"


# ---- §7.6b on_failure ------------------------------------------------------------------------------

def test_on_failure_chain_with_failing_handler(tako, ws, env, tmp_path):
    app = ws.repo("app", yml(f"""\
  w:
    steps:
      - id: ok
        run: echo fine
      - id: main
        run: 'echo "main broke"; exit 3'
        on_failure:
          - id: first
            run: 'echo "first sees $TAKO_FAILED_STEP"; exit 9'
            on_failure:
              - id: nested
                run: echo "nested sees $TAKO_FAILED_STEP" > {tmp_path}/nested
          - id: skipped_handler
            if: 'false'
            run: echo never
          - id: second
            run: echo "second sees $TAKO_FAILED_STEP" > {tmp_path}/second
      - id: never
        run: echo never
"""))
    r = tako("exec", "w", cwd=app)
    assert r.code == 1, r
    assert re.search(
        f"Steps executed: 6\n  ✓ ok {DUR}\n  ✗ main {DUR}\n  ✗ first \\[on_failure\\] {DUR}\n"
        f"  ✓ nested \\[on_failure\\] {DUR}\n  - skipped_handler \\(skipped\\)\n  ✓ second \\[on_failure\\] {DUR}\n$",
        r.out), r.out
    assert r.err.endswith("Error: workflow execution failed: step 'main' failed: exit status 3 "
                          "(on_failure step 'first' also failed: exit status 9)\n"), r.err
    assert "--- last 1 lines of step 'main' (o/app) ---\nmain broke\n---\n" in r.err
    assert "--- last 1 lines of step 'first' (o/app) ---\nfirst sees main\n---\n" in r.err
    assert (tmp_path / "nested").read_text() == "nested sees first\n"
    assert (tmp_path / "second").read_text() == "second sees main\n"
    doc = load_state(env, run_id_of(r.out))
    st = steps_of(doc)
    assert st["first"]["on_failure_of"] == "main" and st["nested"]["on_failure_of"] == "first"
    assert doc["root"]["error"] == "step 'main' failed: exit status 3 (on_failure step 'first' also failed: exit status 9)"


def test_failure_log_shows_last_20_lines(tako, ws):
    app = ws.repo("app", yml("""\
  w:
    steps:
      - id: noisy
        run: 'for i in $(seq 1 30); do echo "line $i"; done; echo "err"; exit 1'
"""))
    r = tako("exec", "w", cwd=app)
    assert r.code == 1
    expected = "--- last 20 lines of step 'noisy' (o/app) ---\n" + "".join(
        f"line {i}\n" for i in range(12, 31)) + "err\n---\n"
    assert r.err.startswith(expected), r.err


# ---- §7.13 step cache -------------------------------------------------------------------------------

CACHE_YML = yml("""\
  w:
    steps:
      - id: build
        cache_key_files: ["src/**/*.txt", "top.cfg"]
        run: 'echo run >> "$COUNTER"; echo "built-$(cat src/a/x.txt)"'
        produces: {outputs: {artifact: from_stdout}}
      - id: use
        run: echo "got {{ .steps.build.outputs.artifact }}"
        produces: {outputs: {v: from_stdout}}
""")


def test_step_cache(tako, ws, env, tmp_path):
    app = ws.repo("app", CACHE_YML, files={"src/a/x.txt": "one", "top.cfg": "c", "other.md": "m"})
    counter = tmp_path / "counter"
    e = {"COUNTER": str(counter)}

    def runs():
        return counter.read_text().count("run") if counter.exists() else 0

    r1 = exec_ok(tako, app, extra_env=e)
    assert runs() == 1 and re.search(f"  ✓ build {DUR}\n", r1.out)
    entries = list((home(env) / "cache" / "steps").glob("*.json"))
    assert len(entries) == 1 and re.fullmatch(r"[0-9a-f]{64}\.json", entries[0].name)
    entry = json.loads(entries[0].read_text())
    assert entry["outputs"] == {"artifact": "built-one"} and "created" in entry

    r2 = exec_ok(tako, app, extra_env=e)
    assert runs() == 1
    assert "  ✓ build (cached)\n" in r2.out
    assert outputs(env, r2)["use"]["v"] == "got built-one"
    st = steps_of(load_state(env, run_id_of(r2.out)))
    assert st["build"]["cached"] is True and st["build"]["outputs"] == {"artifact": "built-one"}

    (app / "other.md").write_text("unmatched change")
    exec_ok(tako, app, extra_env=e)
    assert runs() == 1

    r4 = exec_ok(tako, app, "--no-cache", extra_env=e)
    assert runs() == 2 and "(cached)" not in r4.out

    (app / "src" / "a" / "x.txt").write_text("two")
    r5 = exec_ok(tako, app, extra_env=e)
    assert runs() == 3 and outputs(env, r5)["use"]["v"] == "got built-two"

    (app / "src" / "a" / "new.txt").write_text("added")
    exec_ok(tako, app, extra_env=e)
    assert runs() == 4
    exec_ok(tako, app, extra_env=e)
    assert runs() == 4


def test_failed_step_is_not_cached(tako, ws, env, tmp_path):
    app = ws.repo("app", yml("""\
  w:
    steps:
      - id: build
        cache_key_files: "*.txt"
        run: 'echo run >> "$COUNTER"; test -f "$COUNTER.ok"'
"""), files={"a.txt": "a"})
    counter = tmp_path / "counter"
    e = {"COUNTER": str(counter)}
    assert tako("exec", "w", cwd=app, extra_env=e).code == 1
    (tmp_path / "counter.ok").write_text("")
    exec_ok(tako, app, extra_env=e)
    r = exec_ok(tako, app, extra_env=e)
    assert counter.read_text().count("run") == 2 and "(cached)" in r.out

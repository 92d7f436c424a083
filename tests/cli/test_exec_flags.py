"""`tako exec` flags of REFERENCE.md §1.6 (everything that does not need fan-out), --dry-run (§7.10),
--debug (§7.11), --verbose (§7.8), --json (§1.6.3), --preserve-tmp (§2)."""
import json
import re

import pytest

from test_exec_util import DUR, RUN_ID, all_files, home, load_state, run_id_of, store_path, yml

ECHO_INPUTS = yml("""\
  w:
    inputs:
      x: {type: string, default: dflt}
      y: {type: string}
    steps:
      - id: show
        run: 'echo "x=[$TAKO_INPUT_X] y=[$TAKO_INPUT_Y] tx=[{{ .inputs.x }}]"'
        produces: {outputs: {line: from_stdout}}
""")


@pytest.fixture
def app(ws):
    return ws.repo("app", ECHO_INPUTS)


def shown(env, out):
    return load_state(env, run_id_of(out))["root"]["steps"][0]["outputs"]["line"]


@pytest.mark.parametrize("args,expected,header", [
    (["--inputs.x=v1"], "x=[v1] y=[] tx=[v1]", "  x: v1\n"),
    (["--inputs.x", "v2"], "x=[v2] y=[] tx=[v2]", "  x: v2\n"),
    (["--input", "x=v3"], "x=[v3] y=[] tx=[v3]", "  x: v3\n"),
    (["--input=x=a=b"], "x=[a=b] y=[] tx=[a=b]", "  x: a=b\n"),
    (["--inputs.x=first", "--input", "x=second", "--inputs.x", "third"], "x=[third] y=[] tx=[third]",
     "  x: third\n"),
    (["--inputs.x="], "x=[] y=[] tx=[]", "  x: \n"),
    (["--input", "x="], "x=[] y=[] tx=[]", "  x: \n"),
    (["--inputs.y=b", "--inputs.x=a"], "x=[a] y=[b] tx=[a]", "  x: a\n  y: b\n"),
    ([], "x=[dflt] y=[] tx=[dflt]", None),
])
def test_input_flag_forms(tako, app, env, args, expected, header):
    r = tako("exec", "w", *args, cwd=app)
    assert r.code == 0, r
    assert shown(env, r.out) == expected
    if header is None:
        assert r.out.startswith("Executing workflow 'w'\n\nExecution completed: "), r.out
    else:
        assert r.out.startswith("Executing workflow 'w'\nInputs:\n" + header + "\n"), r.out


def test_flags_after_and_before_workflow(tako, app, env):
    r = tako("exec", "--inputs.x=pre", "w", cwd=app)
    assert r.code == 0, r
    assert shown(env, r.out) == "x=[pre] y=[] tx=[pre]"


def usage(msg):
    return f"Error: {msg}\nRun 'tako exec --help' for usage.\n"


@pytest.mark.parametrize("args,msg", [
    (["w", "--inputs", "x=1"], "invalid input flag '--inputs': use --inputs.<name>=<value>"),
    (["w", "--inputs=x=1"], "invalid input flag '--inputs': use --inputs.<name>=<value>"),
    (["w", "--input", "novalue"], "invalid input 'novalue': expected <name>=<value>"),
    (["--resume", "exec-20240101-000000-00000000", "--inputs.x=1"], "--inputs cannot be used with --resume"),
    (["--resume", "exec-20240101-000000-00000000", "--input", "x=1"], "--inputs cannot be used with --resume"),
    (["w", "--failed-only"], "--failed-only requires --resume"),
    ([], "accepts 1 arg(s), received 0"),
    (["w", "extra"], "accepts 1 arg(s), received 2"),
    (["w", "--bogus"], "unknown flag: --bogus"),
])
def test_usage_errors(tako, app, env, args, msg):
    r = tako("exec", *args, cwd=app)
    assert r.code == 1, r
    assert r.out == ""
    assert r.err == usage(msg)
    assert not store_path(env).exists()


@pytest.mark.parametrize("args", [
    ["--max-concurrent-repos", "0"], ["--max-concurrent-repos", "x"], ["--max-depth", "0"],
    ["--max-depth", "-1"], ["--isolation", "bogus"], ["--lock-timeout", "5 minutes"],
    ["--container-runtime", "lxc"],
])
def test_invalid_numeric_and_enum_flags(tako, app, env, args):
    r = tako("exec", "w", *args, cwd=app)
    assert r.code == 1, r
    assert r.out == ""
    assert r.err.startswith("Error: ") and r.err.endswith("Run 'tako exec --help' for usage.\n"), r.err
    assert args[1] in r.err


def test_lock_timeout_parse_error_text(tako, app):
    r = tako("exec", "w", "--lock-timeout", "5 minutes", cwd=app)
    assert 'time: unknown unit " minutes" in duration "5 minutes"' in r.err, r


@pytest.mark.parametrize("args", [
    ["--max-concurrent-repos", "1"], ["--max-depth", "3"], ["--isolation", "worktree"],
    ["--isolation=shared"], ["--lock-timeout=30s"], ["--container-runtime", "docker"], ["--no-cache"],
])
def test_valid_flags_accepted(tako, app, args):
    r = tako("exec", "w", *args, cwd=app)
    assert r.code == 0, r
    assert "Success: true" in r.out


def test_missing_workflow_is_error_without_summary(tako, app, env):
    r = tako("exec", "nope", cwd=app)
    assert r.code == 1
    assert r.out == "Executing workflow 'nope'\n"
    assert r.err == "Error: workflow execution failed: workflow 'nope' not found\n"
    assert not store_path(env).exists()


def test_missing_config(tako, tmp_path):
    d = tmp_path / "empty"
    d.mkdir()
    r = tako("exec", "w", "--root", d)
    assert r.code == 1
    assert r.out == "Executing workflow 'w'\n"
    assert r.err == ("Error: workflow execution failed: could not read config file: open "
                     f"{d}/tako.yml: no such file or directory\n")


def test_repo_header_line(tako, ws, env):
    ws.repo("lib", yml("  w:\n    steps: [echo hi]\n", name="o/lib"))
    r = tako("exec", "w", "--repo", "o/lib")
    assert r.code == 0, r
    assert r.out.startswith("Executing workflow 'w'\nRepository: o/lib\n\nExecution completed: "), r.out


# ---- --dry-run (§7.10) -------------------------------------------------------------------------

DRY = yml("""\
  w:
    secrets: [MY_SECRET]
    inputs:
      n: {type: number, required: true}
    steps:
      - id: one
        run: |
          echo one
          echo {{ .inputs.n }}
      - id: two
        if: inputs.n > 100
        run: touch should-not-exist
      - id: three
        uses: tako/poll@v1
        with: {target: command, command: "true"}
      - echo plain
""")


def test_dry_run_plan_and_no_files(tako, ws, env):
    app = ws.repo("app", DRY)
    r = tako("exec", "w", "--dry-run", "--inputs.n=3", cwd=app)
    assert r.code == 0, r
    head = r.out[:r.out.index("Execution completed: ")]
    assert head == (
        "Executing workflow 'w'\n"
        "Inputs:\n"
        "  n: 3\n"
        "[dry-run] one: echo one\\necho {{ .inputs.n }}\\n\n"
        "[dry-run] two: touch should-not-exist\n"
        "[dry-run] three: uses tako/poll@v1\n"
        "[dry-run] step-4: echo plain\n"
        "\n"
    ), head
    tail = r.out[r.out.index("Execution completed: "):]
    assert re.fullmatch(
        f"Execution completed: {RUN_ID}\nSuccess: true\nDuration: 0s\n\nSteps executed: 4\n"
        "  ✓ one \\(0s\\)\n  ✓ two \\(0s\\)\n  ✓ three \\(0s\\)\n  ✓ step-4 \\(0s\\)\n", tail), tail
    assert r.err == ""
    assert not (app / "should-not-exist").exists()
    # No files at all under TAKO_HOME: no state, workspace, lock or cache.
    h = home(env)
    assert not h.exists() or list(all_files(h)) == [], list(all_files(h))


def test_dry_run_still_validates_inputs(tako, ws, env):
    app = ws.repo("app", DRY)
    r = tako("exec", "w", "--dry-run", cwd=app)
    assert r.code == 1
    assert r.err == "Error: workflow execution failed: required input 'n' not provided\n"
    assert "Execution completed" not in r.out


def test_dry_run_json(tako, ws, env):
    app = ws.repo("app", DRY)
    r = tako("exec", "w", "--dry-run", "--json", "--inputs.n=1", cwd=app)
    assert r.code == 0, r
    doc = json.loads(r.out)
    assert doc["success"] is True and doc["error"] is None and doc["duration_ms"] == 0
    assert re.fullmatch(RUN_ID, doc["run_id"])


# ---- --debug (§7.11) ---------------------------------------------------------------------------

DEBUG = yml("""\
  w:
    secrets: [TOKEN]
    env: {GREETING: "hi {{ .inputs.who }}"}
    inputs:
      who: {type: string, default: bob}
    steps:
      - id: a
        if: inputs.who == "bob"
        run: echo "rendered {{ .inputs.who }}"
        env: {T: TOKEN}
      - id: b
        if: inputs.who != "bob"
        run: echo never
      - id: c
        run: echo "uses s3cr3t-value inline"
""")


def test_debug_lines(tako, ws):
    app = ws.repo("app", DEBUG)
    r = tako("exec", "w", "--debug", cwd=app, extra_env={"TOKEN": "s3cr3t-value"})
    assert r.code == 0, r
    debug = [l for l in r.err.splitlines() if l.startswith("[debug] ")]
    assert debug, r.err
    assert all(l.startswith("[debug] ") or l.startswith("warning: ") for l in r.err.splitlines()), r.err
    text = "\n".join(debug)
    assert "echo \"rendered bob\"" in text
    assert "hi bob" in text  # rendered workflow env value
    assert "true" in text and "false" in text  # if results
    assert any("b" in l and "false" in l for l in debug)
    assert "echo \"uses *** inline\"" in text
    assert "s3cr3t-value" not in r.err + r.out
    assert "[debug]" not in r.out


def test_no_debug_lines_without_flag(tako, ws):
    app = ws.repo("app", DEBUG)
    r = tako("exec", "w", cwd=app, extra_env={"TOKEN": "s3cr3t-value"})
    assert r.code == 0, r
    assert r.err == ""


# ---- --verbose (§7.8) --------------------------------------------------------------------------

VERBOSE = yml("""\
  w:
    steps:
      - id: talk
        run: 'echo out1; echo err1 >&2; echo out2; printf partial'
""")


@pytest.mark.parametrize("flag", ["--verbose", "-v"])
def test_verbose_streams_lines(tako, ws, flag):
    app = ws.repo("app", VERBOSE)
    r = tako("exec", "w", flag, cwd=app)
    assert r.code == 0, r
    assert "[o/app/talk] out1\n[o/app/talk] out2\n[o/app/talk] partial\n" in r.out, r.out
    assert r.err == "[o/app/talk] err1\n"
    # Streamed lines come before the summary.
    assert r.out.index("[o/app/talk] out1") < r.out.index("Execution completed")


def test_not_verbose_when_piped(tako, ws):
    app = ws.repo("app", VERBOSE)
    r = tako("exec", "w", cwd=app)
    assert r.code == 0, r
    assert "out1" not in r.out and r.err == ""


# ---- --json (§1.6.3) ---------------------------------------------------------------------------

def test_json_success(tako, app, env):
    r = tako("exec", "w", "--json", "--inputs.x=j", cwd=app)
    assert r.code == 0, r
    doc = json.loads(r.out)  # exactly one document, nothing else on stdout
    assert set(doc) == {"run_id", "success", "duration_ms", "error", "run"}
    assert doc["success"] is True and doc["error"] is None
    assert isinstance(doc["duration_ms"], int) and doc["duration_ms"] >= 0
    assert doc["run"]["run_id"] == doc["run_id"]
    assert doc["run"]["status"] == "completed"
    assert doc["run"]["steps"][0]["outputs"] == {"line": "x=[j] y=[] tx=[j]"}
    assert "Executing workflow" not in r.out
    assert r.err == ""


def test_json_failure_and_verbose(tako, ws, env):
    app = ws.repo("app", yml("  w:\n    steps:\n      - id: bad\n        run: 'echo oops; exit 3'\n"))
    r = tako("exec", "w", "--json", "--verbose", cwd=app)
    assert r.code == 1, r
    doc = json.loads(r.out)
    assert doc["success"] is False
    assert doc["error"] == "step 'bad' failed: exit status 3"
    assert doc["run"]["status"] == "failed"
    assert doc["run"]["steps"][0]["exit_code"] == 3
    assert "--- last 1 lines of step 'bad' (o/app) ---\noops\n---\n" in r.err
    assert r.err.endswith("Error: workflow execution failed: step 'bad' failed: exit status 3\n")


def test_json_input_error_has_no_document(tako, ws):
    app = ws.repo("app", DRY)
    r = tako("exec", "w", "--json", cwd=app)
    assert r.code == 1
    assert r.err == "Error: workflow execution failed: required input 'n' not provided\n"
    assert "Executing" not in r.out


# ---- --preserve-tmp (§2) -----------------------------------------------------------------------

def test_preserve_tmp_keeps_workspace(tako, app, env):
    r = tako("exec", "w", "--preserve-tmp", cwd=app)
    assert r.code == 0, r
    run_id = run_id_of(r.out)
    wsdir = home(env) / "workspaces" / run_id
    assert (wsdir / "logs" / "show.log").read_text() == "x=[dflt] y=[] tx=[dflt]\n"
    assert (wsdir / "tmp" / "show" / "output").exists()
    assert load_state(env, run_id)["root"]["workspace"] == str(wsdir)


def test_workspace_removed_without_preserve(tako, app, env):
    r = tako("exec", "w", cwd=app)
    assert r.code == 0, r
    assert not (home(env) / "workspaces" / run_id_of(r.out)).exists()

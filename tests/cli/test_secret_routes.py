"""Secrets never leave masked form (REFERENCE.md §7.7, docs/ENGINE.md "Secrets"), on every route a value
can take: step output -> event payload -> child inputs -> child step, the step cache, the state
store (every file under TAKO_HOME, .bak and logs included), `exec --json`, `status` (text and
--json), console stdout/stderr, error messages, for single-line and multi-line secrets."""
import json

import pytest

from test_exec_util import all_files, home, load_state, steps_of
from test_fanout_util import find_run, run_id_of, state_of, step_of, yml

TOKEN = "s3cr3t-Route-77"
MULTI = "line-one-AAA\nline-two-BBB\nline-three-CCC"
CLEAR = [TOKEN, "line-one-AAA", "line-two-BBB", "line-three-CCC"]
SECRETS = {"TOKEN": TOKEN, "MULTI": MULTI}

EMITTER = yml("src", """workflows:
  go:
    secrets: [TOKEN, MULTI]
    steps:
      - id: mk
        env: {T: TOKEN, M: MULTI}
        cache_key_files: ["*.txt"]
        run: |
          echo "V=$T" >> "$TAKO_OUTPUT"
          { echo "ML<<EOF"; echo "$M"; echo "EOF"; } >> "$TAKO_OUTPUT"
          echo "$M"
          echo "stdout $T"
          echo "err $T" >&2
        produces:
          outputs: {v: "from_env:V", ml: "from_env:ML", so: from_stdout}
          events:
            - {type: ping, payload: {from_event: "{{ .outputs.v }}"}}
      - id: fan
        uses: tako/fan-out@v1
        with:
          event_type: ping
          payload: {tok: "{{ .steps.mk.outputs.v }}", ml: "{{ .steps.mk.outputs.ml }}"}
          wait_for_children: true
""", "o")

SUBSCRIBER = yml("sub", """subscriptions:
  - artifact: o/src:*
    events: [ping]
    workflow: react
    inputs: {tok: "{{ .payload.tok }}", ml: "{{ .payload.ml }}"}
workflows:
  react:
    inputs: {tok: {type: string}, ml: {type: string}}
    steps:
      - id: show
        env: {TOK: "{{ .inputs.tok }}", ML: "{{ .inputs.ml }}"}
        run: |
          echo "child tok=[$TOK]"
          echo "child ml=[$ML]"
          echo "child env=[${TOKEN-unset}]"
          exit 3
        produces: {outputs: {v: from_stdout}}
""", "o")


def assert_clean(texts):
    for where, text in texts:
        for clear in CLEAR:
            assert clear not in text, f"{clear!r} in clear in {where}:\n{text}"


def store_texts(env):
    """Every file under TAKO_HOME: the store (tako.db and its log), workspaces (logs, scratch, $TAKO_OUTPUT), cache."""
    files = list(all_files(home(env)))
    assert files
    return [(str(f), f.read_bytes().decode("utf-8", "replace")) for f in files]


@pytest.fixture
def cascade(ws):
    src = ws.repo("src", EMITTER, files={"key.txt": "k"})
    ws.repo("sub", SUBSCRIBER)
    return src


def run_cascade(tako, src, *flags):
    r = tako("exec", "go", "--local", *flags, cwd=src, extra_env=SECRETS)
    assert r.code == 1, r  # the child fails: workspaces and logs are kept
    return r


def test_payload_child_inputs_and_state_are_masked(tako, cascade, env):
    r = run_cascade(tako, cascade)
    run_id = run_id_of(r.out)
    doc = state_of(env, run_id)
    mk = step_of(doc["root"], "mk")
    # The whole multi-line value is one "***" (longest first); the log masks it line by line.
    assert mk["outputs"] == {"v": "***", "ml": "***", "so": "***\nstdout ***"}
    assert mk["events"][0]["payload"] == {"from_event": "***"}
    fan = step_of(doc["root"], "fan")
    assert fan["fan_out"]["event"]["payload"] == {"from_event": "***", "tok": "***", "ml": "***"}
    child = find_run(doc, "o/sub", "react")
    assert child["inputs"] == {"tok": "***", "ml": "***"}
    assert child["event"]["payload"]["tok"] == "***"
    # The child saw the masked text, never the secret (docs/ENGINE.md).
    assert step_of(child, "show")["error"] == "exit status 3"
    assert "child tok=[***]" in r.err and "child ml=[***]" in r.err, r.err
    assert "child env=[unset]" in r.err
    # The $TAKO_OUTPUT file the step wrote is masked once read; the logs line by line.
    ws_dir = home(env) / "workspaces" / run_id
    assert (ws_dir / "tmp" / "mk" / "output").read_text() == "V=***\nML<<EOF\n***\nEOF\n"
    assert sorted((ws_dir / "logs" / "mk.log").read_text().splitlines()) == \
        ["***", "***", "***", "err ***", "stdout ***"]
    assert_clean([("stdout", r.out), ("stderr", r.err)] + store_texts(env))


def test_verbose_and_debug_console_is_masked(tako, cascade, env):
    r = run_cascade(tako, cascade, "--verbose", "--debug")
    assert "[o/src/mk] ***" in r.out and "[o/src/mk] stdout ***" in r.out, r.out
    assert "[o/src/mk] err ***" in r.err
    assert_clean([("stdout", r.out), ("stderr", r.err)] + store_texts(env))


def test_exec_json_is_masked(tako, cascade, env):
    r = run_cascade(tako, cascade, "--json")
    doc = json.loads(r.out)
    assert step_of(doc["run"], "mk")["outputs"]["v"] == "***"
    assert find_run({"root": doc["run"]}, "o/sub")["inputs"] == {"tok": "***", "ml": "***"}
    assert_clean([("stdout", r.out), ("stderr", r.err)] + store_texts(env))


def test_status_text_and_json_are_masked(tako, cascade, env):
    run_id = run_id_of(run_cascade(tako, cascade).out)
    texts = []
    for args in (["status", run_id], ["status", run_id, "--json"], ["status"], ["status", "--json"]):
        r = tako(*args)
        assert r.code == 0, r
        texts += [(f"{args} stdout", r.out), (f"{args} stderr", r.err)]
    assert "***" in texts[2][1]  # status --json shows the masked values
    assert_clean(texts)


def test_step_cache_entries_are_masked(tako, cascade, env):
    run_cascade(tako, cascade)
    entries = list((home(env) / "cache" / "steps").glob("*.json"))
    assert len(entries) == 1
    assert json.loads(entries[0].read_text())["outputs"] == {"v": "***", "ml": "***",
                                                             "so": "***\nstdout ***"}
    # A cache hit hands the masked outputs on, and nothing is unmasked by the second run.
    r = run_cascade(tako, cascade)
    doc = state_of(env, run_id_of(r.out))
    mk = step_of(doc["root"], "mk")
    assert mk["cached"] is True and mk["outputs"]["v"] == "***"
    assert_clean([("stdout", r.out), ("stderr", r.err)] + store_texts(env))


def test_error_messages_and_resume_are_masked(tako, ws, env):
    app = ws.repo("app", yml("app", """workflows:
  w:
    secrets: [MULTI]
    steps:
      - id: mk
        env: {M: MULTI}
        run: 'printf "V<<EOF\\n%s\\nEOF\\n" "$M" >> "$TAKO_OUTPUT"; echo "mid line-two-BBB end"'
        produces: {outputs: {v: "from_env:V", s: from_stdout}}
      - id: use
        if: '{"a": 1}[steps.mk.v] == 1'
        run: echo never
""", "o"))
    r = tako("exec", "w", cwd=app, extra_env=SECRETS)
    assert r.code == 1, r
    run_id = run_id_of(r.out)
    assert r.err.endswith("Error: workflow execution failed: step 'use' failed: if: CEL evaluation error: "
                          "no such key: ***\n"), r.err
    assert steps_of(load_state(env, run_id))["mk"]["outputs"] == \
        {"v": "***", "s": "mid *** end"}
    rr = tako("exec", "--resume", run_id, extra_env=SECRETS)
    assert rr.code == 1
    assert_clean([("stdout", r.out), ("stderr", r.err), ("resume out", rr.out), ("resume err", rr.err)]
                 + store_texts(env))


def test_secret_given_as_cli_input_is_stored_masked(tako, ws, env):
    app = ws.repo("app", yml("app", """workflows:
  w:
    secrets: [TOKEN]
    inputs: {x: {type: string}}
    steps:
      - run: 'echo "x=$TAKO_INPUT_X"'
""", "o"))
    r = tako("exec", "w", "--inputs.x=" + TOKEN, "--json", cwd=app, extra_env=SECRETS)
    assert r.code == 0, r
    doc = json.loads(r.out)
    assert doc["run"]["inputs"] == {"x": "***"}
    state = load_state(env, doc["run_id"])
    assert state["root"]["inputs"] == {"x": "***"} and state["root"]["cli_inputs"] == {"x": "***"}
    # The exec header lists the inputs: masked too. A resume reads the masked value back.
    r2 = tako("exec", "w", "--inputs.x=" + TOKEN, cwd=app, extra_env=SECRETS)
    assert r2.code == 0, r2
    assert r2.out.startswith("Executing workflow 'w'\nInputs:\n  x: ***\n"), r2.out
    assert_clean([("stdout", r.out), ("stderr", r.err), ("stdout 2", r2.out), ("stderr 2", r2.err)]
                 + [t for t in store_texts(env) if "/tako.db" in t[0]])


def test_failed_step_output_file_is_masked(tako, ws, env):
    """A failed run keeps its workspace: the $TAKO_OUTPUT file a failing step wrote is masked too."""
    app = ws.repo("app", yml("app", """workflows:
  w:
    secrets: [TOKEN, MULTI]
    steps:
      - id: bad
        env: {T: TOKEN, M: MULTI}
        run: 'echo "V=$T" >> "$TAKO_OUTPUT"; printf "M<<E\\n%s\\nE\\n" "$M" >> "$TAKO_OUTPUT"; exit 1'
        produces: {outputs: {v: "from_env:V"}}
""", "o"))
    r = tako("exec", "w", cwd=app, extra_env=SECRETS)
    assert r.code == 1, r
    out_file = home(env) / "workspaces" / run_id_of(r.out) / "tmp" / "bad" / "output"
    assert out_file.read_text() == "V=***\nM<<E\n***\nE\n"
    assert_clean([("stdout", r.out), ("stderr", r.err)] + store_texts(env))

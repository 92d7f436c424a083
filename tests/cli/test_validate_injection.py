"""`tako validate` warns when a `run:` pastes event-controlled data into a shell command without
shell_quote (docs/TEMPLATES.md, "Passing event data to a shell"), and the bundled example passes
event data the safe way: event data does not execute as shell."""
import json
import pathlib
import shutil

import pytest

from test_fanout_util import run_id_of, yml

EXAMPLES = pathlib.Path(__file__).resolve().parents[2] / "examples" / "workspace"


def subscribed(run: str, extra_step: str = "", input_type: str = "string") -> str:
    return yml("app", f"""subscriptions:
  - artifact: o/lib:*
    events: [built]
    workflow: w
    inputs: {{v: "{{{{ .payload.v }}}}"}}
workflows:
  w:
    inputs: {{v: {{type: {input_type}}}}}
    steps:
{extra_step}      - id: s
        run: {run}
""", "o")


def warnings_of(r):
    return [line for line in r.err.splitlines() if line.startswith("warning: ")]


@pytest.mark.parametrize("run", [
    "echo {{ .inputs.v }}",                       # bare
    "'echo \"{{ .inputs.v }}\"'",                  # "…"
    "\"echo '{{ .inputs.v }}'\"",                  # '…'
    "echo {{ .inputs.v | upper }}",
    "echo {{ printf \"%s\" .event.payload.v }}",
    "echo {{ .Event.Payload.v }}",
])
def test_tainted_run_warns_with_position_and_advice(tako, ws, run):
    app = ws.repo("app", subscribed(run), git_init=False)
    r = tako("validate", "--root", app)
    assert (r.code, r.out) == (0, "Validation successful!\n"), r
    ws_ = warnings_of(r)
    assert len(ws_) == 1 and len(r.err.splitlines()) == 1, r.err
    ref = ".inputs.v" if "inputs" in run else (".event.payload.v" if "event" in run else ".Event.Payload.v")
    assert ws_[0].startswith(f"warning: {app / 'tako.yml'}:13:14: run of step 's' interpolates {{{{ {ref} }}}} ("), ws_[0]
    assert ws_[0].endswith(f"without shell_quote, so that data can run as shell code; pass it in an env var "
                           f"(env: {{V: \"{{{{ {ref} }}}}\"}}, then \"$V\") or write {{{{ {ref} | shell_quote }}}}"), ws_[0]


@pytest.mark.parametrize("run,extra,input_type", [
    ("echo {{ .inputs.v | shell_quote }}", "", "string"),
    ("'echo \"$V\"'", "", "string"),                      # from an env var (set below)
    ("echo {{ .inputs.v }}", "", "number"),               # typed inputs are checked by tako
    ("echo {{ .steps.clean.outputs.o }}",
     "      - id: clean\n        run: echo fixed\n        produces: {outputs: {o: from_stdout}}\n", "string"),
])
def test_safe_or_untainted_run_does_not_warn(tako, ws, run, extra, input_type):
    text = subscribed(run, extra, input_type)
    if "$V" in run:
        text = text.replace("      - id: s\n", "      - id: s\n        env: {V: \"{{ .inputs.v }}\"}\n")
    app = ws.repo("app", text, git_init=False)
    r = tako("validate", "--root", app)
    assert (r.code, r.out, r.err) == (0, "Validation successful!\n", ""), r


def test_derived_output_warns_and_json_carries_it(tako, ws):
    extra = ("      - id: a\n        env: {X: \"{{ .inputs.v }}\"}\n        run: echo \"$X\"\n"
             "        produces: {outputs: {o: from_stdout}}\n")
    app = ws.repo("app", subscribed("echo {{ .steps.a.outputs.o }}", extra), git_init=False)
    r = tako("validate", "--root", app, "--json")
    assert r.code == 0, r
    doc = json.loads(r.out)
    assert doc["valid"] is True and doc["errors"] == []
    assert len(doc["warnings"]) == 1
    w = doc["warnings"][0]
    assert (w["file"], w["line"], w["column"]) == (str(app / "tako.yml"), 17, 14)
    assert w["message"].startswith("run of step 's' interpolates {{ .steps.a.outputs.o }} (output of step 'a', "
                                   "derived from .inputs.v (filled from an event by subscription 0))"), w


def test_warning_does_not_hide_errors(tako, ws):
    text = subscribed("echo {{ .inputs.v }}") + "      - id: s\n        run: echo dup\n"
    app = ws.repo("app", text, git_init=False)
    r = tako("validate", "--root", app)
    assert r.code == 1 and "Error: validation failed with " in r.err, r
    assert not warnings_of(r)  # on failure only the errors are printed (docs/CONFIG.md)
    doc = json.loads(tako("validate", "--root", app, "--json").out)
    assert doc["valid"] is False and doc["errors"]
    assert [w["line"] for w in doc["warnings"]] == [13]


def test_examples_validate_without_injection_warning(tako):
    dirs = sorted(p.parent for p in EXAMPLES.glob("*/tako.yml"))
    assert {d.name for d in dirs} >= {"app-one", "app-two", "go-lib"}
    for d in dirs:
        r = tako("validate", "--root", d)
        assert (r.code, r.out, r.err) == (0, "Validation successful!\n", ""), (d, r)


HOSTILE = [
    "1.0; touch pwned-bare",                 # breaks a bare {{ … }}
    "$(touch pwned-dq)",                     # breaks "{{ … }}"
    "x' ; touch pwned-sq ; echo '",          # breaks '{{ … }}'
    "`touch pwned-bt`",
]


def emitter_as_app_one(value: str) -> str:
    """A stand-in for my-org/app-one that announces `app_released` with a hostile lib_version."""
    return f"""version: "1"
metadata: {{name: my-org/app-one}}
workflows:
  announce:
    steps:
      - id: announce
        uses: tako/fan-out@v1
        with:
          event_type: app_released
          payload: {{lib_version: {json.dumps(value)}}}
          wait_for_children: true
"""


@pytest.mark.parametrize("value", HOSTILE)
def test_example_app_two_does_not_execute_event_data(tako, ws, value):
    """The example's app-two receives the event: the value is written as text, nothing runs."""
    app_two = ws.src / "app-two"
    shutil.copytree(EXAMPLES / "app-two", app_two)
    src = ws.repo("app-one", emitter_as_app_one(value), git_init=False)
    r = tako("exec", "announce", "--local", cwd=src)
    assert r.code == 0, r
    assert (app_two / "deployed.txt").read_text() == f"app-two deployed with go-lib {value}\n"
    assert not list(ws.base.rglob("pwned-*")), r


def test_old_style_did_execute_event_data(tako, ws):
    """The control: the example's former style (the value pasted into "…") runs it."""
    app_two = ws.src / "app-two"
    shutil.copytree(EXAMPLES / "app-two", app_two)
    cfg = app_two / "tako.yml"
    text = cfg.read_text()
    safe = 'env: {LIB_VERSION: "{{ .inputs.lib_version }}"}\n        run: echo "app-two deployed with go-lib $LIB_VERSION"'
    assert safe in text
    cfg.write_text(text.replace(safe, 'run: echo "app-two deployed with go-lib {{ .inputs.lib_version }}"'))
    r = tako("validate", "--root", app_two)
    assert len(warnings_of(r)) == 1 and "interpolates {{ .inputs.lib_version }}" in r.err, r
    src = ws.repo("app-one", emitter_as_app_one("$(touch pwned-dq)"), git_init=False)
    r = tako("exec", "announce", "--local", cwd=src)
    assert r.code == 0, r
    assert (app_two / "pwned-dq").exists()


@pytest.mark.parametrize("run", ["'echo \"{{ .inputs.v | shell_quote }}\"'", "\"echo '{{ .inputs.v | shell_quote }}'\""])
def test_shell_quote_inside_quotes_warns(tako, ws, run):
    app = ws.repo("app", subscribed(run), git_init=False)
    r = tako("validate", "--root", app)
    assert r.code == 0, r
    ws_ = warnings_of(r)
    assert len(ws_) == 1, r.err
    assert ("interpolates {{ .inputs.v }} (filled from an event by subscription 0) with shell_quote inside quotes, "
            "where its quoting does not hold, so that data can run as shell code;") in ws_[0], ws_[0]
    assert ws_[0].endswith("or write {{ .inputs.v | shell_quote }} outside quotes"), ws_[0]


def test_shell_quote_inside_double_quotes_does_execute(tako, ws):
    """Why the warning above is right: "{{ x | shell_quote }}" still runs $(…) in the value."""
    lib = ws.repo("lib", yml("lib", """workflows:
  go:
    steps:
      - id: fan
        uses: tako/fan-out@v1
        with: {event_type: built, payload: {v: "$(touch pwned-in-dq)"}, wait_for_children: true}
""", "o"), git_init=False)
    ws.repo("app", subscribed("'echo \"{{ .inputs.v | shell_quote }}\"'"), git_init=False)
    r = tako("exec", "go", "--local", cwd=lib)
    assert r.code == 0, r
    assert (ws.src / "app" / "pwned-in-dq").exists()

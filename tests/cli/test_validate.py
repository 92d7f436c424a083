"""Black-box tests of `tako validate` (REFERENCE.md §1.3, §3.1, §4)."""

import json
import os
import shutil
import subprocess

from conftest import TAKO_BIN, git
from spec_examples import APPENDIX_A, APPENDIX_B_APP_ONE, APPENDIX_B_APP_TWO, APPENDIX_B_GO_LIB

GREETER = """version: "1"
metadata: {name: my-org/greeter}
workflows:
  greet:
    inputs:
      name:  {type: string, default: World}
    steps:
      - id: compose
        run: echo "Hello, {{ .inputs.name }}!"
        produces: {outputs: {greeting: from_stdout}}
      - id: shout
        run: echo {{ .steps.compose.outputs.greeting | upper | shell_quote }}
"""

GO_LIB = """version: "1"
metadata: {name: my-org/go-lib}
artifacts:
  go-lib: {path: ./go.mod, ecosystem: go}
events:
  produces:
    - type: library_built
      schema_version: 1.4.0
      payload: {version: {type: string, required: true}}
workflows:
  release:
    inputs: {version: {type: string, required: true}}
    steps:
      - id: build
        run: echo "{{ .inputs.version }}" > VERSION
        produces:
          artifact: go-lib
          outputs:
            version: from_file:VERSION
          events:
            - {type: library_built, schema_version: 1.4.0, payload: {version: "{{ .outputs.version }}"}}
      - id: notify_dependents
        uses: tako/fan-out@v1
        with:
          event_type: library_built
          wait_for_children: true
          timeout: 30m
      - id: finish
        run: echo "released {{ .steps.build.outputs.version }}"
"""

APP_TWO = APPENDIX_B_APP_TWO

INVALID = """version: "1"
workflows:
  build:
    steps:
      - id: one
        uses: tako/checkout
      - id: one
        run: echo {{ .inputs.missing }}
  empty: {}
"""


def test_valid_in_current_directory(ws, tako):
    repo = ws.repo("greeter", GREETER)
    r = tako("validate", cwd=repo)
    assert (r.code, r.out, r.err) == (0, "Validation successful!\n", "")


def test_valid_appendix_b_configs(ws, tako):
    for name, text in (("go-lib", GO_LIB), ("app-two", APP_TWO)):
        repo = ws.repo(name, text)
        r = tako("validate", "--root", repo)
        assert (r.code, r.out) == (0, "Validation successful!\n"), name
        # Appendix B's app-two pastes event-filled inputs into `run:`: only the injection
        # warnings (test_validate_injection.py) are printed.
        assert all(" interpolates {{ .inputs.lib_version }} " in line for line in r.err.splitlines()), r.err
        assert len(r.err.splitlines()) == (2 if name == "app-two" else 0), r.err


def test_root_is_made_absolute(ws, tako):
    repo = ws.repo("greeter", GREETER + "colour: blue\n")
    r = tako("validate", "--root", "./greeter/", cwd=ws.src)
    assert r.code == 0
    assert r.out == "Validation successful!\n"
    assert r.err == f"warning: {repo}/tako.yml:13:1: unknown key 'colour'\n"


def test_root_with_tilde(ws, tako, env):
    home = ws.base / "home"
    (home / "proj").mkdir(parents=True, exist_ok=True)
    (home / "proj" / "tako.yml").write_text("version: 1\n")
    r = tako("validate", "--root", "~/proj")
    assert (r.code, r.out, r.err) == (0, "Validation successful!\n", "")


def test_warnings_in_file_order(ws, tako):
    text = GREETER.replace("      name:  {type: string, default: World}",
                           "      name:  {type: string, default: World, required: true}")
    text = text.replace("      - id: shout\n", "      - id: shout\n        retries: 2\n")
    text += "      - uses: tako/checkout@v1\n        with: {ref: main, depth: 1}\n"
    repo = ws.repo("greeter", text)
    r = tako("validate", cwd=repo)
    f = f"{repo}/tako.yml"
    assert r.code == 0
    assert r.out == "Validation successful!\n"
    assert r.err.splitlines() == [
        f"warning: {f}:6:38: input 'name' is required; its default is never used",
        f"warning: {f}:12:9: unknown key 'retries'",
        f"warning: {f}:15:27: unknown parameter 'depth' for tako/checkout@v1",
    ]


def test_errors_in_file_order(ws, tako):
    repo = ws.repo("bad", INVALID)
    r = tako("validate", cwd=repo)
    f = f"{repo}/tako.yml"
    assert r.code == 1
    assert r.out == ""
    assert r.err.splitlines() == [
        f"{f}:6:15: invalid workflow 'build': invalid step 0: built-in step 'tako/checkout' must include version "
        "(e.g., 'tako/checkout@v1')",
        f"{f}:7:13: invalid workflow 'build': duplicate step id 'one'",
        f"{f}:8:14: invalid workflow 'build': invalid step 1: template references undeclared input 'missing'",
        f"{f}:9:10: invalid workflow 'empty': workflow must have at least one step",
        "Error: validation failed with 4 error(s)",
    ]


def test_warnings_are_not_printed_on_failure(ws, tako):
    repo = ws.repo("bad", "version: 1\nextra: 1\nworkflows: {w: {steps: []}}\n")
    r = tako("validate", cwd=repo)
    assert r.code == 1
    assert r.err.splitlines() == [
        f"{repo}/tako.yml:3:24: invalid workflow 'w': workflow must have at least one step",
        "Error: validation failed with 1 error(s)",
    ]


def test_subscription_cross_checks(ws, tako):
    text = APP_TWO.replace("workflow: upgrade", "workflow: upgrade_all").replace(
        "inputs: {lib_version: \"{{ .payload.lib_version }}\"}", "inputs: {version: x}")
    repo = ws.repo("app-two", text)
    r = tako("validate", "--root", repo)
    f = f"{repo}/tako.yml"
    assert r.code == 1
    assert r.err.splitlines() == [
        f"{f}:9:17: subscription 0 references non-existent workflow 'upgrade_all'",
        f"{f}:14:15: invalid subscriptions: subscription 1: required input 'lib_version' of workflow 'deploy' "
        "is not mapped",
        f"{f}:14:16: invalid subscriptions: subscription 1: input 'version' is not declared by workflow 'deploy'",
        "Error: validation failed with 3 error(s)",
    ]


def test_missing_tako_yml(ws, tako):
    path = ws.src / "empty"
    path.mkdir()
    r = tako("validate", cwd=path)
    assert (r.code, r.out) == (1, "")
    assert r.err == f"Error: could not read config file: open {path}/tako.yml: no such file or directory\n"
    r = tako("validate", "--root", ws.src / "nowhere")
    assert r.err == f"Error: could not read config file: open {ws.src}/nowhere/tako.yml: no such file or directory\n"


def test_yaml_syntax_error_only_reports_the_load_error(ws, tako):
    repo = ws.repo("broken", "version: 1\nworkflows:\n  w: {steps: [a, b}\n")
    r = tako("validate", cwd=repo)
    assert (r.code, r.out) == (1, "")
    assert r.err.startswith(f"Error: could not unmarshal config: {repo}/tako.yml:")
    assert len(r.err.splitlines()) == 1


def test_duplicate_keys_are_an_unmarshal_error(ws, tako):
    repo = ws.repo("dup", "version: 1\nversion: 2\n")
    r = tako("validate", cwd=repo)
    assert r.code == 1
    assert r.err == (f"Error: could not unmarshal config: {repo}/tako.yml:2:1: mapping key \"version\" already "
                     "defined at line 1\n")


def test_json_success_with_warnings(ws, tako):
    repo = ws.repo("greeter", GREETER + "colour: blue\n")
    r = tako("validate", "--json", cwd=repo)
    assert r.code == 0
    assert r.err == ""
    assert r.out.endswith("\n")
    assert list(json.loads(r.out).keys()) == ["valid", "errors", "warnings"]
    assert json.loads(r.out) == {
        "valid": True,
        "errors": [],
        "warnings": [{"file": f"{repo}/tako.yml", "line": 13, "column": 1, "message": "unknown key 'colour'"}],
    }


def test_json_failure(ws, tako):
    repo = ws.repo("bad", INVALID)
    r = tako("validate", "--json", cwd=repo)
    assert r.code == 1
    assert r.err == ""
    doc = json.loads(r.out)
    assert doc["valid"] is False
    assert doc["warnings"] == []
    assert [(e["line"], e["column"]) for e in doc["errors"]] == [(6, 15), (7, 13), (8, 14), (9, 10)]
    assert all(e["file"] == f"{repo}/tako.yml" for e in doc["errors"])
    assert doc["errors"][1]["message"] == "invalid workflow 'build': duplicate step id 'one'"


def test_json_load_error(ws, tako):
    path = ws.src / "empty"
    path.mkdir()
    r = tako("validate", "--json", cwd=path)
    assert r.code == 1
    message = f"could not read config file: open {path}/tako.yml: no such file or directory"
    assert json.loads(r.out) == {
        "valid": False,
        "errors": [{"file": f"{path}/tako.yml", "line": 0, "column": 0, "message": message}],
        "warnings": [],
    }
    assert r.err == f"Error: {message}\n"


def test_json_survives_invalid_utf8(ws, env):
    # Invalid UTF-8 in tako.yml is a positioned load error (YAML text is UTF-8; the parser alone would drop the
    # rest of the file); in the path it reaches the JSON output, which must stay valid JSON.
    repo = ws.src / os.fsdecode(b"junk\xff")
    repo.mkdir()
    (repo / "tako.yml").write_bytes(b"version: 1\nworkflows:\n  \xff\xfe: {steps: [x]}\n")
    p = subprocess.run([TAKO_BIN, "validate", "--json"], cwd=repo, env=env, capture_output=True)
    assert p.returncode == 1
    doc = json.loads(p.stdout.decode("utf-8"))
    assert doc["valid"] is False
    message = doc["errors"][0]["message"]
    assert message.startswith("could not unmarshal config: ") and "junk\ufffd" in message
    assert message.endswith("/tako.yml:3:3: invalid UTF-8 (byte 0xff); YAML text must be UTF-8")


def test_repo_flag_clones_and_validates(ws, tako, env):
    ws.repo("greeter", GREETER)
    r = tako("validate", "--repo", "o/greeter")
    assert (r.code, r.out, r.err) == (0, "Validation successful!\n", "")
    checkout = f"{env['TAKO_HOME']}/cache/repos/o/greeter/main"
    assert open(f"{checkout}/tako.yml").read() == GREETER
    # A second run updates the existing checkout (fetch + fast-forward).
    (ws.src / "greeter" / "tako.yml").write_text(INVALID)
    ws.push("greeter")
    r = tako("validate", "--repo", "o/greeter:main")
    assert (r.code, r.out) == (1, "")
    f = f"{checkout}/tako.yml"
    assert r.err == (
        f"{f}:6:15: invalid workflow 'build': invalid step 0: built-in step 'tako/checkout' must include version "
        "(e.g., 'tako/checkout@v1')\n"
        f"{f}:7:13: invalid workflow 'build': duplicate step id 'one'\n"
        f"{f}:8:14: invalid workflow 'build': invalid step 1: template references undeclared input 'missing'\n"
        f"{f}:9:10: invalid workflow 'empty': workflow must have at least one step\n"
        "Error: validation failed with 4 error(s)\n")


def test_repo_flag_with_ref_and_json(ws, tako, env):
    path = ws.repo("greeter", GREETER)
    git("checkout", "-q", "-b", "feature", cwd=path)
    (path / "tako.yml").write_text(GREETER + "colour: blue\n")
    ws.push("greeter")
    r = tako("validate", "--repo", "o/greeter:feature", "--json")
    assert (r.code, r.err) == (0, "")
    f = f"{env['TAKO_HOME']}/cache/repos/o/greeter/feature/tako.yml"
    assert json.loads(r.out) == {
        "valid": True,
        "errors": [],
        "warnings": [{"file": f, "line": 13, "column": 1, "message": "unknown key 'colour'"}],
    }


def test_repo_flag_local_uses_the_cache_only(ws, tako, env, tmp_path):
    ws.repo("greeter", GREETER)
    cache = tmp_path / "cache"
    missing = f"{cache}/repos/o/greeter/main"
    r = tako("validate", "--local", "--repo", "o/greeter", "--cache-dir", cache)
    assert (r.code, r.out) == (1, "")
    assert r.err == (f"Error: TAKO_E006: repository o/greeter:main not found in cache or local test structure - "
                     f"stat {missing}: no such file or directory\n")
    assert not (cache / "repos").exists()
    assert tako("validate", "--repo", "o/greeter", "--cache-dir", cache).code == 0
    shutil.rmtree(ws.remotes)  # no remote any more: --local must not need it
    r = tako("validate", "--local", "--repo", "o/greeter", "--cache-dir", cache)
    assert (r.code, r.out, r.err) == (0, "Validation successful!\n", "")


def test_repo_flag_errors(ws, tako, env):
    r = tako("validate", "--repo", "not-a-spec")
    assert (r.code, r.out) == (1, "")
    assert r.err == ("Error: TAKO_E005: invalid repository specification: not-a-spec "
                     "(expected format: owner/repo or owner/repo:branch)\n")
    r = tako("validate", "--repo", "o/nothing-there")
    assert (r.code, r.out) == (1, "")
    bare = f"{ws.remotes}/o/nothing-there.git"
    assert r.err == (f"Error: TAKO_E001: failed to clone repo file://{bare}: fatal: '{bare}' does not appear to be "
                     "a git repository\nfatal: Could not read from remote repository.\n\nPlease make sure you have "
                     "the correct access rights\nand the repository exists. - exit status 128\n")
    ws.repo("no-config", None)
    r = tako("validate", "--repo", "o/no-config")
    path = f"{env['TAKO_HOME']}/cache/repos/o/no-config/main/tako.yml"
    assert r.err == f"Error: could not read config file: open {path}: no such file or directory\n"


def test_bad_input_never_crashes(ws, tako):
    repo = ws.src / "junk"
    repo.mkdir()
    cases = [
        b"\x00\x01\x02\xff" * 100,
        b"[" * 5000,
        b"a: &a [*a]\nversion: 1\n",
        b"version: 1\na: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
        b"c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
        b"e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
        b"g: [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]\n",
        b"version: 1\nworkflows: {w: {steps: [{run: [1], uses: {a: b}, with: [x], env: 5, on_failure: x}]}}\n",
        b"version: 1\nworkflows:\n  w:\n    steps:\n      - with: {n: " + b"9" * 200000 + b"}\n        uses: x\n",
        b"? [a, b]\n: c\nversion: 1\n",
        b"\t\tversion: 1\n",
    ]
    for data in cases:
        (repo / "tako.yml").write_bytes(data)
        r = tako("validate", cwd=repo)
        assert r.code in (0, 1), (data[:40], r)
        assert r.err.rstrip("\n").splitlines()[-1].startswith(("Error: ", "warning: ")) or r.code == 0, r


# --- REFERENCE.md appendices and the shipped examples validate ----------------------


def test_spec_appendices_validate(ws, tako):
    for name, text in [("greeter", APPENDIX_A), ("go-lib", APPENDIX_B_GO_LIB), ("app-one", APPENDIX_B_APP_ONE),
                       ("app-two", APP_TWO)]:
        repo = ws.repo(name, text, git_init=False)
        r = tako("validate", "--root", repo)
        assert (r.code, r.out) == (0, "Validation successful!\n"), name
        # The appendix's app-one and app-two paste event-filled inputs into `run:` (the unsafe
        # style): validate says so, and nothing else (docs/TEMPLATES.md).
        warned = [line for line in r.err.splitlines() if " interpolates {{ .inputs.lib_version }} " in line]
        assert len(warned) == {"app-one": 1, "app-two": 2}.get(name, 0), (name, r.err)
        assert len(r.err.splitlines()) == len(warned), (name, r.err)


def test_examples_validate(tako):
    import pathlib
    root = pathlib.Path(__file__).resolve().parents[2] / "examples" / "workspace"
    dirs = sorted(p.parent for p in root.glob("*/tako.yml"))
    assert len(dirs) >= 5
    for d in dirs:
        r = tako("validate", "--root", d)
        assert (r.code, r.out, r.err) == (0, "Validation successful!\n", ""), d


# --- load-time CEL and template checks (REFERENCE.md §4.7) --------------------------

def test_cel_and_template_errors(ws, tako):
    text = """version: "1"
workflows:
  w:
    inputs: {go: {type: boolean}}
    secrets: [TOKEN]
    env: {E: "{{ .steps.x.outputs.y }}"}
    steps:
      - id: a
        if: inputs.go && inputs.stop
        run: echo {{ .inputs.go | nosuch }}
      - id: b
        if: "steps.a.outputs.x == 'y' &&"
        run: echo {{ .env.TOKEN }} {{ .steps.c.outputs.v }}
      - id: c
        if: size() == 0
        run: echo ok
subscriptions:
  - artifact: o/r:a
    events: [e]
    workflow: w
    filter: payload.ok && inputs.go
    filters: ["event_type == 'e'", "payload.x +"]
    inputs: {go: "{{ .payload.go }", x: "{{ if }}"}
"""
    repo = ws.repo("bad", text, git_init=False)
    r = tako("validate", "--root", repo)
    f = f"{repo}/tako.yml"
    s0 = "invalid subscriptions: subscription 0: "
    assert (r.code, r.out) == (1, "")
    assert r.err == (
        f"{f}:6:14: invalid workflow 'w': template references unknown step 'x'\n"
        f"{f}:9:13: invalid workflow 'w': invalid step 0: if: template references undeclared input 'stop'\n"
        f"{f}:10:14: invalid workflow 'w': invalid step 0: template parse error: template: w.a.run:1: "
        "function \"nosuch\" not defined\n"
        f"{f}:12:13: invalid workflow 'w': invalid step 1: if: CEL compilation error: syntax error at line 1, "
        "column 28: unexpected end of expression\n"
        f"{f}:13:14: invalid workflow 'w': invalid step 1: secret 'TOKEN' must not be used in a template\n"
        f"{f}:13:14: invalid workflow 'w': invalid step 1: template references unknown step 'c'\n"
        f"{f}:15:13: invalid workflow 'w': invalid step 2: if: CEL compilation error: found no matching overload "
        "for 'size' applied to 0 argument(s)\n"
        f"{f}:21:13: {s0}filter 0: CEL compilation error: undeclared reference to 'inputs'\n"
        f"{f}:22:36: {s0}filter 2: CEL compilation error: syntax error at line 1, column 12: "
        "unexpected end of expression\n"
        f"{f}:23:18: {s0}input 'go': template parse error: template: subscriptions.0.inputs.go:1: "
        "unexpected \"}\" in operand\n"
        f"{f}:23:38: {s0}input 'x' is not declared by workflow 'w'\n"
        f"{f}:23:41: {s0}input 'x': template parse error: template: subscriptions.0.inputs.x:1: "
        "missing value for if\n"
        "Error: validation failed with 12 error(s)\n")


# --- data documents of `tako render` / `tako eval` (shared YAML guard) -----

def test_bad_data_documents_are_clean_errors(ws, tako, tmp_path):
    bomb = "a: &a [x,x,x,x,x,x,x,x,x,x]\n"
    for i, n in enumerate("bcdefg"):
        prev = "abcdefg"[i]
        bomb += f"{n}: &{n} [" + ",".join([f"*{prev}"] * 10) + "]\n"
    cases = {
        "self.yml": ("a: &a [*a]\n", "1:4: document nesting exceeds 256 levels (or an alias refers to itself)"),
        "bomb.yml": (bomb, "1:14: document too large: more than 1000000 nodes after alias expansion"),
        "deep.yml": ("a: " + "[" * 300 + "]" * 300 + "\n",
                     "1:260: document nesting exceeds 256 levels (or an alias refers to itself)"),
    }
    for name, (text, detail) in cases.items():
        path = tmp_path / name
        path.write_text(text)
        r = tako("render", "{{ .a }}", "--data", path)
        assert (r.code, r.out, r.err) == (1, "", f"Error: could not parse data file {path}:{detail}\n"), name
        r = tako("eval", "a", "--data", path)
        assert (r.code, r.out, r.err) == (1, "", f"Error: could not parse data file {path}:{detail}\n"), name
    r = tako("render", "{{ .a }}", "--data", "-", input="a: &a {k: *a}\n")
    assert (r.code, r.out) == (1, "")
    assert r.err == ("Error: could not parse data file <stdin>:1:8: document nesting exceeds 256 levels "
                     "(or an alias refers to itself)\n")
    path = tmp_path / "deep.json"
    path.write_text("[" * 100000 + "]" * 100000)
    r = tako("render", "{{ . }}", "--data", path)
    assert (r.code, r.out, r.err) == (1, "", f"Error: could not parse data file {path}: document nesting exceeds "
                                             "256 levels\n")
    path = tmp_path / "long.yml"
    path.write_text("a: " + "9" * 100000 + "\nb: " + "1" * 100000 + "x\n")
    r = tako("render", "{{ .a }} {{ len .b }}", "--data", path)
    assert (r.code, r.out, r.err) == (0, "+Inf 100001", "")

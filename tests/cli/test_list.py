"""`tako list [--json]` (REFERENCE.md §1.14): workflows of the repositories `tako graph` shows, with
their inputs and the subscriptions that trigger them."""
import json

LIB = """\
version: "1"
metadata: {name: o/lib}
artifacts:
  lib: {path: .}
dependents:
  - repo: o/app
workflows:
  release:
    description: Tag and announce
    inputs:
      version: {type: string, required: true, description: the new version}
    steps:
      - uses: tako/fan-out@v1
        with: {event_type: lib_built, artifact: lib}
"""

APP = """\
version: "1"
metadata: {name: o/app}
workflows:
  upgrade:
    description: Move to a new lib
    inputs:
      version: {type: string, required: true}
      dry: {type: boolean, default: false}
      level: {type: number, default: 2}
    steps: [echo up]
  build:
    steps: [echo b]
subscriptions:
  - artifact: o/lib:lib
    events: [lib_built]
    schema_version: ^1.0.0
    filter: event.payload.version != ""
    workflow: upgrade
    inputs: {version: "{{ .event.payload.version }}"}
"""

OUTSIDE = """\
version: "1"
metadata: {name: o/outside}
workflows:
  w: {steps: [echo w]}
"""


def make_repos(ws):
    ws.repo("lib", LIB)
    ws.repo("app", APP)
    ws.repo("outside", OUTSIDE)  # a sibling not reachable from lib: not in the graph
    return ws.src / "lib"


def test_text(tako, ws):
    lib = make_repos(ws)
    r = tako("list", "--local", cwd=lib)
    assert r.code == 0, r
    assert r.err == ""
    assert r.out == (
        f"o/app  ({ws.src / 'app'})\n"
        "  build\n"
        "  upgrade  Move to a new lib\n"
        "    input dry: boolean, default false\n"
        "    input level: number, default 2\n"
        "    input version: string, required\n"
        '    on lib_built@^1.0.0 from o/lib:lib if event.payload.version != ""\n'
        f"o/lib  ({lib})\n"
        "  release  Tag and announce\n"
        "    input version: string, required\n")


def test_json(tako, ws):
    lib = make_repos(ws)
    r = tako("list", "--local", "--json", cwd=lib)
    assert r.code == 0, r
    doc = json.loads(r.out)
    assert [x["name"] for x in doc["repositories"]] == ["o/app", "o/lib"]
    app = doc["repositories"][0]
    assert app["path"] == str(ws.src / "app")
    assert [w["name"] for w in app["workflows"]] == ["build", "upgrade"]
    up = app["workflows"][1]
    assert up["inputs"] == [
        {"name": "dry", "type": "boolean", "required": False, "default": False, "description": ""},
        {"name": "level", "type": "number", "required": False, "default": 2, "description": ""},
        {"name": "version", "type": "string", "required": True, "default": None, "description": ""},
    ]
    assert up["triggers"] == [{"source": "o/lib", "artifact": "lib",
                               "events": [{"type": "lib_built", "schema_version": "^1.0.0"}],
                               "filters": ['event.payload.version != ""']}]
    lib_wf = doc["repositories"][1]["workflows"][0]
    assert lib_wf["inputs"][0]["description"] == "the new version"
    assert lib_wf["triggers"] == []
    # Stable: keys sorted, same bytes every time.
    assert r.out == json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert tako("list", "--local", "--json", cwd=lib).out == r.out


def test_from_a_downstream_entry(tako, ws):
    make_repos(ws)
    r = tako("list", "--local", cwd=ws.src / "app")
    assert r.code == 0, r
    assert r.out.startswith(f"o/app  ({ws.src / 'app'})\n")
    assert f"o/lib  (" not in r.out  # upstream is not reachable from app (only named by its trigger)


def test_no_workflows(tako, ws):
    path = ws.repo("bare", "version: '1'\n")
    r = tako("list", cwd=path)
    assert (r.code, r.out) == (0, "No workflows found.\n")
    j = tako("list", "--json", cwd=path)
    assert json.loads(j.out) == {"repositories": [{"name": "o/bare", "path": str(path), "workflows": []}]}


def test_errors(tako, ws, tmp_path):
    r = tako("list", cwd=tmp_path)
    assert r.code == 1
    assert r.err == f"Error: could not read config file: open {tmp_path}/tako.yml: no such file or directory\n"
    bad = ws.repo("bad", "version: '1'\ndependents:\n  - repo: o/missing\n")
    r = tako("list", "--local", cwd=bad)
    assert r.code == 1
    assert r.err.startswith("Error: TAKO_E006: repository o/missing:main not found")
    assert tako("list", "x").code == 1

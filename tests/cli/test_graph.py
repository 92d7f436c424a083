"""`tako graph` (REFERENCE.md §1.4, §3, §5) over real git repositories with bare remotes."""
import json

import pytest


def yml(name, dependents=(), extra=""):
    deps = "".join(f"  - repo: o/{d}\n" for d in dependents)
    return f"version: '1'\nmetadata:\n  name: o/{name}\n" + (f"dependents:\n{deps}" if deps else "") + extra


@pytest.fixture
def diamond(ws):
    """a -> {b, d}, b -> c, c -> e, d -> e (names o/complex-graph-repo-<x>)."""
    p = "complex-graph-repo-"
    ws.repo(p + "a", yml(p + "a", [p + "b", p + "d"]))
    ws.repo(p + "b", yml(p + "b", [p + "c"]))
    ws.repo(p + "c", yml(p + "c", [p + "e"]))
    ws.repo(p + "d", yml(p + "d", [p + "e"]))
    ws.repo(p + "e", yml(p + "e"))
    return ws.src / (p + "a")


TREE = """o/complex-graph-repo-a
├── o/complex-graph-repo-b
│   └── o/complex-graph-repo-c
│       └── o/complex-graph-repo-e
└── o/complex-graph-repo-d
    └── o/complex-graph-repo-e
"""


def test_tree_local(tako, diamond):
    r = tako("graph", "--local", cwd=diamond)
    assert r.code == 0, r
    assert r.out == TREE
    assert r.err == ""


def test_tree_clones_dependents_from_remotes(tako, diamond, env):
    r = tako("graph", "--root", str(diamond))
    assert r.code == 0, r
    assert r.out == TREE
    assert r.err == ""
    cache = f"{env['TAKO_HOME']}/cache/repos/o/complex-graph-repo-e/main"
    import os
    assert os.path.isfile(cache + "/tako.yml")
    # second run updates the cached checkouts (fetch + ff) and still prints only the graph
    r = tako("graph", "--root", str(diamond))
    assert r.code == 0 and r.out == TREE and r.err == ""


def test_repo_flag_clones_entry(tako, diamond, env):
    r = tako("graph", "--repo", "o/complex-graph-repo-b")
    assert r.code == 0, r
    assert r.out == "o/complex-graph-repo-b\n└── o/complex-graph-repo-c\n    └── o/complex-graph-repo-e\n"


def test_dot_and_mermaid(tako, diamond):
    r = tako("graph", "--local", "--dot", cwd=diamond)
    assert r.code == 0
    lines = r.out.splitlines()
    assert lines[0] == "digraph {" and lines[-1] == "}"
    assert lines[1] == '  "o/complex-graph-repo-a" [label="o/complex-graph-repo-a"];'
    assert lines[2] == '  "o/complex-graph-repo-a" -> "o/complex-graph-repo-b";'
    assert r.out == tako("graph", "--local", "--format", "dot", cwd=diamond).out
    m = tako("graph", "--local", "--format=mermaid", cwd=diamond)
    assert m.out == ('graph TD\n  n0["o/complex-graph-repo-a"]\n  n1["o/complex-graph-repo-b"]\n'
                     '  n2["o/complex-graph-repo-c"]\n  n3["o/complex-graph-repo-d"]\n'
                     '  n4["o/complex-graph-repo-e"]\n  n0 --> n1\n  n0 --> n3\n  n1 --> n2\n'
                     '  n2 --> n4\n  n3 --> n4\n')


def test_json(tako, diamond):
    r = tako("graph", "--local", "--json", cwd=diamond)
    assert r.code == 0
    doc = json.loads(r.out)
    assert list(doc) == ["root", "nodes", "edges"]
    assert doc["root"] == "o/complex-graph-repo-a"
    assert [n["name"][-1] for n in doc["nodes"]] == ["a", "b", "c", "d", "e"]
    assert doc["nodes"][0] == {"name": "o/complex-graph-repo-a", "path": str(diamond), "ref": None,
                               "source": "entry"}
    assert doc["nodes"][1]["source"] == "local"
    assert [(e["from"][-1], e["to"][-1]) for e in doc["edges"]] == [
        ("a", "b"), ("a", "d"), ("b", "c"), ("c", "e"), ("d", "e")]
    assert doc["edges"][0]["via"] == ["dependents"]
    assert r.out.startswith('{\n  "root": ')
    assert tako("graph", "--local", "--format", "json", cwd=diamond).out == r.out


def test_json_sources_for_cloned(tako, diamond):
    doc = json.loads(tako("graph", "--json", cwd=diamond).out)
    b = doc["nodes"][1]
    assert b["source"] == "dependents" and b["ref"] == "main"
    assert b["path"].endswith("/cache/repos/o/complex-graph-repo-b/main")


def test_subscription_edges(tako, ws):
    ws.repo("lib", yml("lib"))
    ws.repo("app", yml("app", extra="""subscriptions:
  - artifact: o/lib:lib
    events: [built]
    workflow: w
workflows:
  w:
    steps: [echo hi]
"""))
    r = tako("graph", "--local", cwd=ws.src / "lib")
    assert r.code == 0, r
    assert r.out == "o/lib\n└── o/app\n"
    doc = json.loads(tako("graph", "--local", "--json", cwd=ws.src / "lib").out)
    assert doc["edges"] == [{"from": "o/lib", "to": "o/app", "via": ["subscription"], "artifacts": ["lib"]}]


def test_cycle(tako, ws):
    ws.repo("a", yml("a", ["b"]))
    ws.repo("b", yml("b", ["c"]))
    ws.repo("c", yml("c", ["b"]))
    r = tako("graph", "--local", cwd=ws.src / "a")
    assert r.code == 1
    assert r.out == ""
    assert r.err == "Error: circular dependency detected: o/b -> o/c -> o/b\n"


def test_invalid_format(tako, diamond):
    r = tako("graph", "--format", "svg", cwd=diamond)
    assert r.code == 1
    assert "svg" in r.err and "Run 'tako graph --help' for usage." in r.err


def test_missing_tako_yml(tako, tmp_path):
    r = tako("graph", "--root", str(tmp_path))
    assert r.code == 1
    assert r.err == f"Error: could not read config file: open {tmp_path}/tako.yml: no such file or directory\n"


def test_invalid_repo_spec(tako, tmp_path):
    r = tako("graph", "--repo", "not-a-spec")
    assert r.code == 1
    assert r.err == ("Error: TAKO_E005: invalid repository specification: not-a-spec "
                     "(expected format: owner/repo or owner/repo:branch)\n")


def test_local_missing_dependent(tako, ws):
    ws.repo("a", yml("a", ["ghost"]))
    r = tako("graph", "--local", cwd=ws.src / "a")
    assert r.code == 1
    assert r.err.startswith("Error: TAKO_E006: repository o/ghost:main not found in cache or local test "
                            "structure - stat ")
    assert r.err.endswith("/cache/repos/o/ghost/main: no such file or directory\n")


def test_unreachable_remote_after_retries(tako, ws):
    ws.repo("a", yml("a", ["ghost"]))
    r = tako("graph", cwd=ws.src / "a", timeout=60)
    assert r.code == 1
    assert r.err.startswith(f"Error: TAKO_E001: failed to clone repo file://{ws.remotes}/o/ghost.git: ")
    assert r.err.rstrip().endswith("- exit status 128")


def test_cache_checkout_not_a_git_repo(tako, ws, env):
    ws.repo("a", yml("a", ["b"]))
    broken = f"{env['TAKO_HOME']}/cache/repos/o/b/main"
    import os
    os.makedirs(broken)
    with open(broken + "/tako.yml", "w") as f:
        f.write(yml("b"))
    r = tako("graph", cwd=ws.src / "a")
    assert r.code == 1
    assert r.err.startswith("Error: TAKO_E007: failed to update repo o/b:main: ")
    assert "exit status" in r.err


def test_invalid_dependent_config_is_an_error(tako, ws):
    ws.repo("a", yml("a", ["b"]))
    ws.repo("b", "version: '1'\nworkflows: [1, 2]\n")
    r = tako("graph", "--local", cwd=ws.src / "a")
    assert r.code == 1
    assert r.err.startswith("Error: failed to load config: ")


def test_invalid_cached_repo_is_a_warning(tako, ws, env):
    ws.repo("a", yml("a"))
    bad = f"{env['TAKO_HOME']}/cache/repos/o/bad/main"
    import os
    os.makedirs(bad)
    with open(bad + "/tako.yml", "w") as f:
        f.write("version: [\n")
    r = tako("graph", cwd=ws.src / "a")
    assert r.code == 0
    assert r.out == "o/a\n"
    assert r.err.startswith(f"warning: ignoring repository o/bad ({bad}): could not unmarshal config: ")


def test_identity_from_origin_and_dirname(tako, ws):
    ws.repo("plain", "version: '1'\n", git_init=False)
    r = tako("graph", cwd=ws.src / "plain")
    assert r.out == "plain\n"
    ws.repo("fromorigin", "version: '1'\n", owner="acme")
    r = tako("graph", cwd=ws.src / "fromorigin")
    assert r.out == "acme/fromorigin\n"


def _many(ws, home, where):
    """60 repositories (every 7th from the 4th on invalid) as --local siblings or cache checkouts:
    enough for the configs to be loaded on several threads (repo::Universe::build)."""
    import os
    names = [f"r{i:02d}" for i in range(60)]
    bad = [n for i, n in enumerate(names) if i % 7 == 3]
    good = [n for n in names if n not in bad]
    for n in names:
        text = "version: [\n" if n in bad else yml(n)
        if where == "local":
            ws.repo(n, text, git_init=False)
        else:
            os.makedirs(f"{home}/cache/repos/o/{n}/main")
            with open(f"{home}/cache/repos/o/{n}/main/tako.yml", "w") as f:
                f.write(text)
    # Local siblings are listed as dependents (loaded in the siblings' pass, shown by the graph);
    # cache checkouts are not (every one is then loaded in the cache pass).
    ws.repo("a", yml("a", good if where == "local" else ()), git_init=False)
    return bad, good


@pytest.mark.parametrize("where", ["local", "cache"])
def test_many_repositories_load_in_order_with_their_warnings(tako, ws, env, where):
    bad, good = _many(ws, env["TAKO_HOME"], where)
    args = ["graph", "--format", "json", "--local"]  # --local: cached checkouts are used as they are
    r = tako(*args, cwd=ws.src / "a")
    assert r.code == 0, r
    nodes = json.loads(r.out)["nodes"]
    if where == "local":
        assert sorted(n["name"] for n in nodes) == sorted(["o/a"] + [f"o/{n}" for n in good])
        assert {n["source"] for n in nodes if n["name"] != "o/a"} == {"local"}
    else:
        assert [n["name"] for n in nodes] == ["o/a"]
    warnings = [l for l in r.err.splitlines() if l.startswith("warning: ")]
    if where == "local":
        paths = [str(ws.src / n) for n in bad]
        expected = [f"warning: ignoring repository {n} ({p}): could not unmarshal config: " for n, p in zip(bad, paths)]
    else:
        paths = [f"{env['TAKO_HOME']}/cache/repos/o/{n}/main" for n in bad]
        expected = [f"warning: ignoring repository o/{n} ({p}): could not unmarshal config: "
                    for n, p in zip(bad, paths)]
    assert len(warnings) == len(expected), r.err
    for w, e in zip(warnings, expected):      # one per invalid repository, in path order
        assert w.startswith(e), (w, e)


APP2_SUBSCRIBES_TO_APP = """  - artifact: o/app:*
    events: [built]
    workflow: w
workflows:
  w:
    steps:
      - run: echo hi
"""


def _cached(env, name, text):
    import os
    path = f"{env['TAKO_HOME']}/cache/repos/o/{name}/main"
    os.makedirs(path)
    with open(path + "/tako.yml", "w") as f:
        f.write(text)
    return path


def test_dependents_of_a_cached_checkout_are_followed(tako, ws, env):
    """§3.5: the closure of `dependents` is taken from every member, cache checkouts included:
    cached o/app2 (reached from the entry by its subscription) lists o/leaf, which exists only as a
    remote; the graph clones it and shows it."""
    import shutil
    app = ws.repo("app", yml("app"))
    ws.repo("leaf", yml("leaf"))
    shutil.rmtree(ws.src / "leaf")  # only the remote is left
    _cached(env, "app2", yml("app2", ["leaf"], "subscriptions:\n" + APP2_SUBSCRIBES_TO_APP))
    r = tako("graph", cwd=app)
    assert r.code == 0, r
    assert r.out == "o/app\n└── o/app2\n    └── o/leaf\n"
    assert r.err == ""
    # o/leaf was cloned into the cache, where the next run finds it by the scan
    r = tako("graph", "--format", "json", cwd=app)
    nodes = {n["name"]: n["source"] for n in json.loads(r.out)["nodes"]}
    assert nodes == {"o/app": "entry", "o/app2": "cache", "o/leaf": "cache"}
    assert json.loads(r.out)["edges"][-1]["from"] == "o/app2"


def test_unresolvable_dependent_of_a_cached_checkout_is_a_warning(tako, ws, env):
    """A stale cache checkout naming a repository that no longer exists must not break graph or
    run for an entry that never names it: the target is ignored with the §3.5 warning."""
    app = ws.repo("app", yml("app"))
    _cached(env, "app2", yml("app2", ["ghost"], "subscriptions:\n" + APP2_SUBSCRIBES_TO_APP))
    r = tako("graph", cwd=app)
    assert r.code == 0, r
    assert r.out == "o/app\n└── o/app2\n"
    assert r.err.startswith("warning: ignoring repository o/ghost ("), r
    assert r.err.count("warning: ") == 1 and "exit status 128" in r.err, r

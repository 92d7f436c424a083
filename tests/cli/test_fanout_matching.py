"""Discovery and matching (REFERENCE.md §10.4, §10.5, §10.3 step 3, §10.12) through the CLI."""
import re

import pytest

from test_fanout_util import LOGTS, RUN_ID, emitter, find_run, run_id_of, state_of, step_of, subscriber, yml


def marker_sub(name, source="o/src", event="ping", filt=None, rng=None, workflow="react", artifact="*",
               event_entry=None, extra=""):
    """A subscriber that touches <repo>/RAN_<workflow> when its workflow runs."""
    sub = f"  - artifact: {source}:{artifact}\n"
    sub += f"    events: [{event_entry or event}]\n"
    if rng is not None:
        sub += f"    schema_version: \"{rng}\"\n"
    if filt is not None:
        sub += f"    filter: {filt}\n"
    sub += f"    workflow: {workflow}\n" + extra
    body = "subscriptions:\n" + sub + (
        f"workflows:\n  {workflow}:\n    steps:\n      - run: echo \"$TAKO_RUN_ID\" >> RAN_{workflow}\n")
    return yml(name, body, "o")


REPOS_FILTER = "'payload.repos.split(\",\").exists(r, r.trim().lowerAscii() == \"{n}\")'"


@pytest.mark.parametrize("repos,expected", [
    ("app-a,app-b", {"app-a", "app-b"}),
    (" APP-A ,  app-c", {"app-a", "app-c"}),
    ("App-B,app-b, APP-B", {"app-b"}),                # duplicates: runs once
    ("app-z", set()),                                  # no match
    ("", set()),
])
def test_selective_triggering_by_payload_list(tako, ws, repos, expected):
    src = ws.repo("src", emitter("src", payload=f'{{repos: "{repos}"}}'), owner="o")
    for n in ["app-a", "app-b", "app-c"]:
        ws.repo(n, marker_sub(n, filt=REPOS_FILTER.format(n=n)))
    # Not subscribed to o/src at all (same event type from another source).
    ws.repo("bystander", marker_sub("bystander", source="o/other"))
    r = tako("exec", "go", "--local", cwd=src)
    assert r.code == 0, r
    ran = {n for n in ["app-a", "app-b", "app-c", "bystander"] if (ws.src / n / "RAN_react").exists()}
    assert ran == expected
    for n in expected:
        assert len((ws.src / n / "RAN_react").read_text().splitlines()) == 1
        assert f"✓ o/{n}:react (" in r.out
    assert "bystander" not in r.out + r.err
    assert re.search(LOGTS + r" INFO discovered subscriptions for fan-out event=ping count=3$", r.err, re.M), r.err
    assert re.search(rf"triggered_count {len(expected)} error_count 0 source_repo o/src ", r.err), r.err


def test_no_candidates_logs_skip_and_succeeds(tako, ws, env):
    src = ws.repo("src", emitter("src"), owner="o")
    ws.repo("other", marker_sub("other", event="pong"))
    r = tako("exec", "go", "--local", cwd=src)
    assert r.code == 0, r
    assert re.search(LOGTS + r" INFO no subscriptions found for event, skipping fan-out event=ping$", r.err, re.M), r.err
    assert "[INFO] Fan-out completed [duration_ms " in r.err and "triggered_count 0 error_count 0" in r.err
    doc = state_of(env, run_id_of(r.out))
    assert step_of(doc["root"], "fan")["outputs"]["triggered_count"] == "0"
    assert not (ws.src / "other" / "RAN_react").exists()


def test_artifact_discovery(tako, ws):
    """Candidates need the artifact name to equal the event artifact, or `*`, or the event artifact `default`."""
    src = ws.repo("src", emitter("src", extra_with="          artifact: lib\n"), owner="o")
    ws.repo("exact", marker_sub("exact", artifact="lib"))
    ws.repo("star", marker_sub("star", artifact="*"))
    ws.repo("other", marker_sub("other", artifact="bin"))
    ws.repo("wrongsrc", marker_sub("wrongsrc", source="O/SRC2", artifact="lib"))
    ws.repo("casesrc", marker_sub("casesrc", source="O/Src", artifact="lib"))   # source is case-insensitive
    r = tako("exec", "go", "--local", cwd=src)
    assert r.code == 0, r
    ran = {n for n in ["exact", "star", "other", "wrongsrc", "casesrc"] if (ws.src / n / "RAN_react").exists()}
    assert ran == {"exact", "star", "casesrc"}
    assert "count=3" in r.err


RANGES = [
    # (range, version, matches)
    ("1.2.0", "1.2.0", True), ("1.2.0", "1.2.1", False),
    ("=1.2.0", "1.2.0", True),
    ("^1.2.0", "1.9.9", True), ("^1.2.0", "2.0.0", False), ("^1.2.0", "1.1.9", False),
    ("^0.2.0", "0.9.0", True), ("^0.2.0", "1.0.0", False),
    ("~1.2.0", "1.2.9", True), ("~1.2.0", "1.3.0", False),
    (">=1.0.0 <2.0.0", "1.9.9", True), (">=1.0.0 <2.0.0", "2.0.0", False), (">=1.0.0 <2.0.0", "0.9.9", False),
    (" >1.0.0  <=1.5.0 ", "1.5.0", True), (">1.0.0 <=1.5.0", "1.0.0", False),
    ("(1.1.0...2.0.0]", "1.1.1", True), ("(1.1.0...2.0.0]", "2.0.0", True),
    ("(1.1.0...2.0.0]", "1.1.0", False), ("(1.1.0...2.0.0]", "2.0.1", False),
    ("[1.0.0...2.0.0)", "1.0.0", True), ("[1.0.0...2.0.0)", "2.0.0", False),
    ("(1.0.0...]", "1.0.1", True), ("(1.0.0...]", "1.0.0", False),
    ("[1.0.0...)", "1.0.0", True), ("[1.0.0...)", "9.0.0", True), ("[1.0.0...)", "0.9.9", False),
    ("[ 1.0.0 ... 2.0.0 ]", "2.0.0", True),
]


@pytest.mark.parametrize("where", ["subscription", "event_entry"])
def test_schema_version_ranges(tako, ws, where):
    """One subscriber repository per range; the event carries `schema_version: <version>`."""
    versions = sorted({v for _, v, _ in RANGES})
    for v in versions:
        ws.repo(f"src-{v}", emitter(f"src-{v}", extra_with=f"          schema_version: {v}\n"), owner="o")
    expected = {}
    for i, (rng, v, ok) in enumerate(RANGES):
        name = f"sub{i}"
        if where == "subscription":
            cfg = marker_sub(name, source=f"o/src-{v}", rng=rng)
        else:   # the event entry's range overrides the subscription's (which would never match)
            cfg = marker_sub(name, source=f"o/src-{v}", rng="99.0.0",
                             event_entry=f"{{type: ping, schema_version: \"{rng}\"}}")
        ws.repo(name, cfg)
        expected.setdefault(v, {})[name] = ok
    for v in versions:
        r = tako("exec", "go", "--local", cwd=ws.src / f"src-{v}")
        assert r.code == 0, r
        for name, ok in expected[v].items():
            i = int(name[3:])
            assert (ws.src / name / "RAN_react").exists() == ok, f"range {RANGES[i][0]!r} version {v}: {r}"


def test_event_without_version_satisfies_every_range(tako, ws):
    src = ws.repo("src", emitter("src"), owner="o")
    ws.repo("a", marker_sub("a", rng="^9.0.0"))
    ws.repo("b", marker_sub("b", event_entry='{type: ping, schema_version: "(1.0.0...2.0.0)"}'))
    r = tako("exec", "go", "--local", cwd=src)
    assert r.code == 0, r
    assert (ws.src / "a" / "RAN_react").exists() and (ws.src / "b" / "RAN_react").exists()


def test_invalid_range_rejected_at_load(tako, ws):
    src = ws.repo("src", emitter("src"), owner="o")
    ws.repo("bad", marker_sub("bad", rng="1.0"))
    r = tako("exec", "go", "--local", cwd=src)
    assert r.code == 0, r
    assert ("warning: ignoring repository o/bad (" + str(ws.src / "bad") + "): failed to load config: "
            + str(ws.src / "bad" / "tako.yml") + ":6:21: invalid subscriptions: subscription 0: invalid schema version: invalid version range format '1.0'. Supported formats: ^1.0.0, ~1.0.0, 1.0.0, "
            ">=1.0.0 <2.0.0, (1.0.0...2.0.0], [1.0.0...2.0.0)") in r.err, r.err


def test_first_match_rule(tako, ws):
    src = ws.repo("src", emitter("src", payload="{n: 5}"), owner="o")
    body = """subscriptions:
  - artifact: o/src:*
    events: [ping]
    filter: payload.n > 10
    workflow: never
  - artifact: o/src:*
    events: [ping]
    filter: payload.n > 1
    workflow: first
events:
  subscriptions:
    - artifact: o/src:*
      events: [ping]
      workflow: second
workflows:
  never: {steps: [{run: touch RAN_never}]}
  first: {steps: [{run: touch RAN_first}]}
  second: {steps: [{run: touch RAN_second}]}
"""
    ws.repo("multi", yml("multi", body, "o"))
    r = tako("exec", "go", "--local", cwd=src)
    assert r.code == 0, r
    sub = ws.src / "multi"
    assert (sub / "RAN_first").exists()
    assert not (sub / "RAN_second").exists() and not (sub / "RAN_never").exists()
    assert "[INFO] Subscription skipped [repository o/multi subscription 2 reason earlier subscription 1 matched]" \
        in r.err.splitlines(), r.err
    assert "count=3" in r.err and "triggered_count 1 error_count 0" in r.err


def test_evaluation_error_fails_step_but_other_children_run(tako, ws, env):
    src = ws.repo("src", emitter("src", payload="{n: 0}"), owner="o")
    ws.repo("bad", marker_sub("bad", filt="'10 / payload.n > 1'"))
    ws.repo("good", marker_sub("good"))
    r = tako("exec", "go", "--local", cwd=src)
    assert r.code == 1, r
    assert (ws.src / "good" / "RAN_react").exists() and not (ws.src / "bad" / "RAN_react").exists()
    assert ("[WARN] Subscription evaluation failed [repository o/bad subscription 0 error filter 0 evaluation failed: "
            "CEL evaluation error: division by zero]") in r.err.splitlines(), r.err
    assert r.err.splitlines()[-1] == (
        "Error: workflow execution failed: step 'fan' failed: fan-out failed: 0 of 1 child workflows failed: "
        "subscription evaluation failed for o/bad: subscription 0: filter 0 evaluation failed: CEL evaluation error: "
        "division by zero")
    assert "success false triggered_count 1 error_count 1 source_repo o/src" in r.err
    doc = state_of(env, run_id_of(r.out))
    assert step_of(doc["root"], "fan")["fan_out"]["evaluation_errors"] == [
        "subscription evaluation failed for o/bad: subscription 0: filter 0 evaluation failed: CEL evaluation error: "
        "division by zero"]


def test_missing_payload_key_is_evaluation_error_and_items_sorted(tako, ws):
    src = ws.repo("src", emitter("src", payload="{}"), owner="o")
    ws.repo("zz", marker_sub("zz", filt="payload.missing == 1"))
    ws.repo("fails", yml("fails", "subscriptions:\n  - artifact: o/src:*\n    events: [ping]\n    workflow: w\n"
                                   "workflows:\n  w: {steps: [{id: boom, run: exit 3}]}\n", "o"))
    r = tako("exec", "go", "--local", cwd=src)
    assert r.code == 1, r
    assert r.err.splitlines()[-1] == (
        "Error: workflow execution failed: step 'fan' failed: fan-out failed: 1 of 1 child workflows failed: "
        "o/fails:w: step 'boom' failed: exit status 3; subscription evaluation failed for o/zz: subscription 0: "
        "filter 0 evaluation failed: CEL evaluation error: no such key: missing")


def test_non_bool_filter_is_evaluation_error(tako, ws):
    src = ws.repo("src", emitter("src", payload="{n: 1}"), owner="o")
    ws.repo("nb", marker_sub("nb", filt="payload.n"))
    r = tako("exec", "go", "--local", cwd=src)
    assert r.code == 1, r
    assert ("[WARN] Subscription evaluation failed [repository o/nb subscription 0 error filter 0 evaluation failed: "
            "CEL expression must return boolean, got int]") in r.err, r.err


def test_filter_variables(tako, ws):
    src = ws.repo("src", emitter("src", payload="{v: 1}",
                                 extra_with="          schema_version: 1.2.3\n          artifact: lib\n"), owner="o")
    filt = ("'event_type == \"ping\" && source == \"o/src\" && schema_version == \"1.2.3\" && artifact == \"lib\" && "
            "event.namespaced_type == \"o/src/ping\" && event.payload.v == 1 && "
            "event.timestamp > timestamp(\"2020-01-01T00:00:00Z\") && event.id.startsWith(\"evt-\")'")
    ws.repo("vars", marker_sub("vars", filt=filt))
    r = tako("exec", "go", "--local", cwd=src)
    assert r.code == 0, r
    assert (ws.src / "vars" / "RAN_react").exists()


def test_dry_run_lists_candidates_and_creates_nothing(tako, ws, env):
    src = ws.repo("src", emitter("src", payload="{n: 0}"), owner="o")
    ws.repo("a", marker_sub("a", filt="payload.n > 100"))      # candidate even though the filter is false
    ws.repo("b", marker_sub("b", workflow="build"))
    ws.repo("c", marker_sub("c", event="pong"))
    r = tako("exec", "go", "--local", "--dry-run", cwd=src)
    assert r.code == 0, r
    lines = r.out.splitlines()
    i = lines.index("[dry-run] fan: uses tako/fan-out@v1")
    assert lines[i + 1:i + 3] == ["[dry-run]   candidate: o/a -> react", "[dry-run]   candidate: o/b -> build"]
    assert "Success: true" in r.out and "  ✓ fan (0s)" in lines
    assert not (ws.src / "a" / "RAN_react").exists() and not (ws.src / "b" / "RAN_build").exists()
    import pathlib
    home = pathlib.Path(env["TAKO_HOME"])
    assert not (home / "tako.db").exists()


def test_debug_lists_candidate_checks(tako, ws):
    src = ws.repo("src", emitter("src", payload="{n: 3}", extra_with="          schema_version: 1.0.0\n"), owner="o")
    ws.repo("a", marker_sub("a", filt="payload.n > 1", rng="^1.0.0"))
    ws.repo("b", marker_sub("b", filt="payload.n > 5"))
    r = tako("exec", "go", "--local", "--debug", cwd=src)
    assert r.code == 0, r
    dbg = [l for l in r.err.splitlines() if l.startswith("[debug] ") and "o/a" in l or "o/b" in l and l.startswith("[debug] ")]
    a = [l for l in dbg if "o/a" in l]
    b = [l for l in dbg if "o/b" in l]
    assert a and b, r.err
    assert any("^1.0.0" in l and "1.0.0" in l for l in a) and any("payload.n > 1" in l and "true" in l for l in a)
    assert any("payload.n > 5" in l and "false" in l for l in b)
    assert (ws.src / "a" / "RAN_react").exists() and not (ws.src / "b" / "RAN_react").exists()


def test_subscription_naming_a_missing_workflow_is_reported_and_never_runs(tako, ws, env):
    """Caught when the subscriber's config is loaded: a warning naming file, line and column; the others run."""
    src = ws.repo("src", emitter("src"), owner="o")
    ws.repo("typo", yml("typo", "subscriptions:\n  - artifact: o/src:*\n    events: [ping]\n    workflow: nosuch\n"
                                "workflows:\n  react: {steps: [{run: touch RAN_react}]}\n", "o"))
    ws.repo("good", marker_sub("good"))
    r = tako("exec", "go", "--local", cwd=src)
    assert r.code == 0, r
    assert (ws.src / "good" / "RAN_react").exists() and not (ws.src / "typo" / "RAN_react").exists()
    assert re.search(r"^warning: ignoring repository o/typo \(" + re.escape(str(ws.src / "typo")) +
                     r"\): failed to load config: .*tako\.yml:\d+:\d+: subscription 0 references non-existent "
                     r"workflow 'nosuch'$", r.err, re.M), r.err
    doc = state_of(env, run_id_of(r.out))
    assert [c["repository"] for c in doc["root"]["children"]] == ["o/good"]


def test_input_mapping_template_error_fails_that_child_only(tako, ws, env):
    """A mapping template that fails to execute creates no run for that child; the others run."""
    src = ws.repo("src", emitter("src", payload="{n: 1}"), owner="o")
    ws.repo("bad", subscriber("bad", "o/src", "      - run: touch RAN\n", inputs_decl="{n: {type: string}}",
                              mapping='{n: "{{ len .payload.n }}"}'))
    ws.repo("good", subscriber("good", "o/src", "      - run: touch RAN\n"))
    r = tako("exec", "go", "--local", cwd=src)
    assert r.code == 1, r
    assert (ws.src / "good" / "RAN").exists() and not (ws.src / "bad" / "RAN").exists()
    assert r.err.splitlines()[-1] == (
        "Error: workflow execution failed: step 'fan' failed: fan-out failed: 1 of 2 child workflows failed: "
        "o/bad:react: failed to map inputs for o/bad: failed to execute template: template: o/bad.subscription.n:1:3: "
        "executing \"o/bad.subscription.n\" at <len .payload.n>: error calling len: len of type int64")
    doc = state_of(env, run_id_of(r.out))
    assert [c["repository"] for c in doc["root"]["children"]] == ["o/good"]


def test_fan_out_with_template_error_fails_the_step_before_any_event(tako, ws, env):
    src = ws.repo("src", emitter("src", payload='{n: "{{ len 3 }}"}'), owner="o")
    ws.repo("sub", marker_sub("sub"))
    r = tako("exec", "go", "--local", cwd=src)
    assert r.code == 1, r
    last = r.err.splitlines()[-1]
    assert last.startswith("Error: workflow execution failed: step 'fan' failed: failed to execute template: "), last
    assert "error calling len: len of type int" in last, last
    assert not (ws.src / "sub" / "RAN_react").exists()
    assert "Fan-out started" not in r.err
    doc = state_of(env, run_id_of(r.out)) if "Execution completed:" in r.out else None
    if doc is not None:
        assert doc["root"]["children"] == []


@pytest.mark.parametrize("source,expected", [
    ("with", ["o/lib-only", "o/star"]),       # with.artifact: lib
    ("produces", ["o/bin-only", "o/star"]),   # the artifact of the earlier step that produces one
    ("none", ["o/bin-only", "o/lib-only", "o/star"]),  # "default" matches every artifact name
])
def test_dry_run_candidates_follow_the_event_artifact(tako, ws, source, expected):
    extra_with = "          artifact: lib\n" if source == "with" else ""
    before = ("      - id: build\n        run: 'true'\n        produces: {artifact: bin}\n"
              if source == "produces" else "")
    text = emitter("src", extra_with=extra_with, before=before)
    text = text.replace("workflows:", "artifacts:\n  bin: {path: .}\n  lib: {path: .}\nworkflows:", 1)
    src = ws.repo("src", text, owner="o")
    ws.repo("lib-only", marker_sub("lib-only", artifact="lib"))
    ws.repo("bin-only", marker_sub("bin-only", artifact="bin"))
    ws.repo("star", marker_sub("star", artifact="*"))
    r = tako("exec", "go", "--local", "--dry-run", cwd=src)
    assert r.code == 0, r
    lines = r.out.splitlines()
    i = lines.index("[dry-run] fan: uses tako/fan-out@v1")
    got = [l.removeprefix("[dry-run]   candidate: ").removesuffix(" -> react") for l in lines[i + 1:]
           if l.startswith("[dry-run]   candidate: ")]
    assert got == expected, r.out

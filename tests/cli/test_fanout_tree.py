"""Cycles, depth, duplicates, detached children, input mapping, payload schema, identity, resume (REFERENCE.md §10, §11.4)."""
import hashlib
import json
import re
import signal

import pytest

from test_exec_util import home, kill_if_running, pid_alive, read_pid, run_ids, spawn
from test_fanout_util import (DUR, RUN_ID, emitter, find_run, run_id_of, state_of, step_of, subscriber, yml)


def relay(name, source, in_event, out_event, workflow="w", log=None):
    """Subscribes to `source`'s `in_event` with `workflow`, which fans out `out_event`."""
    pre = f'      - run: echo "$TAKO_REPO" >> {log}\n' if log else ""
    return yml(name, f"""subscriptions:
  - artifact: {source}:*
    events: [{in_event}]
    workflow: {workflow}
workflows:
  {workflow}:
    steps:
{pre}      - id: fan
        uses: tako/fan-out@v1
        with: {{event_type: {out_event}, wait_for_children: true}}
""", "o")


def test_cycle_detected(tako, ws, env):
    a = ws.repo("a", yml("a", """subscriptions:
  - artifact: o/b:*
    events: [pong]
    workflow: w
workflows:
  w:
    steps:
      - id: fan
        uses: tako/fan-out@v1
        with: {event_type: ping, wait_for_children: true}
""", "o"))
    ws.repo("b", relay("b", "o/a", "ping", "pong"))
    r = tako("exec", "w", "--local", cwd=a)
    assert r.code == 1, r
    assert r.err.splitlines()[-1] == (
        "Error: workflow execution failed: step 'fan' failed: fan-out failed: 1 of 1 child workflows failed: "
        "o/b:w: step 'fan' failed: fan-out failed: 1 of 1 child workflows failed: "
        "circular fan-out detected: o/a:w -> o/b:w -> o/a:w")
    doc = state_of(env, run_id_of(r.out))
    b = find_run(doc, "o/b")
    assert b["children"] == [] and len(doc["root"]["children"]) == 1
    assert "triggered_count 0 error_count 1 source_repo o/b" in r.err


def chain(ws, n, log=None):
    """r0 -> r1 -> ... -> r<n>: r<i> fans out e<i>; r<i+1> subscribes to it."""
    root = ws.repo("r0", yml("r0", "workflows:\n  w:\n    steps:\n      - id: fan\n        uses: tako/fan-out@v1\n"
                                   "        with: {event_type: e0, wait_for_children: true}\n", "o"))
    for i in range(1, n + 1):
        ws.repo(f"r{i}", relay(f"r{i}", f"o/r{i-1}", f"e{i-1}", f"e{i}", log=log))
    return root


def test_depth_limit_and_warning(tako, ws, tmp_path):
    log = tmp_path / "chain.log"
    root = chain(ws, 4, log)
    r = tako("exec", "w", "--local", "--max-depth", "3", cwd=root)
    assert r.code == 1, r
    assert log.read_text().splitlines() == ["o/r1", "o/r2", "o/r3"]
    err = r.err.splitlines()
    assert err.count("warning: execution tree depth 2 reached at o/r2:w (limit 3)") == 1, r.err
    assert err[-1].endswith("o/r3:w: step 'fan' failed: fan-out failed: 1 of 1 child workflows failed: "
                            "fan-out depth limit exceeded: depth 4 > max 3 (o/r4:w)"), err[-1]
    assert err[-1].startswith("Error: workflow execution failed: step 'fan' failed: fan-out failed: 1 of 1 child "
                              "workflows failed: o/r1:w: step 'fan' failed: ")


def test_default_depth_warning_at_seven(tako, ws, tmp_path):
    log = tmp_path / "chain.log"
    root = chain(ws, 7, log)
    r = tako("exec", "w", "--local", cwd=root)
    assert r.code == 0, r
    assert len(log.read_text().splitlines()) == 7
    assert [l for l in r.err.splitlines() if l.startswith("warning:")] == [
        "warning: execution tree depth 7 reached at o/r7:w (limit 10)"]


def canonical_fingerprint(event):
    doc = {"artifact": event["artifact"], "payload": event["payload"], "schema_version": event["schema_version"],
           "source": event["source"].lower(), "type": event["type"]}
    return hashlib.sha256(json.dumps(doc, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def test_duplicate_delivery_dropped(tako, ws, env, tmp_path):
    log = tmp_path / "dup.log"
    fan = "      - id: {id}\n        uses: tako/fan-out@v1\n        with: {{event_type: ping, payload: {{v: 1}}, " \
          "wait_for_children: true}}\n"
    src = ws.repo("src", yml("Src", "workflows:\n  go:\n    steps:\n" + fan.format(id="one") + fan.format(id="two"), "o"))
    ws.repo("sub", subscriber("sub", "o/src", f'      - run: echo "$TAKO_RUN_ID" >> {log}\n'))
    r = tako("exec", "go", "--local", cwd=src)
    assert r.code == 0, r
    assert len(log.read_text().splitlines()) == 1
    doc = state_of(env, run_id_of(r.out))
    ev = step_of(doc["root"], "one")["fan_out"]["event"]
    fp = canonical_fingerprint(ev)
    assert ev["source"] == "o/Src" and find_run(doc, "o/sub")["key"] == f"{fp}:o/sub:react"
    assert f"[INFO] Duplicate event delivery dropped [repository o/sub workflow react fingerprint {fp[:16]}]" \
        in r.err.splitlines(), r.err
    assert step_of(doc["root"], "two")["outputs"]["triggered_count"] == "0"
    assert re.search(r"success true triggered_count 0 error_count 0 source_repo o/Src", r.err)


def test_diamond_runs_once_per_event(tako, ws, tmp_path):
    log = tmp_path / "diamond.log"
    top = ws.repo("top", emitter("top"))
    ws.repo("left", relay("left", "o/top", "ping", "built"))
    ws.repo("right", relay("right", "o/top", "ping", "built"))
    ws.repo("bottom", yml("bottom", f"""subscriptions:
  - artifact: o/left:*
    events: [built]
    workflow: w
  - artifact: o/right:*
    events: [built]
    workflow: w
workflows:
  w:
    steps:
      - run: echo "$TAKO_RUN_ID {{{{ .event.source }}}}" >> {log}
""", "o"))
    r = tako("exec", "go", "--local", cwd=top)
    assert r.code == 0, r
    lines = log.read_text().splitlines()
    assert sorted(l.split()[1] for l in lines) == ["o/left", "o/right"]
    assert len({l.split()[0] for l in lines}) == 2


def detached(name, after="", on_failure=""):
    body = emitter(name, after=after).replace("wait_for_children: true", "wait_for_children: false")
    if on_failure:
        body = body.replace("          wait_for_children: false\n",
                            "          wait_for_children: false\n        on_failure:\n" + on_failure)
    return body


def test_detached_step_completes_at_once_and_run_waits(tako, ws, env, tmp_path):
    go = tmp_path / "GO"
    src = ws.repo("src", detached("src", after=f"      - id: release\n        run: touch {go}\n"))
    # The child completes only after the emitter's *next* step ran.
    ws.repo("sub", subscriber("sub", "o/src",
                              f'      - run: "i=0; while [ ! -e {go} ]; do [ $i -gt 1200 ] && exit 9; sleep 0.05; '
                              f'i=$((i+1)); done; touch DONE"\n'))
    r = tako("exec", "go", "--local", cwd=src, timeout=120)
    assert r.code == 0, r
    assert (ws.src / "sub" / "DONE").exists()
    doc = state_of(env, run_id_of(r.out))
    child = find_run(doc, "o/sub")
    assert child["status"] == "completed"
    fan = step_of(doc["root"], "fan")
    assert fan["status"] == "completed" and fan["outputs"]["triggered_count"] == "1"
    assert fan["fan_out"]["wait_for_children"] is False
    assert fan["end_time"] <= step_of(doc["root"], "release")["start_time"]
    assert doc["root"]["end_time"] >= child["end_time"]
    assert re.search(r"^    └── ✓ o/sub:react " + DUR + "$", r.out, re.M), r.out


def test_detached_failing_child_fails_step_and_runs_on_failure(tako, ws, env):
    src = ws.repo("src", detached("src", after="      - id: after\n        run: touch AFTER\n",
                                  on_failure="          - id: cleanup\n            run: echo \"$TAKO_FAILED_STEP\" > CLEANUP\n"))
    ws.repo("sub", subscriber("sub", "o/src", "      - id: bad\n        run: exit 4\n"))
    r = tako("exec", "go", "--local", cwd=src)
    assert r.code == 1, r
    assert (src / "AFTER").exists()
    assert (src / "CLEANUP").read_text() == "fan\n"
    assert r.err.splitlines()[-1] == ("Error: workflow execution failed: step 'fan' failed: fan-out failed: 1 of 1 child "
                                      "workflows failed: o/sub:react: step 'bad' failed: exit status 4")
    doc = state_of(env, run_id_of(r.out))
    assert step_of(doc["root"], "fan")["status"] == "failed"
    assert doc["root"]["status"] == "failed"
    assert re.search(r"^  ✗ fan " + DUR + "$", r.out, re.M) and re.search(r"^  ✓ cleanup \[on_failure\] " + DUR + "$",
                                                                          r.out, re.M), r.out


def test_detached_children_are_awaited_when_a_later_step_fails(tako, ws, env, tmp_path):
    """§7.1 step 6: the run waits for every child it triggered, also when it fails."""
    go = tmp_path / "GO"
    src = ws.repo("src", detached("src", after=f"      - id: after\n        run: touch {go}; exit 3\n"))
    ws.repo("sub", subscriber("sub", "o/src",
                              f'      - run: "i=0; while [ ! -e {go} ]; do [ $i -gt 1200 ] && exit 9; sleep 0.05; '
                              f'i=$((i+1)); done; touch DONE"\n'))
    r = tako("exec", "go", "--local", cwd=src, timeout=120)
    assert r.code == 1, r
    assert r.err.splitlines()[-1] == "Error: workflow execution failed: step 'after' failed: exit status 3"
    assert (ws.src / "sub" / "DONE").exists()
    doc = state_of(env, run_id_of(r.out))
    assert find_run(doc, "o/sub")["status"] == "completed"
    assert doc["root"]["end_time"] >= find_run(doc, "o/sub")["end_time"]


NUM_SUB = dict(inputs_decl="{n: {type: number, required: true}, s: {type: string}}",
               mapping='{n: "{{ .payload.n }}", s: "{{ .Event.Payload.n }}-{{ .event.source }}"}',
               steps='      - run: echo "{{ .inputs.n }} $TAKO_INPUT_N {{ .inputs.s }}" > GOT\n')


@pytest.mark.parametrize("value,typed,text", [("42", 42, "42"), ("-7", -7, "-7"), ("2.5", 2.5, "2.5"),
                                              ('"17"', 17, "17")])
def test_number_input_mapping(tako, ws, env, value, typed, text):
    src = ws.repo("src", emitter("src", payload=f"{{n: {value}}}"))
    ws.repo("sub", subscriber("sub", "o/src", **NUM_SUB))
    r = tako("exec", "go", "--local", cwd=src)
    assert r.code == 0, r
    child = find_run(state_of(env, run_id_of(r.out)), "o/sub")
    assert child["inputs"] == {"n": typed, "s": f"{text}-o/src"}
    assert type(child["inputs"]["n"]) is type(typed)
    assert (ws.src / "sub" / "GOT").read_text() == f"{text} {text} {text}-o/src\n"


def test_non_number_input_fails_the_child(tako, ws, env):
    src = ws.repo("src", emitter("src", payload='{n: "abc"}'))
    ws.repo("sub", subscriber("sub", "o/src", **NUM_SUB))
    ws.repo("ok", subscriber("ok", "o/src", "      - run: touch RAN\n"))
    r = tako("exec", "go", "--local", cwd=src)
    assert r.code == 1, r
    assert r.err.splitlines()[-1] == (
        "Error: workflow execution failed: step 'fan' failed: fan-out failed: 1 of 2 child workflows failed: "
        "o/sub:react: failed to map inputs for o/sub: input 'n' value 'abc' is not a valid number")
    assert (ws.src / "ok" / "RAN").exists() and not (ws.src / "sub" / "GOT").exists()


PRODUCER = """version: "1"
metadata: {name: o/src}
events:
  produces:
    - type: ping
      schema_version: 2.1.0
      payload: {version: {type: string, required: true}, count: integer, ratio: number, tags: array}
workflows:
  go:
    steps:
      - id: fan
        uses: tako/fan-out@v1
        with:
          event_type: ping
          payload: __PAYLOAD__
          wait_for_children: true
"""


@pytest.mark.parametrize("payload,error", [
    ("{count: 1}", "event 'ping' payload: required field 'version' missing"),
    ('{version: "1", count: 1.5}', "event 'ping' payload: field 'count' must be integer, got number"),
    ('{version: 3}', "event 'ping' payload: field 'version' must be string, got integer"),
    ('{version: "1", ratio: "x"}', "event 'ping' payload: field 'ratio' must be number, got string"),
    ('{version: "1", tags: {a: 1}}', "event 'ping' payload: field 'tags' must be array, got object"),
])
def test_payload_schema_errors(tako, ws, payload, error):
    src = ws.repo("src", PRODUCER.replace("__PAYLOAD__", payload))
    ws.repo("sub", subscriber("sub", "o/src", "      - run: touch RAN\n"))
    r = tako("exec", "go", "--local", cwd=src)
    assert r.code == 1, r
    assert r.err.splitlines()[-1] == f"Error: workflow execution failed: step 'fan' failed: {error}"
    assert not (ws.src / "sub" / "RAN").exists()


def test_payload_schema_valid_and_default_version(tako, ws, env):
    src = ws.repo("src", PRODUCER.replace("__PAYLOAD__", '{version: "1.0", count: 3, ratio: 2, tags: [a], extra: x}'))
    ws.repo("sub", subscriber("sub", "o/src", "      - run: touch RAN\n", extra_sub='    schema_version: "~2.1.0"\n'))
    r = tako("exec", "go", "--local", cwd=src)
    assert r.code == 0, r
    ev = step_of(state_of(env, run_id_of(r.out))["root"], "fan")["fan_out"]["event"]
    assert ev["schema_version"] == "2.1.0"
    assert ev["payload"] == {"version": "1.0", "count": 3, "ratio": 2, "tags": ["a"], "extra": "x"}
    assert (ws.src / "sub" / "RAN").exists()


def test_fan_out_requires_owner_repo_identity(tako, ws):
    src = ws.repo("plain", 'version: "1"\nworkflows:\n  go:\n    steps:\n      - id: fan\n        uses: tako/fan-out@v1\n'
                           '        with: {event_type: ping}\n', git_init=False)
    r = tako("exec", "go", "--local", cwd=src)
    assert r.code == 1, r
    assert r.err.splitlines()[-1] == ("Error: workflow execution failed: step 'fan' failed: fan-out requires an "
                                      f"owner/repo identity for {src}; set metadata.name in tako.yml")


def recorded_then_resumed(tako, env, cwd, workflow, item):
    """Runs `workflow`, which fails with the single fan-out rejection `item` recorded in the
    state, then resumes it unchanged, which fails again. Returns (run id, resume result)."""
    r = tako("exec", workflow, "--local", cwd=cwd)
    assert r.code == 1, r
    rid = run_id_of(r.out)
    assert step_of(state_of(env, rid)["root"], "fan")["fan_out"]["evaluation_errors"] == [item]
    again = tako("exec", "--resume", rid, "--local", cwd=cwd)
    assert again.code == 1, again
    return rid, again


def test_resume_keeps_completed_children(tako, ws, env, tmp_path):
    fix = tmp_path / "FIXED"
    src = ws.repo("src", emitter("src", before="      - run: echo x >> COUNT\n", after="      - run: touch FINISHED\n"))
    for n in "abc":
        extra = f'test -e {fix}' if n == "b" else "true"
        ws.repo(n, subscriber(n, "o/src", f'      - id: work\n        run: echo x >> COUNT; {extra}\n'))
    r = tako("exec", "go", "--local", cwd=src)
    assert r.code == 1, r
    rid = run_id_of(r.out)
    before = {c["repository"]: c["run_id"] for c in state_of(env, rid)["root"]["children"]}
    fix.write_text("")
    r2 = tako("exec", "--resume", rid, "--local", cwd=src)
    assert r2.code == 0, r2
    counts = {n: len((ws.src / n / "COUNT").read_text().splitlines()) for n in ["src", "a", "b", "c"]}
    assert counts == {"src": 1, "a": 1, "b": 2, "c": 1}
    assert (src / "FINISHED").exists()
    doc = state_of(env, rid)
    assert {c["repository"]: c["run_id"] for c in doc["root"]["children"]} == before
    assert all(c["status"] == "completed" for c in doc["root"]["children"])
    lines = r2.out.splitlines()
    assert "Resuming from: " + rid in lines
    assert sum(1 for l in lines if re.fullmatch(r"    [├└]── ✓ o/[abc]:react " + DUR, l)) == 3, r2.out
    assert "triggered_count 3 error_count 0 source_repo o/src" in r2.err


# ---- resume retries what the recorded attempt could not trigger (§11.4) ----------------------------

def test_resume_retries_a_child_whose_inputs_did_not_map(tako, ws, env):
    """A selected pair that was not created (inputs not mappable) is part of the event's audience:
    the state records it and a resume retries it with the recorded event and today's config,
    instead of completing the fan-out without it. Completed children do not run again."""
    src = ws.repo("src", emitter("src", payload='{n: "abc"}'))
    decl = dict(inputs_decl="{n: {type: number, required: true}}")
    sub = ws.repo("sub", subscriber("sub", "o/src", "      - run: echo x >> COUNT\n", mapping='{n: "{{ .payload.n }}"}',
                                    **decl))
    ws.repo("ok", subscriber("ok", "o/src", "      - run: echo x >> COUNT\n"))
    item = "o/sub:react: failed to map inputs for o/sub: input 'n' value 'abc' is not a valid number"
    # Not fixed: the resume fails with the same item (never a silent success).
    rid, again = recorded_then_resumed(tako, env, src, "go", item)
    assert again.err.splitlines()[-1] == ("Error: workflow execution failed: step 'fan' failed: fan-out failed: "
                                          "1 of 2 child workflows failed: " + item)

    # Fixed: the subscriber runs once, the completed sibling is not run again.
    (sub / "tako.yml").write_text(subscriber("sub", "o/src", "      - run: echo x >> COUNT\n", mapping='{n: "7"}',
                                             **decl))
    fixed = tako("exec", "--resume", rid, "--local", cwd=src)
    assert fixed.code == 0, fixed
    assert len((ws.src / "sub" / "COUNT").read_text().splitlines()) == 1
    assert len((ws.src / "ok" / "COUNT").read_text().splitlines()) == 1
    doc = state_of(env, rid)
    fan = step_of(doc["root"], "fan")["fan_out"]
    assert fan["evaluation_errors"] == []
    assert len(fan["children"]) == 2
    assert find_run(doc, "o/sub")["inputs"] == {"n": 7}
    assert "triggered_count 2 error_count 0 source_repo o/src" in fixed.err


def test_resume_retries_a_repository_whose_filter_failed(tako, ws, env):
    src = ws.repo("src", emitter("src", payload="{n: 0}"))
    sub_yml = lambda filt: subscriber("bad", "o/src", "      - run: touch RAN\n", extra_sub=f"    filter: {filt}\n")
    bad = ws.repo("bad", sub_yml("'10 / payload.n > 1'"))
    ws.repo("good", subscriber("good", "o/src", "      - run: echo x >> COUNT\n"))
    r = tako("exec", "go", "--local", cwd=src)
    assert r.code == 1, r
    rid = run_id_of(r.out)
    (bad / "tako.yml").write_text(sub_yml("'payload.n == 0'"))
    fixed = tako("exec", "--resume", rid, "--local", cwd=src)
    assert fixed.code == 0, fixed
    assert (bad / "RAN").exists()
    assert len((ws.src / "good" / "COUNT").read_text().splitlines()) == 1
    assert step_of(state_of(env, rid)["root"], "fan")["fan_out"]["evaluation_errors"] == []


def test_resume_reports_a_cycle_again(tako, ws, env):
    """A pair rejected by the cycle check next to a created child: the resume retries it (it
    names a repository of the recorded attempt) and rejects it again."""
    selfish = emitter("a", workflow="w") + "subscriptions:\n  - artifact: o/a:*\n    events: [ping]\n    workflow: w\n"
    a = ws.repo("a", selfish)
    ws.repo("c", subscriber("c", "o/a", "      - run: echo x >> COUNT\n"))
    item = "circular fan-out detected: o/a:w -> o/a:w"
    _, again = recorded_then_resumed(tako, env, a, "w", item)
    assert again.err.splitlines()[-1].endswith("fan-out failed: 1 of 2 child workflows failed: " + item), again.err
    assert len((ws.src / "c" / "COUNT").read_text().splitlines()) == 1


def test_kill_9_during_a_child_then_resume_stops_the_leftover_child_step(ws, env, tmp_path):
    """A child's step left running by a killed tako is stopped before the resume re-runs it."""
    # The looping process leaves the step's process group (as a daemon would), so tako's keeper cannot end it when
    # tako is killed; the resume finds it by its environment.
    step = (f"      - run: |\n"
            f"          echo x >> {tmp_path}/count\n"
            f"          setsid sh -c 'echo $$ > {tmp_path}/child.pid; "
            f"while [ ! -f {tmp_path}/release ]; do sleep 0.02; done'\n")
    src = ws.repo("src", emitter("src"))
    ws.repo("app", subscriber("app", "o/src", step))
    p = spawn(env, "exec", "go", "--local", cwd=src, out=tmp_path / "1.out", err=tmp_path / "1.err")
    r = None
    try:
        first = read_pid(tmp_path / "child.pid")
        p.send_signal(signal.SIGKILL)
        p.wait(timeout=30)
        assert pid_alive(first)
        run_id = run_ids(env)[0]
        child_id = find_run(state_of(env, run_id), "o/app")["run_id"]
        (tmp_path / "child.pid").unlink()
        r = spawn(env, "exec", "--resume", run_id, cwd=src, out=tmp_path / "2.out", err=tmp_path / "2.err")
        second = read_pid(tmp_path / "child.pid")
        assert second != first and not pid_alive(first)
        (tmp_path / "release").write_text("")
        assert r.wait(timeout=60) == 0, (tmp_path / "2.err").read_text()
    finally:
        kill_if_running(p, r)
        (tmp_path / "release").write_text("")
    err = (tmp_path / "2.err").read_text()
    assert f"warning: stopping leftover processes of interrupted step 'step-1' of run {child_id}: pids " in err, err
    assert (tmp_path / "count").read_text() == "x\nx\n"
    assert state_of(env, run_id)["root"]["status"] == "completed"


def test_resume_of_a_child_whose_workflow_was_removed_fails_naming_it(tako, ws, env):
    """Configs are re-read on resume (§11.4): a recorded child whose workflow no longer exists cannot be
    resumed. The fan-out fails again naming it; the completed sibling is not run again; nothing else is lost."""
    src = ws.repo("src", emitter("src"))
    ws.repo("a", subscriber("a", "o/src", "      - run: echo x >> COUNT\n"))
    b = ws.repo("b", subscriber("b", "o/src", "      - id: work\n        run: exit 4\n"))
    r = tako("exec", "go", "--local", cwd=src)
    assert r.code == 1, r
    rid = run_id_of(r.out)
    b_run = find_run(state_of(env, rid), "o/b")["run_id"]
    (b / "tako.yml").write_text(subscriber("b", "o/src", "      - run: touch RAN\n", workflow="renamed"))
    again = tako("exec", "--resume", rid, "--local", cwd=src)
    assert again.code == 1, again
    last = again.err.splitlines()[-1]
    assert last == ("Error: workflow execution failed: step 'fan' failed: fan-out failed: 1 of 2 child "
                    "workflows failed: o/b:react: workflow 'react' not found"), last
    assert len((ws.src / "a" / "COUNT").read_text().splitlines()) == 1
    assert not (ws.src / "b" / "RAN").exists()
    doc = state_of(env, rid)
    assert find_run(doc, "o/b")["run_id"] == b_run       # the recorded child is kept, not replaced
    assert find_run(doc, "o/a")["status"] == "completed"

"""Secrets and masking (REFERENCE.md §7.7)."""
import re

from test_exec_util import all_files, home, load_state, run_id_of, steps_of, store_path, yml

SECRET = "s3cr3t-Value-42"


def test_missing_secret_is_error_before_start(tako, ws, env):
    app = ws.repo("app", yml("  w:\n    secrets: [TOKEN]\n    steps: [echo hi]\n"))
    r = tako("exec", "w", cwd=app)
    assert r.code == 1
    assert r.out == "Executing workflow 'w'\n"
    assert r.err == "Error: workflow execution failed: required secret 'TOKEN' is not set\n"
    assert not store_path(env).exists()
    # Dry run does not require secrets.
    r = tako("exec", "w", "--dry-run", cwd=app)
    assert r.code == 0, r


def test_secret_reaches_step_only_through_step_env(tako, ws, env):
    app = ws.repo("app", yml("""\
  w:
    secrets: [TOKEN]
    env: {WF: "[{{ .env.HOME }}]"}
    steps:
      - id: without
        if: '!has(env.TOKEN)'
        run: 'echo "proc=[${TOKEN-unset}] wf=$WF"'
        produces: {outputs: {v: from_stdout}}
      - id: with
        env: {T: TOKEN, NOT_SECRET: "TOKEN2"}
        run: 'test "$T" = "$EXPECT" && echo "ok ${TOKEN-unset} $NOT_SECRET"'
        produces: {outputs: {v: from_stdout}}
"""))
    r = tako("exec", "w", cwd=app, extra_env={"TOKEN": SECRET, "EXPECT": "s3cr3t-Value-42"})
    assert r.code == 0, r
    st = steps_of(load_state(env, run_id_of(r.out)))
    assert st["without"]["outputs"]["v"] == f"proc=[unset] wf=[{env['HOME']}]"
    assert st["with"]["outputs"]["v"] == "ok unset TOKEN2"


LEAKY = yml("""\
  w:
    secrets: [TOKEN]
    steps:
      - id: leak
        env: {T: TOKEN}
        run: |
          echo "out $T"
          echo "err $T" >&2
          echo "V=prefix-$T" >> "$TAKO_OUTPUT"
          echo "inline s3cr3t-Value-42"
        produces: {outputs: {so: from_stdout, ev: "from_env:V", tpl: "{{ .stdout }}"}}
      - id: cond
        if: '{"a": 1}[steps.leak.ev] == 1'
        run: echo never
        on_failure:
          - id: handler
            env: {T: TOKEN}
            run: 'echo "handler $T"; echo "fatal $T" >&2; exit 1'
""")


def test_secret_never_appears_anywhere(tako, ws, env):
    app = ws.repo("app", LEAKY)
    texts = []
    for extra in ([], ["--verbose", "--debug"], ["--json"]):
        r = tako("exec", "w", *extra, cwd=app, extra_env={"TOKEN": SECRET})
        assert r.code == 1, r
        texts += [r.out, r.err]
        if extra != ["--json"]:
            run_id = run_id_of(r.out)
    assert "Error: workflow execution failed: step 'cond' failed: if: CEL evaluation error: no such key: prefix-***" \
        in r.err, r.err
    assert "(on_failure step 'handler' also failed: exit status 1)" in r.err
    block = re.search(r"--- last 2 lines of step 'handler' \(o/app\) ---\n(.*?)---\n", r.err, re.S)
    assert block and sorted(block.group(1).splitlines()) == ["fatal ***", "handler ***"], r.err
    st = tako("status", run_id)
    sj = tako("status", run_id, "--json")
    lst = tako("status")
    texts += [st.out, st.err, sj.out, sj.err, lst.out, lst.err]
    # A resume of the failed run commits to the store again.
    rr = tako("exec", "--resume", run_id, extra_env={"TOKEN": SECRET})
    assert rr.code == 1
    texts += [rr.out, rr.err]
    files = list(all_files(home(env)))
    assert any(f.name == "tako.db" for f in files)
    assert any(f.name == "leak.log" for f in files)
    for f in files:
        # tmp/<step>/ is the step's own scratch space (its $TAKO_OUTPUT file holds what the step
        # wrote there); everything tako writes must be masked.
        if "/tmp/" in str(f.relative_to(home(env))):
            continue
        texts.append(f.read_bytes().decode("utf-8", "replace"))
    for i, t in enumerate(texts):
        assert SECRET not in t, (i, t)
    # The masked values are still there (masking, not dropping).
    doc = load_state(env, run_id)
    leak = steps_of(doc)["leak"]["outputs"]
    assert leak == {"so": "out ***\ninline ***", "ev": "prefix-***", "tpl": "out ***\ninline ***\n"}
    log = (home(env) / "workspaces" / run_id / "logs" / "leak.log").read_text()
    # Two pipes: the interleaving of stdout and stderr lines is not deterministic.
    assert sorted(log.splitlines()) == ["err ***", "inline ***", "out ***"]


def test_overlapping_secrets_longest_first(tako, ws, env):
    app = ws.repo("app", yml("""\
  w:
    secrets: [A, B]
    steps:
      - id: s
        env: {X: A}
        run: 'echo "[$X]"; exit 1'
"""))
    r = tako("exec", "w", cwd=app, extra_env={"A": "abcdef", "B": "abc"})
    assert r.code == 1
    assert "\n[***]\n" in r.err and "abc" not in r.err + r.out

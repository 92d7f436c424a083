"""The Slurm executor (docs/SCALE-OUT.md, REFERENCE.md §7.14) against a real single-node cluster
(slurm_util.py: started once per session). Every test checks that no tako job is left in squeue."""
import hashlib
import os
import signal

import pytest

from slurm_util import slurm_cluster  # noqa: F401  (the session fixture)
from test_exec_util import home, kill_if_running, load_state, run_id_of, spawn, steps_of, wait_for, yml

SECRET = "s3cr3t-Slurm-77"


@pytest.fixture
def senv(env, slurm_cluster):  # noqa: F811
    env.update(slurm_cluster.env())
    return env


@pytest.fixture(autouse=True)
def no_leftover_jobs(request):
    if "slurm_cluster" not in request.fixturenames and "senv" not in request.fixturenames:
        yield
        return
    cluster = request.getfixturevalue("slurm_cluster")
    yield
    left = cluster.jobs()
    cluster.cancel_all()
    assert left == [], f"jobs left in squeue: {left}"


def slurm_jobs(cluster, run_id: str) -> list:
    return [j for j in cluster.jobs() if j[1].startswith(f"tako-{run_id}-")]


def test_step_output_exit_code_and_outputs(tako, ws, senv, slurm_cluster):  # noqa: F811
    app = ws.repo("app", yml("""\
  w:
    env: {GREETING: hello}
    steps:
      - id: gen
        run: |
          echo "$GREETING from job $SLURM_JOB_ID in $(pwd)"
          echo "to stderr" >&2
          echo "V=42" >> "$TAKO_OUTPUT"
        produces: {outputs: {v: "from_env:V", so: from_stdout}}
      - id: use
        executor: local
        run: 'echo "got {{ .steps.gen.outputs.v }} slurm=${SLURM_JOB_ID-none}"'
        produces: {outputs: {v: from_stdout}}
"""))
    r = tako("exec", "w", "--executor", "slurm", "--preserve-tmp", cwd=app, timeout=120)
    assert r.code == 0, r
    run_id = run_id_of(r.out)
    st = steps_of(load_state(senv, run_id))
    assert st["gen"]["outputs"]["v"] == "42"
    assert st["gen"]["outputs"]["so"].startswith("hello from job "), st["gen"]
    assert st["gen"]["outputs"]["so"].endswith(f" in {app}"), st["gen"]
    assert "none" not in st["gen"]["outputs"]["so"]
    # `executor: local` on a step wins over the flag.
    assert st["use"]["outputs"]["v"] == "got 42 slurm=none"
    # The job's stdout and stderr reached the step log; its files are in the workspace.
    wsdir = home(senv) / "workspaces" / run_id
    text = (wsdir / "logs" / "gen.log").read_text()
    assert "hello from job" in text and "to stderr\n" in text, text
    assert (wsdir / "slurm" / "gen" / "status").read_text() == "0\n"
    assert not (wsdir / "slurm" / "use").exists()


def test_failing_step_exit_code(tako, ws, senv):
    app = ws.repo("app", yml("""\
  w:
    executor: slurm
    steps:
      - id: boom
        run: 'echo before; exit 3'
"""))
    r = tako("exec", "w", cwd=app, timeout=120)
    assert r.code == 1, r
    assert r.err.splitlines()[-1] == "Error: workflow execution failed: step 'boom' failed: exit status 3", r.err


def test_secret_not_in_job_record_or_arguments(tako, ws, senv, slurm_cluster, tmp_path):  # noqa: F811
    ctl = tmp_path / "ctl"
    ctl.mkdir()
    app = ws.repo("app", yml(f"""\
  w:
    executor: slurm
    secrets: [TOKEN]
    steps:
      - id: s
        env: {{T: TOKEN}}
        run: |
          printf %s "$T" | sha256sum > {ctl}/seen.tmp && mv {ctl}/seen.tmp {ctl}/seen
          while [ ! -f {ctl}/release ]; do sleep 0.1; done
          echo "value $T"
"""))
    p = spawn(senv, "exec", "w", cwd=app, extra_env={"TOKEN": SECRET})
    try:
        wait_for(lambda: (ctl / "seen").exists(), timeout=60, what="the job to start")
        assert (ctl / "seen").read_text().split()[0] == hashlib.sha256(SECRET.encode()).hexdigest()
        jobs = slurm_cluster.jobs()
        assert len(jobs) == 1, jobs
        job_id = jobs[0][0]
        shown = slurm_cluster.run("scontrol", "show", "job", "-dd", job_id).stdout
        assert "tako-exec-" in shown and SECRET not in shown, shown
        script = slurm_cluster.run("scontrol", "write", "batch_script", job_id, "-", check=False).stdout
        assert SECRET not in script
        ws_files = "".join(open(os.path.join(r, f), errors="replace").read()
                           for r, _d, fs in os.walk(senv["TAKO_HOME"]) for f in fs if "/slurm/" in r)
        assert "sbatch" in ws_files and SECRET not in ws_files
        (ctl / "release").touch()
        out, err = p.communicate(timeout=120)
    finally:
        kill_if_running(p)
    assert p.returncode == 0, err
    assert SECRET not in out + err


def test_job_in_squeue_while_running_then_completes(tako, ws, senv, slurm_cluster, tmp_path):  # noqa: F811
    ctl = tmp_path / "ctl"
    ctl.mkdir()
    app = ws.repo("app", yml(f"""\
  w:
    steps:
      - id: hold
        resources: {{cpu_limit: "2", mem_limit: 64Mi}}
        run: |
          touch {ctl}/started
          while [ ! -f {ctl}/release ]; do sleep 0.1; done
          echo "cpus=$SLURM_CPUS_PER_TASK"
        produces: {{outputs: {{v: from_stdout}}}}
"""))
    p = spawn(senv, "exec", "w", "--executor", "slurm", cwd=app)
    try:
        wait_for(lambda: (ctl / "started").exists(), timeout=60, what="the job to start")
        jobs = slurm_cluster.jobs()
        assert len(jobs) == 1 and jobs[0][2] == "RUNNING", jobs
        assert jobs[0][1].endswith("-hold") and jobs[0][1].startswith("tako-exec-"), jobs
        shown = slurm_cluster.run("scontrol", "-o", "show", "job", jobs[0][0]).stdout
        assert "MinMemoryNode=64M" in shown, shown
        (ctl / "release").touch()
        out, err = p.communicate(timeout=120)
    finally:
        kill_if_running(p)
    assert p.returncode == 0, err
    st = steps_of(load_state(senv, run_id_of(out)))
    assert st["hold"]["outputs"]["v"] == "cpus=2"
    assert jobs[0][1] == f"tako-{run_id_of(out)}-hold"


def test_timeout_cancels_the_job(tako, ws, senv, slurm_cluster):  # noqa: F811
    app = ws.repo("app", yml("""\
  w:
    steps:
      - id: slow
        timeout: 3s
        run: sleep 600
"""))
    r = tako("exec", "w", cwd=app, extra_env={"TAKO_EXECUTOR": "slurm"}, timeout=120)
    assert r.code == 1, r
    assert r.err.splitlines()[-1] == "Error: workflow execution failed: step 'slow' failed: timed out after 3s", r.err
    assert slurm_cluster.jobs() == []


def test_sigint_cancels_the_job(tako, ws, senv, slurm_cluster, tmp_path):  # noqa: F811
    ctl = tmp_path / "ctl"
    ctl.mkdir()
    app = ws.repo("app", yml(f"""\
  w:
    steps:
      - id: hold
        run: touch {ctl}/started; sleep 600
"""))
    p = spawn(senv, "exec", "w", "--executor", "slurm", cwd=app)
    try:
        wait_for(lambda: (ctl / "started").exists(), timeout=60, what="the job to start")
        assert len(slurm_cluster.jobs()) == 1
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=120)
    finally:
        kill_if_running(p)
    assert p.returncode != 0, err
    assert "interrupted" in err, err
    assert slurm_cluster.jobs() == []


def test_fan_out_children_run_as_jobs(tako, ws, senv, slurm_cluster):  # noqa: F811
    from test_fanout_util import emitter, subscriber
    src = ws.repo("src", emitter("src"))
    for name in ("a", "b"):
        ws.repo(name, subscriber(name, "o/src", '      - id: job\n        run: echo "child in job $SLURM_JOB_ID"\n'
                                                '        produces: {outputs: {v: from_stdout}}\n'))
    r = tako("exec", "go", "--local", "--executor", "slurm", cwd=src, timeout=180)
    assert r.code == 0, r
    doc = load_state(senv, run_id_of(r.out))
    from test_fanout_util import find_run, step_of
    for name in ("a", "b"):
        v = step_of(find_run(doc, f"o/{name}"), "job")["outputs"]["v"]
        assert v.startswith("child in job ") and v != "child in job ", v


def test_dead_cluster_fails_at_start(tako, ws, senv, slurm_cluster, tmp_path):  # noqa: F811
    conf = open(slurm_cluster.conf).read()
    # The same cluster description pointing at ports nothing listens on.
    dead = tmp_path / "slurm.conf"
    lines = []
    for line in conf.splitlines():
        if line.startswith("SlurmctldPort="):
            line = "SlurmctldPort=1"
        lines.append(line)
    dead.write_text("\n".join(lines) + "\nMessageTimeout=2\n")
    app = ws.repo("app", yml("  w:\n    steps: [echo hi]\n"))
    r = tako("exec", "w", "--executor", "slurm", cwd=app, extra_env={"SLURM_CONF": str(dead)}, timeout=120)
    assert r.code == 1, r
    assert r.err.startswith("Error: executor slurm: the cluster does not answer (sinfo: "), r.err
    assert r.err.rstrip().endswith("); check SLURM_CONF and that slurmctld is running"), r.err


def test_bad_executor_values(tako, ws, env):
    app = ws.repo("app", yml("  w:\n    steps: [echo hi]\n"))
    r = tako("exec", "w", "--executor", "k8s", cwd=app)
    assert r.code == 1
    assert 'invalid argument "k8s" for "--executor" flag: must be one of local, slurm' in r.err
    r = tako("exec", "w", cwd=app, extra_env={"TAKO_EXECUTOR": "pbs"})
    assert r.code == 1
    assert 'invalid value "pbs" for TAKO_EXECUTOR: must be one of local, slurm' in r.err
    # local is the default and needs no cluster
    r = tako("exec", "w", "--executor", "local", cwd=app)
    assert r.code == 0, r


def test_fan_out_fail_fast_cancels_a_running_job(tako, ws, senv, slurm_cluster, tmp_path):  # noqa: F811
    from test_fanout_util import emitter, subscriber
    ctl = tmp_path / "ctl"
    ctl.mkdir()
    src = ws.repo("src", emitter("src", extra_with="          fail_fast: true\n"))
    # a fails once b's job runs, so the cancellation has a job to stop.
    ws.repo("a", subscriber("a", "o/src", f'      - id: boom\n        executor: local\n'
                                          f'        run: "i=0; while [ ! -f {ctl}/started ]; do '
                                          f'[ $i -gt 1200 ] && break; sleep 0.05; i=$((i+1)); done; exit 1"\n'))
    ws.repo("b", subscriber("b", "o/src", f"      - id: hold\n        run: touch {ctl}/started; sleep 600\n"))
    r = tako("exec", "go", "--local", "--executor", "slurm", cwd=src, timeout=180)
    assert r.code == 1, r
    assert r.err.splitlines()[-1] == (
        "Error: workflow execution failed: step 'fan' failed: fan-out failed: 2 of 2 child workflows failed: "
        "o/a:react: step 'boom' failed: exit status 1; o/b:react: cancelled"), r.err
    assert (ctl / "started").exists()
    assert slurm_cluster.jobs() == []


def test_kill_9_then_resume_cancels_the_leftover_job(tako, ws, senv, slurm_cluster, tmp_path):  # noqa: F811
    ctl = tmp_path / "ctl"
    ctl.mkdir()
    app = ws.repo("app", yml(f"""\
  w:
    executor: slurm
    steps:
      - id: hold
        run: 'if [ -f {ctl}/second ]; then echo resumed; else touch {ctl}/started; sleep 600; fi'
        produces: {{outputs: {{v: from_stdout}}}}
"""))
    p = spawn(senv, "exec", "w", cwd=app)
    try:
        wait_for(lambda: (ctl / "started").exists(), timeout=60, what="the job to start")
        p.send_signal(signal.SIGKILL)
        p.wait(timeout=30)
    finally:
        kill_if_running(p)
    # tako could not cancel it: the job outlives its tako (the watcher is not the job).
    jobs = slurm_cluster.jobs()
    assert len(jobs) == 1 and jobs[0][2] == "RUNNING", jobs
    old_id, name = jobs[0][0], jobs[0][1]
    run_id = name[len("tako-"):-len("-hold")]
    (ctl / "second").write_text("")
    r = tako("exec", "--resume", run_id, cwd=app, timeout=120)
    assert r.code == 0, r
    assert steps_of(load_state(senv, run_id))["hold"]["outputs"]["v"] == "resumed"
    # The old job was ended before the step ran again, not left to run beside it. On this single node the
    # resume's sweep of leftover step processes (they carry TAKO_RUN_ID) may kill the job's script before
    # tako's scancel does: the job then reads FAILED by SIGTERM instead of CANCELLED.
    shown = slurm_cluster.run("scontrol", "-o", "show", "job", old_id).stdout
    assert "JobState=CANCELLED" in shown or ("JobState=FAILED" in shown and "ExitCode=0:15" in shown), shown
    assert slurm_cluster.jobs() == []

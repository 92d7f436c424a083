"""Container steps (REFERENCE.md §12, §7.6a, §7.11, §7.12) with real podman and an offline busybox image
(container_util.py). Every test checks that no `tako-…` container is left behind."""
import os
import re
import signal
import subprocess

import pytest

from container_util import IMAGE, MISSING_IMAGE, build_image, conf_path, containers, remove_containers
from test_exec_util import home, kill_if_running, load_state, run_id_of, spawn, steps_of, wait_for, yml

@pytest.fixture(scope="session", autouse=True)
def test_image():
    build_image()
    return IMAGE


@pytest.fixture(autouse=True)
def no_leftover_containers():
    """Nothing named tako-exec-… exists before or after a test (names are tako-<run id>-<step id>)."""
    remove_containers("tako-exec-")
    yield
    left = containers("tako-exec-")
    remove_containers("tako-exec-")
    assert left == [], f"containers left behind: {left}"


@pytest.fixture
def cenv(env):
    """The tako environment for container steps: podman's configuration, and podman chosen through the
    variable (a host whose docker works would otherwise be picked by auto)."""
    env["CONTAINERS_CONF"] = str(conf_path())
    env["TAKO_CONTAINER_RUNTIME"] = "podman"
    return env


def box(steps: str, wf_extra: str = "", extra: str = "") -> str:
    return yml(f"""\
  w:
{wf_extra}    steps:
{steps}""", extra=extra)


def stream_lines(out: str, step: str) -> list:
    prefix = f"[o/app/{step}] "
    return [line[len(prefix):] for line in out.splitlines() if line.startswith(prefix)]


def debug_command(err: str) -> list:
    return [line[len("[debug] container command: "):] for line in err.splitlines()
            if line.startswith("[debug] container command: ")]


def expected_command(app, env, run_id, step, command, env_names,
                     middle=("--cap-drop", "ALL", "--network", "none"), tail=()):
    ws = home(env) / "workspaces" / run_id
    names = sorted(set(env_names))
    parts = ["podman", "run", "--rm", "--name", f"tako-{run_id}-{step}", "--user", "1001:1001",
             "--read-only", "--tmpfs", "/tmp:rw,exec,mode=1777", "--security-opt", "no-new-privileges:true",
             *middle, "--workdir", "/workspace"]
    for n in names:
        parts += ["--env", n]
    parts += ["--volume", f"{app}:/workspace", "--volume", f"{ws}/tmp/{step}:/tako", *tail, IMAGE, "sh", "-c",
              "'" + command + "'"]
    return " ".join(parts)


BASE_ENV = ["HOME", "TAKO_CONTAINER", "TAKO_OUTPUT", "TAKO_REPO", "TAKO_REPO_PATH", "TAKO_RUNTIME", "TAKO_RUN_ID",
            "TAKO_STEP_ID", "TAKO_WORKSPACE"]


# ---- success, environment, outputs ---------------------------------------------------------------

def test_outputs_and_forwarded_environment(tako, ws, cenv):
    app = ws.repo("app", box("""\
      - id: s
        env:
          STEP_VAR: "step {{ .inputs.who }}"
        run: |
          env | sort >&2
          echo "greeting=hello from $(id -u)" >> "$TAKO_OUTPUT"
          printf 'multi<<EOF\\nline 1\\nline 2\\nEOF\\n' >> "$TAKO_OUTPUT"
          echo stdout-value
        produces:
          outputs:
            greeting: from_env:greeting
            multi: from_env:multi
            printed: from_stdout
      - id: after
        run: echo "got {{ .steps.s.greeting }}"
""", wf_extra="""\
    image: localhost/tako-test-busybox:1
    inputs:
      who: {type: string, default: me}
    env:
      WF_VAR: workflow-value
"""))
    r = tako("exec", "w", "-v", cwd=app, extra_env={"HOST_ONLY": "must-not-leak", **cenv})
    assert r.code == 0, r
    env = dict(line.split("=", 1) for line in stream_lines(r.err, "s") if "=" in line)
    run_id = run_id_of(r.out)
    assert env["TAKO_RUN_ID"] == run_id
    assert env["TAKO_STEP_ID"] == "s"
    assert env["TAKO_REPO"] == "o/app"
    assert env["TAKO_REPO_PATH"] == "/workspace"
    assert env["TAKO_WORKSPACE"] == "/tako"
    assert env["TAKO_OUTPUT"] == "/tako/output"
    assert env["TAKO_INPUT_WHO"] == "me"
    assert env["TAKO_CONTAINER"] == "true"
    assert env["TAKO_RUNTIME"] == "podman"
    assert env["HOME"] == "/tmp"
    assert env["WF_VAR"] == "workflow-value"
    assert env["STEP_VAR"] == "step me"
    assert env["PWD"] == "/workspace"
    # Nothing else of the host environment.
    for host_only in ("HOST_ONLY", "TAKO_HOME", "GIT_AUTHOR_NAME", "CONTAINERS_CONF", "TAKO_CONTAINER_RUNTIME",
                      "LANG", "TZ"):
        assert host_only not in env, (host_only, env)
    assert "must-not-leak" not in r.out
    outs = steps_of(load_state(cenv, run_id))["s"]["outputs"]
    assert outs == {"greeting": "hello from 1001", "multi": "line 1\nline 2", "printed": "stdout-value"}
    assert stream_lines(r.out, "after") == ["got hello from 1001"]  # a shell step after a container step


def test_step_image_overrides_workflow_image(tako, ws, cenv):
    app = ws.repo("app", box(f"""\
      - id: mine
        image: {MISSING_IMAGE}
        run: "true"
""", wf_extra=f"    image: {IMAGE}\n"))
    r = tako("exec", "w", cwd=app, extra_env=cenv)
    assert r.code == 1
    assert f"failed to pull image {MISSING_IMAGE}: " in r.err, r.err


def test_secrets_are_forwarded_by_name_and_masked(tako, ws, cenv):
    app = ws.repo("app", box(f"""\
      - id: s
        image: {IMAGE}
        env:
          T: TOKEN
        run: |
          echo "token=$T"
          echo "host=${{TOKEN:-unset}}"
          echo "v=$T" >> "$TAKO_OUTPUT"
        produces:
          outputs:
            v: from_env:v
""", wf_extra="    secrets: [TOKEN]\n"))
    r = tako("exec", "w", "-v", "--debug", "--preserve-tmp", cwd=app,
             extra_env={"TOKEN": "s3cr3t-value-42", **cenv})
    assert r.code == 0, r
    assert "s3cr3t-value-42" not in r.out + r.err
    assert stream_lines(r.out, "s") == ["token=***", "host=unset"]
    run_id = run_id_of(r.out)
    (cmd,) = debug_command(r.err)
    assert " --env T " in cmd
    assert steps_of(load_state(cenv, run_id))["s"]["outputs"] == {"v": "***"}
    log = home(cenv) / "workspaces" / run_id / "logs" / "s.log"
    assert log.read_text() == "token=***\nhost=unset\n"
    assert "s3cr3t-value-42" not in (home(cenv) / "workspaces" / run_id / "tmp" / "s" / "output").read_text()


# ---- failures -----------------------------------------------------------------------------------

def test_non_zero_exit_is_container_exited_with_code(tako, ws, cenv, tmp_path):
    app = ws.repo("app", box(f"""\
      - id: s
        image: {IMAGE}
        run: echo before; echo oops >&2; exit 3
        on_failure:
          - run: touch {tmp_path}/handler-ran
"""))
    r = tako("exec", "w", cwd=app, extra_env=cenv)
    assert r.code == 1, r
    assert r.err.endswith("Error: workflow execution failed: step 's' failed: container exited with code 3\n"), r.err
    assert (tmp_path / "handler-ran").exists()
    run_id = re.search(r"exec-\d{8}-\d{6}-[0-9a-f]{8}", r.out).group(0)
    st = steps_of(load_state(cenv, run_id))["s"]
    assert st["exit_code"] == 3
    assert st["error"] == "container exited with code 3"


def test_missing_image_fails_to_pull(tako, ws, cenv):
    app = ws.repo("app", box(f"""\
      - id: s
        image: {MISSING_IMAGE}
        run: "true"
"""))
    r = tako("exec", "w", cwd=app, extra_env=cenv)
    assert r.code == 1, r
    # <output>: what the runtime printed (podman: the attempt and its error, on two lines).
    m = re.search(r"Error: workflow execution failed: step 's' failed: failed to pull image "
                  + re.escape(MISSING_IMAGE) + r": (.+)\n$", r.err, re.S)
    assert m and "localhost/tako-test-missing:1" in m.group(1), r.err


def test_runtime_cannot_start_the_container(tako, ws, cenv):
    # The command does not exist in the image: the runtime itself fails (exit 125 from podman/runc).
    app = ws.repo("app", box(f"""\
      - id: s
        image: {IMAGE}
        run: "true"
        volumes:
          - {{source: /nonexistent-tako-volume, destination: /data}}
"""))
    r = tako("exec", "w", cwd=app, extra_env=cenv)
    assert r.code == 1, r
    run_id = re.search(r"exec-\d{8}-\d{6}-[0-9a-f]{8}", r.out).group(0)
    assert re.search(r"step 's' failed: failed to run container tako-" + re.escape(run_id) + r"-s with image "
                     + re.escape(IMAGE) + r": \S.*\n$", r.err), r.err


def test_invalid_runtime_flag_and_variable(tako, ws, cenv):
    app = ws.repo("app", box(f"""\
      - id: s
        image: {IMAGE}
        run: "true"
"""))
    r = tako("exec", "w", "--container-runtime", "lxc", cwd=app, extra_env=cenv)
    assert r.code == 1
    assert r.err.startswith('Error: invalid argument "lxc" for "--container-runtime" flag: must be one of auto, '
                            'docker, podman\n'), r.err
    r = tako("exec", "w", cwd=app, extra_env={**cenv, "TAKO_CONTAINER_RUNTIME": "rkt"})
    assert r.code == 1
    assert r.err.startswith('Error: invalid value "rkt" for TAKO_CONTAINER_RUNTIME: must be one of auto, docker, '
                            'podman\n'), r.err
    # The flag wins over the variable.
    r = tako("exec", "w", "--container-runtime", "podman", cwd=app, extra_env={**cenv, "TAKO_CONTAINER_RUNTIME": "rkt"})
    assert r.code == 0, r


def fake_runtime_bin(tmp_path, podman_real: bool):
    """A PATH directory where `docker` is a client without a daemon (as on many CI hosts) and podman is the real
    one or absent; everything else tako needs (sh, git) stays reachable."""
    d = tmp_path / "rtbin"
    d.mkdir()
    (d / "docker").write_text("#!/bin/sh\necho 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. "
                              "Is the docker daemon running?' >&2\nexit 1\n")
    (d / "docker").chmod(0o755)
    for tool in ("sh", "git", "env", "id", "touch", "cat"):
        p = subprocess.run(["sh", "-c", f"command -v {tool}"], capture_output=True, text=True).stdout.strip()
        if p:
            (d / tool).symlink_to(p)
    if podman_real:
        (d / "podman").symlink_to(subprocess.run(["sh", "-c", "command -v podman"], capture_output=True,
                                                 text=True).stdout.strip())
    return str(d)


def test_explicit_docker_without_daemon(tako, ws, cenv, tmp_path):
    app = ws.repo("app", box(f"""\
      - id: s
        image: {IMAGE}
        run: "true"
"""))
    path = fake_runtime_bin(tmp_path, podman_real=True)
    r = tako("exec", "w", "--container-runtime", "docker", cwd=app, extra_env={**cenv, "PATH": path})
    assert r.code == 1
    assert r.err.endswith("step 's' failed: container runtime 'docker' is not available: Cannot connect to the "
                          "Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n"), r.err


def test_auto_detection_falls_through_to_podman_or_finds_none(tako, ws, cenv, tmp_path):
    app = ws.repo("app", box(f"""\
      - id: s
        image: {IMAGE}
        run: echo "runtime=$TAKO_RUNTIME"
"""))
    e = {**cenv, "TAKO_CONTAINER_RUNTIME": "auto", "PATH": fake_runtime_bin(tmp_path, podman_real=True)}
    r = tako("exec", "w", "-v", cwd=app, extra_env=e)
    assert r.code == 0, r
    assert stream_lines(r.out, "s") == ["runtime=podman"]
    (tmp_path / "rtbin" / "podman").unlink()
    r = tako("exec", "w", cwd=app, extra_env=e)
    assert r.code == 1
    assert r.err.endswith("step 's' failed: container execution requested but no container runtime is available "
                          "(install docker or podman)\n"), r.err


# ---- stopping: timeout, SIGINT, kill -9 and resume ------------------------------------------------

def test_timeout_removes_the_container(tako, ws, cenv):
    app = ws.repo("app", box(f"""\
      - id: s
        image: {IMAGE}
        timeout: 1s
        run: sleep 300
"""))
    r = tako("exec", "w", cwd=app, extra_env=cenv, timeout=60)
    assert r.code == 1, r
    assert r.err.endswith("step 's' failed: timed out after 1s\n"), r.err
    assert containers("tako-exec-") == []


def control_dir(tmp_path):
    d = tmp_path / "ctl"
    d.mkdir()
    d.chmod(0o777)  # the container's user is uid 1001
    return d


def looping(ctl, step="s"):
    return box(f"""\
      - id: {step}
        image: {IMAGE}
        volumes:
          - {{source: {ctl}, destination: /ctl}}
        run: |
          if [ -f /ctl/release ]; then echo released; exit 0; fi
          touch /ctl/started
          while :; do sleep 0.1; done
""")


def run_id_of_container(step="s"):
    """The run id in the name of the one tako container: tako-<run id>-<step id>."""
    (name,) = containers("tako-exec-")
    assert name.endswith("-" + step), name
    return name[len("tako-"):-len("-" + step)]


def test_sigint_removes_the_container(ws, cenv, tmp_path):
    ctl = control_dir(tmp_path)
    app = ws.repo("app", looping(ctl))
    p = spawn(cenv, "exec", "w", cwd=app)
    try:
        wait_for(lambda: (ctl / "started").exists(), timeout=60, what="container start")
        run_id = run_id_of_container()
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=60)
    finally:
        kill_if_running(p)
    assert p.returncode == 130, (out, err)
    assert containers("tako-exec-") == []
    st = steps_of(load_state(cenv, run_id))["s"]
    assert st["status"] == "failed" and st["error"] == "interrupted"


def test_kill_9_then_resume_removes_the_leftover_container(tako, ws, cenv, tmp_path):
    ctl = control_dir(tmp_path)
    app = ws.repo("app", looping(ctl))
    p = spawn(cenv, "exec", "w", cwd=app)
    try:
        wait_for(lambda: (ctl / "started").exists(), timeout=60, what="container start")
        run_id = run_id_of_container()
        p.send_signal(signal.SIGKILL)
        p.wait(timeout=30)
    finally:
        kill_if_running(p)
    # tako could not stop it: the container outlives its tako (the runtime's client is not the container).
    assert containers(f"tako-{run_id}-s") == [f"tako-{run_id}-s"]
    (ctl / "release").write_text("")
    r = tako("exec", "--resume", run_id, "-v", cwd=app, extra_env=cenv, timeout=120)
    assert r.code == 0, r
    assert stream_lines(r.out, "s") == ["released"]
    assert containers("tako-exec-") == []
    assert load_state(cenv, run_id)["root"]["status"] == "completed"


# ---- debug, profiles, limits, mounts, dry run ------------------------------------------------------

def test_debug_prints_the_exact_command_without_values(tako, ws, cenv):
    app = ws.repo("app", box(f"""\
      - id: s
        image: {IMAGE}
        env:
          FOO: distinctive-env-value
        run: echo 'hi there'
"""))
    r = tako("exec", "w", "--debug", cwd=app, extra_env=cenv)
    assert r.code == 0, r
    run_id = run_id_of(r.out)
    (cmd,) = debug_command(r.err)
    expected = expected_command(app, cenv, run_id, "s", "echo '\\''hi there'\\''", BASE_ENV + ["FOO"])
    assert cmd == expected
    assert "distinctive-env-value" not in cmd


CAP_CHOWN, CAP_SETGID, CAP_SETUID, CAP_NET_BIND_SERVICE, CAP_NET_RAW, CAP_SYS_ADMIN = 0, 6, 7, 10, 13, 21


@pytest.mark.parametrize("profile,middle", [
    ("strict", ("--cap-drop", "ALL", "--cap-add", "NET_BIND_SERVICE", "--network", "none")),
    ("moderate", ("--cap-drop", "ALL", "--cap-add", "CHOWN", "--cap-add", "SETUID", "--cap-add", "SETGID",
                  "--cap-add", "NET_BIND_SERVICE", "--network", "none")),
    ("minimal", ("--cap-drop", "NET_RAW", "--cap-drop", "SYS_ADMIN", "--cap-add", "NET_BIND_SERVICE",
                 "--network", "bridge")),
])
def test_security_profiles(tako, ws, cenv, profile, middle):
    app = ws.repo("app", box(f"""\
      - id: s
        image: {IMAGE}
        security_profile: {profile}
        capabilities: [cap_net_bind_service]
        run: grep CapBnd /proc/self/status; cat /proc/net/dev | wc -l
"""))
    r = tako("exec", "w", "--debug", "-v", cwd=app, extra_env=cenv)
    assert r.code == 0, r
    run_id = run_id_of(r.out)
    (cmd,) = debug_command(r.err)
    assert cmd == expected_command(app, cenv, run_id, "s", "grep CapBnd /proc/self/status; cat /proc/net/dev | wc -l",
                                   BASE_ENV, middle=middle)
    lines = stream_lines(r.out, "s")
    bounding = int(lines[0].split()[1], 16)
    caps = {c for c in range(64) if bounding >> c & 1}
    if profile == "strict":
        assert caps == {CAP_NET_BIND_SERVICE}
    elif profile == "moderate":
        assert caps == {CAP_CHOWN, CAP_SETGID, CAP_SETUID, CAP_NET_BIND_SERVICE}
    else:
        assert CAP_NET_RAW not in caps and CAP_SYS_ADMIN not in caps
        assert {CAP_CHOWN, CAP_NET_BIND_SERVICE} <= caps
    # The network namespace: only loopback with `none` (2 header lines + lo), an interface more with bridge.
    devs = int(lines[1])
    assert devs == (4 if profile == "minimal" else 3), lines


def test_resource_limits(tako, ws, cenv):
    app = ws.repo("app", box(f"""\
      - id: s
        image: {IMAGE}
        resources: {{mem_limit: 64Mi}}
        run: cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes
""", wf_extra="    resources: {cpu_limit: 500m, mem_limit: 1GB, disk_limit: 2Gi}\n"))
    r = tako("exec", "w", "--debug", "-v", cwd=app, extra_env=cenv)
    assert r.code == 0, r
    run_id = run_id_of(r.out)
    (cmd,) = debug_command(r.err)
    assert " --cpus 0.5 --memory 67108864 " + IMAGE + " " in cmd
    assert cmd == expected_command(app, cenv, run_id, "s", "cat /sys/fs/cgroup/memory.max 2>/dev/null || cat "
                                   "/sys/fs/cgroup/memory/memory.limit_in_bytes", BASE_ENV,
                                   tail=("--cpus", "0.5", "--memory", "67108864"))
    assert stream_lines(r.out, "s") == ["67108864"]


def test_volumes_and_checkout_permissions(tako, ws, cenv, tmp_path):
    ctl = control_dir(tmp_path)
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o777)
    (ro / "data.txt").write_text("read me\n")
    app = ws.repo("app", box(f"""\
      - id: s
        image: {IMAGE}
        volumes:
          - {{source: {ctl}, destination: /ctl}}
          - {{source: {ro}, destination: /ro, read_only: true}}
        run: |
          cat /ro/data.txt
          touch /ro/new 2>/dev/null && echo ro-writable || echo ro-refused
          echo written > /ctl/out.txt
          cat /workspace/tako.yml > /dev/null && echo checkout-readable
          touch /workspace/new-file 2>/dev/null && echo checkout-writable || echo checkout-refused
          touch /etc/x 2>/dev/null && echo root-writable || echo root-refused
          touch /tmp/x && echo tmp-writable
"""))
    os.chmod(app, 0o755)  # the checkout belongs to the invoking user (root here), not to uid 1001
    r = tako("exec", "w", "-v", cwd=app, extra_env=cenv)
    assert r.code == 0, r
    assert stream_lines(r.out, "s") == ["read me", "ro-refused", "checkout-readable", "checkout-refused",
                                        "root-refused", "tmp-writable"]
    assert (ctl / "out.txt").read_text() == "written\n"
    assert not (ro / "new").exists()


def test_checkout_writable_when_permissions_allow(tako, ws, cenv):
    app = ws.repo("app", box(f"""\
      - id: s
        image: {IMAGE}
        run: echo made > built.txt
        produces:
          outputs:
            made: from_file:built.txt
"""))
    os.chmod(app, 0o777)
    r = tako("exec", "w", cwd=app, extra_env=cenv)
    assert r.code == 0, r
    assert (app / "built.txt").read_text() == "made\n"
    assert os.stat(app / "built.txt").st_uid == (1001 if os.geteuid() == 0 else os.geteuid())


def test_dry_run_shows_the_image(tako, ws, cenv):
    app = ws.repo("app", box(f"""\
      - id: a
        run: echo shell
      - id: b
        image: {MISSING_IMAGE}
        run: echo in box
      - id: c
        uses: tako/checkout@v1
        with: {{ref: main}}
      - id: d
        run: echo workflow image
""", wf_extra=f"    image: {IMAGE}\n"))
    r = tako("exec", "w", "--dry-run", cwd=app, extra_env=cenv)
    assert r.code == 0, r
    assert r.out.startswith("Executing workflow 'w'\n"), r.out
    assert r.out[len("Executing workflow 'w'\n"):].startswith(f"[dry-run] a: echo shell\n[dry-run]   image: {IMAGE}\n"
                            f"[dry-run] b: echo in box\n[dry-run]   image: {MISSING_IMAGE}\n"
                            f"[dry-run] c: uses tako/checkout@v1\n"
                            f"[dry-run] d: echo workflow image\n[dry-run]   image: {IMAGE}\n"), r.out


def test_step_cache_key_includes_the_image(tako, ws, cenv):
    app = ws.repo("app", box(f"""\
      - id: s
        image: {IMAGE}
        cache_key_files: tako.yml
        run: echo "v=computed" >> "$TAKO_OUTPUT"
        produces:
          outputs:
            v: from_env:v
"""))
    r = tako("exec", "w", cwd=app, extra_env=cenv)
    assert r.code == 0, r
    assert re.search(r"✓ s \(\d", r.out), r.out
    r = tako("exec", "w", cwd=app, extra_env=cenv)
    assert r.code == 0, r
    assert "✓ s (cached)" in r.out, r.out


def test_long_running_container_step_and_poll(tako, ws, cenv):
    app = ws.repo("app", box(f"""\
      - id: bg
        image: {IMAGE}
        long_running: true
        run: sleep 1; echo "v=done in box" >> "$TAKO_OUTPUT"
        produces:
          outputs:
            v: from_env:v
      - id: wait
        uses: tako/poll@v1
        with: {{target: step, step_id: bg, interval: 100ms, timeout: 60s}}
      - id: after
        run: echo "{{{{ .steps.bg.v }}}} exit {{{{ .steps.wait.exit_code }}}}"
"""))
    r = tako("exec", "w", "-v", cwd=app, extra_env=cenv)
    assert r.code == 0, r
    assert stream_lines(r.out, "after") == ["done in box exit 0"]


def test_on_failure_container_step_and_skipped_container_step(tako, ws, cenv, tmp_path):
    ctl = control_dir(tmp_path)
    app = ws.repo("app", box(f"""\
      - id: skipped
        image: {MISSING_IMAGE}
        if: "false"
        run: "true"
      - id: broken
        run: exit 4
        on_failure:
          - id: report
            image: {IMAGE}
            volumes:
              - {{source: {ctl}, destination: /ctl}}
            run: echo "failed=$TAKO_FAILED_STEP step=$TAKO_STEP_ID" > /ctl/report.txt
"""))
    r = tako("exec", "w", cwd=app, extra_env=cenv)
    assert r.code == 1, r
    assert r.err.endswith("step 'broken' failed: exit status 4\n"), r.err
    # A skipped container step never needs its image (the missing one would fail to pull).
    assert "pull" not in r.err
    assert (ctl / "report.txt").read_text() == "failed=broken step=report\n"


def test_fan_out_fail_fast_cancels_a_running_container(tako, ws, cenv, tmp_path):
    from test_fanout_util import emitter, subscriber
    ctl = control_dir(tmp_path)
    src = ws.repo("src", emitter("src", extra_with="          fail_fast: true\n"))
    # a fails once b's container runs, so the cancellation has a container to stop.
    ws.repo("a", subscriber("a", "o/src", f'      - id: boom\n        run: "i=0; while [ ! -f {ctl}/started ]; do '
                                          f'[ $i -gt 1200 ] && break; sleep 0.05; i=$((i+1)); done; exit 1"\n'))
    ws.repo("b", subscriber("b", "o/src", f"""\
      - id: box
        image: {IMAGE}
        volumes:
          - {{source: {ctl}, destination: /ctl}}
        run: touch /ctl/started; while :; do sleep 0.1; done
"""))
    r = tako("exec", "go", "--local", cwd=src, extra_env=cenv, timeout=120)
    assert r.code == 1, r
    assert r.err.splitlines()[-1] == (
        "Error: workflow execution failed: step 'fan' failed: fan-out failed: 2 of 2 child workflows failed: "
        "o/a:react: step 'boom' failed: exit status 1; o/b:react: cancelled"), r.err
    assert (ctl / "started").exists()
    assert containers("tako-exec-") == []

"""issue 15: tako.yml and --data files that are not plain YAML text of a sane size are clean, positioned
errors (exit 1), never a crash, a hang or a silently truncated command."""
import os
import socket

import pytest

UNTERMINATED = ('version: "1"\nworkflows:\n  w:\n    steps:\n      - run: "echo start\n'
                '      - run: echo second\n')


def test_unterminated_quote_is_a_positioned_error(ws, tako):
    repo = ws.repo("quote", UNTERMINATED)
    r = tako("validate", cwd=repo)
    assert (r.code, r.out) == (1, "")
    assert r.err == (f"Error: could not unmarshal config: {repo}/tako.yml:5:14: wrongly indented double-quoted "
                     "scalar\n")
    r = tako("exec", "w", cwd=repo)
    assert r.code == 1
    assert f"{repo}/tako.yml:5:14: " in r.err
    assert "start" not in r.out


def test_symlink_to_dev_zero_is_refused(tmp_path, tako):
    (tmp_path / "tako.yml").symlink_to("/dev/zero")
    r = tako("validate", cwd=tmp_path, timeout=20)
    assert (r.code, r.out) == (1, "")
    assert r.err == (f"Error: could not read config file: read {tmp_path}/tako.yml: is a character device, "
                     "not a regular file\n")


def test_fifo_is_refused_without_hanging(tmp_path, tako):
    os.mkfifo(tmp_path / "tako.yml")
    # Nobody writes to the FIFO: before the fix both commands blocked forever (the timeout fails the test).
    for args in (("validate",), ("exec", "w")):
        r = tako(*args, cwd=tmp_path, timeout=20)
        assert r.code == 1, args
        assert f"read {tmp_path}/tako.yml: is a FIFO, not a regular file" in r.err, args


def test_directory_and_socket_are_refused(tmp_path, tako):
    (tmp_path / "d" / "tako.yml").mkdir(parents=True)
    r = tako("validate", cwd=tmp_path / "d")
    assert (r.code, r.err) == (1, f"Error: could not read config file: read {tmp_path}/d/tako.yml: is a directory\n")
    (tmp_path / "s").mkdir()
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.bind(str(tmp_path / "s" / "tako.yml"))
        r = tako("validate", cwd=tmp_path / "s")
    finally:
        sock.close()
    assert (r.code, r.err) == (1, f"Error: could not read config file: read {tmp_path}/s/tako.yml: is a socket, "
                                  "not a regular file\n")


def test_file_over_one_mib_is_refused(ws, tako):
    head = 'version: "1"\nworkflows:\n  w:\n    steps: [echo hi]\n# '
    text = head + "x" * (1024 * 1024 - len(head) - 1) + "\n"
    assert len(text) == 1024 * 1024
    repo = ws.repo("big", text)
    assert tako("validate", cwd=repo).code == 0  # exactly 1 MiB is fine
    (repo / "tako.yml").write_text(text + "#\n")
    r = tako("validate", cwd=repo)
    assert (r.code, r.out) == (1, "")
    assert r.err == f"Error: could not read config file: read {repo}/tako.yml: file is larger than the 1 MiB limit\n"


def test_nul_byte_is_a_positioned_error(ws, tako, tmp_path):
    repo = ws.repo("nul", None, git_init=False)
    (repo / "tako.yml").write_bytes(b'version: "1"\nworkflows:\n  w:\n    steps:\n      - run: "echo a\0rm -rf x"\n')
    r = tako("validate", cwd=repo)
    assert (r.code, r.out) == (1, "")
    assert r.err == f"Error: could not unmarshal config: {repo}/tako.yml:5:21: NUL byte in YAML text is not allowed\n"
    # The YAML escape \0 decodes to the same character: refused too, at the scalar.
    (repo / "tako.yml").write_text('version: "1"\nworkflows:\n  w:\n    steps:\n      - run: "echo a\\0rm -rf x"\n')
    r = tako("validate", cwd=repo)
    assert (r.code, r.out) == (1, "")
    assert r.err == (f"Error: could not unmarshal config: {repo}/tako.yml:5:14: NUL character (\\0) in a scalar is "
                     "not allowed\n")


def test_data_files_get_the_same_checks(tmp_path, tako):
    os.mkfifo(tmp_path / "fifo.yml")
    (tmp_path / "zero.yml").symlink_to("/dev/zero")
    (tmp_path / "dir.yml").mkdir()
    (tmp_path / "big.yml").write_text("a: " + "x" * (1024 * 1024) + "\n")
    (tmp_path / "nul.yml").write_bytes(b"a: 1\nb: x\0y\n")
    cases = {
        "fifo.yml": "could not read data file: read {p}: is a FIFO, not a regular file",
        "zero.yml": "could not read data file: read {p}: is a character device, not a regular file",
        "dir.yml": "could not read data file: read {p}: is a directory",
        "big.yml": "could not read data file: read {p}: file is larger than the 1 MiB limit",
        "nul.yml": "could not parse data file {p}:2:5: NUL byte in YAML text is not allowed",
    }
    for name, message in cases.items():
        p = tmp_path / name
        for args in (("eval", "true", "--data", p), ("render", "x", "--data", p)):
            r = tako(*args, timeout=20)
            assert (r.code, r.out, r.err) == (1, "", "Error: " + message.format(p=p) + "\n"), (name, args)


def test_data_from_stdin_still_works(tako):
    r = tako("eval", "a + 1", "--data", "-", input="a: 41\n")
    assert (r.code, r.out.strip()) == (0, "42")
    r = tako("render", "{{ .a }}", "--data", "-", input='{"a": "json"}')
    assert (r.code, r.out.strip()) == (0, "json")
    r = tako("eval", "true", "--data", "-", input="a: " + "x" * (1024 * 1024) + "\n")
    assert (r.code, r.err) == (1, "Error: could not read data file: read <stdin>: input is larger than the 1 MiB "
                                  "limit\n")

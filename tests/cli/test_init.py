"""`tako init` (REFERENCE.md §1.12): a commented starter tako.yml that validates and runs."""
import os

from conftest import git


def test_identity_from_file_origin_and_valid(tako, ws):
    path = ws.repo("widget", None)  # origin file://<remotes>/o/widget.git
    r = tako("init", cwd=path)
    assert r.code == 0, r
    target = path / "tako.yml"
    assert r.out == f"Created {target} (metadata.name: o/widget)\n"
    assert r.err == ""
    text = target.read_text()
    assert "\n  name: o/widget\n" in text
    assert text.startswith("# tako.yml")
    v = tako("validate", cwd=path)
    assert (v.code, v.out, v.err) == (0, "Validation successful!\n", "")
    # The starter workflow runs as written.
    e = tako("exec", "build", "--inputs.verbose=true", cwd=path)
    assert e.code == 0, e
    assert "Success: true" in e.out


def test_https_and_scp_origins(tako, ws):
    path = ws.repo("w2", None)
    for url, identity in [("https://github.com/acme/widget.git", "acme/widget"),
                          ("git@github.com:acme/gadget.git", "acme/gadget")]:
        git("remote", "set-url", "origin", url, cwd=path)
        r = tako("init", "--force", cwd=path)
        assert r.code == 0, r
        assert f"\n  name: {identity}\n" in (path / "tako.yml").read_text()


def test_subdirectory_writes_at_top_and_root_flag(tako, ws):
    path = ws.repo("deep", None)
    sub = path / "a" / "b"
    sub.mkdir(parents=True)
    r = tako("init", cwd=sub)
    assert r.code == 0, r
    assert (path / "tako.yml").is_file()
    assert not (sub / "tako.yml").exists()
    other = ws.repo("other", None)
    r = tako("init", "--root", other, cwd=ws.base)
    assert r.code == 0, r
    assert (other / "tako.yml").is_file()


def test_refuses_to_overwrite_without_force(tako, ws):
    path = ws.repo("keep", "version: '1'\n")
    before = (path / "tako.yml").read_text()
    r = tako("init", cwd=path)
    assert r.code == 1
    assert r.out == ""
    assert r.err == f"Error: tako.yml already exists: {path / 'tako.yml'} (use --force to overwrite it)\n"
    assert (path / "tako.yml").read_text() == before
    r = tako("init", "--force", cwd=path)
    assert r.code == 0, r
    assert (path / "tako.yml").read_text() != before
    assert tako("validate", cwd=path).code == 0
    # No temporary file is left behind.
    assert sorted(p.name for p in path.iterdir() if p.name.startswith("tako.yml")) == ["tako.yml"]


def test_dangling_symlink_counts_as_existing(tako, ws):
    path = ws.repo("link", None)
    os.symlink("nowhere.yml", path / "tako.yml")
    r = tako("init", cwd=path)
    assert r.code == 1
    assert "already exists" in r.err


def test_no_origin_gets_placeholder_and_note(tako, ws):
    path = ws.repo("solo repo", None, remote=False)
    r = tako("init", cwd=path)
    assert r.code == 0, r
    assert r.err == ("warning: no 'origin' remote with an owner/repo URL: metadata.name is the placeholder "
                     f"'your-org/solo-repo'; edit it in {path / 'tako.yml'}\n")
    text = (path / "tako.yml").read_text()
    assert "name: your-org/solo-repo   # placeholder: no 'origin' remote was found; set owner/repo\n" in text
    v = tako("validate", cwd=path)
    assert (v.code, v.err) == (0, "")


def test_not_a_git_repository(tako, tmp_path):
    d = tmp_path / "plain"
    d.mkdir()
    r = tako("init", cwd=d)
    assert r.code == 1
    assert r.err == (f"Error: not a git repository: {d} "
                     "(tako init writes tako.yml at the top of a git working copy)\n")
    assert not (d / "tako.yml").exists()


def test_missing_root_directory(tako, tmp_path):
    r = tako("init", "--root", tmp_path / "nope")
    assert r.code == 1
    assert r.err == f"Error: not a directory: {tmp_path / 'nope'}\n"


def test_usage(tako, ws):
    r = tako("init", "extra")
    assert r.code == 1
    assert r.err == "Error: accepts 0 arg(s), received 1\nRun 'tako init --help' for usage.\n"
    h = tako("init", "--help")
    assert h.code == 0 and "--force" in h.out
    assert "init" in tako("--help").out


def test_write_failure_is_reported_and_cleaned_up(tako, ws):
    path = ws.repo("blocked", None)
    # The temporary name is taken by a directory: the file cannot be written, and the directory
    # (not ours) is left alone.
    (path / "tako.yml.tako-init.tmp").mkdir()
    r = tako("init", cwd=path)
    assert r.code == 1
    assert r.err == f"Error: could not write {path / 'tako.yml'}: Is a directory\n"
    assert not (path / "tako.yml").exists()
    assert (path / "tako.yml.tako-init.tmp").is_dir()

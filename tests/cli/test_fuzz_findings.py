"""Inputs found by the fuzz targets (docs/FUZZING.md), each answered with a clean, positioned error."""
import subprocess

from conftest import TAKO_BIN


def test_malformed_flow_collection_found_by_the_config_fuzzer_is_rejected_promptly(ws, env):
    # yaml-cpp 0.7 never returned on this text (its memory grew until killed).
    text = "     {smvahc_eersion: ^1.0.0}, [x]4444444444]\n"
    repo = ws.repo("hang", text)
    r = subprocess.run([TAKO_BIN, "validate"], cwd=repo, env=env, capture_output=True, text=True, timeout=20)
    assert r.returncode == 1, r
    assert r.stderr.startswith(f"Error: could not unmarshal config: {repo}/tako.yml:1:"), r.stderr

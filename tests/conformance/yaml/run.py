#!/usr/bin/env python3
"""YAML parser conformance: the cases of the public yaml-test-suite (data branch, commit 6ad3d2c, MIT licence,
see LICENSE) run through `tako eval --data FILE 'true'`, which parses FILE with the same YAML layer as tako.yml.

A case marked `error` is malformed YAML: it passes when tako exits 1 with a parse error that names a position
(`FILE:LINE:COL`). Any other case is valid YAML: it passes when tako parses it (exit 0), or rejects it only
because its top level is not a mapping (`--data` requires one).

usage: run.py --tako PATH [--cases cases.jsonl] [-j N] [-v]     exit 0 only when every case passes
"""
import argparse
import concurrent.futures
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
NOT_A_MAPPING = 'must contain a mapping'
EXPECTED_TOTAL = 402


def run_case(tako, tmp, env, timeout, index, case):
    path = os.path.join(tmp, 'case-%03d.yaml' % index)
    with open(path, 'wb') as f:
        f.write(case['yaml'].encode('utf-8', 'surrogateescape'))
    try:
        p = subprocess.run([tako, 'eval', '--data', path, 'true'], capture_output=True, text=True, timeout=timeout,
                           env=env, stdin=subprocess.DEVNULL, errors='replace')
        rc, err = p.returncode, p.stderr.strip()
    except subprocess.TimeoutExpired:
        rc, err = None, 'timeout'
    if rc is None or rc < 0 or rc >= 128:  # a hang or a crash never passes
        ok = False
    elif case['error']:
        ok = rc == 1 and NOT_A_MAPPING not in err and re.search(re.escape(path) + r':\d+:\d+: ', err) is not None
    else:
        ok = rc == 0 or (rc == 1 and NOT_A_MAPPING in err)
    return ok, rc, err


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--tako', required=True)
    ap.add_argument('--cases', default=os.path.join(HERE, 'cases.jsonl'))
    ap.add_argument('--timeout', type=float, default=10)
    ap.add_argument('-j', '--jobs', type=int, default=min(4, os.cpu_count() or 1))
    ap.add_argument('-v', '--verbose', action='store_true')
    args = ap.parse_args()
    with open(args.cases, encoding='utf-8') as f:
        cases = [json.loads(line) for line in f if line.strip()]
    counts = {'error': [0, 0], 'valid': [0, 0]}
    failures = []
    with tempfile.TemporaryDirectory(prefix='tako-yaml-') as tmp:
        env = dict(os.environ, TAKO_HOME=os.path.join(tmp, 'home'), NO_COLOR='1')
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            results = list(pool.map(lambda ic: run_case(args.tako, tmp, env, args.timeout, *ic), enumerate(cases)))
    for case, (ok, rc, err) in zip(cases, results):
        kind = 'error' if case['error'] else 'valid'
        counts[kind][0 if ok else 1] += 1
        if not ok:
            failures.append((case['id'], kind, rc, err.splitlines()[0] if err else '', case.get('title', '')))
    if args.verbose or failures:
        for f in failures:
            print('FAIL %-10s %-5s rc=%s %s | %s' % (f[0], f[1], f[2], f[4][:40], f[3][:120]))
    print('malformed documents rejected with a position: %d of %d' % (counts['error'][0], sum(counts['error'])))
    print('valid documents accepted: %d of %d' % (counts['valid'][0], sum(counts['valid'])))
    passed = counts['error'][0] + counts['valid'][0]
    failed = counts['error'][1] + counts['valid'][1]
    print('%d/%d passed, %d failed' % (passed, len(cases), failed))
    sys.exit(0 if failed == 0 and passed == EXPECTED_TOTAL else 1)


if __name__ == '__main__':
    main()

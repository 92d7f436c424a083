#!/usr/bin/env python3
"""Regression gate for the CEL conformance cases.

Runs every case id listed in passing.txt (default: the file beside this script)
through `tako eval --json`, the same way data/run.py does (its `run_case` and
compare.py's `equal` are imported from --conformance-dir), and fails with exit
status 1, listing the ids, if any listed case no longer passes.

    python3 tests/conformance/cel/gate.py --tako build/tako

The cases (cel-spec and cel-go, Apache-2.0) live in data/ beside this script
(see data/README.md); --conformance-dir DIR reads them from another directory.

Options:
    --all       run every case (not only the gated ones) and print the per-file table
    --update    rewrite passing.txt with the ids that pass now (sorted)
    --jobs N    parallel processes (default 2)
    -v          show each failure

Cases whose expression or bindings contain a NUL character cannot be passed
through argv; they are reported as "unrunnable" and never gated.
"""
import argparse
import collections
import concurrent.futures
import importlib.util
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def load_module(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--tako', required=True)
    ap.add_argument('--conformance-dir', default=os.path.join(HERE, 'data'))
    ap.add_argument('--passing', default=os.path.join(HERE, 'passing.txt'))
    ap.add_argument('--jobs', type=int, default=2)
    ap.add_argument('--timeout', type=float, default=10)
    ap.add_argument('--all', action='store_true')
    ap.add_argument('--update', action='store_true')
    ap.add_argument('--files', default='')
    ap.add_argument('-v', '--verbose', action='store_true')
    args = ap.parse_args()

    run = load_module(os.path.join(args.conformance_dir, 'run.py'), 'cel_run')
    compare = load_module(os.path.join(args.conformance_dir, 'compare.py'), 'cel_compare')

    cases = []
    for name in ('cases.jsonl', 'ext_strings.jsonl'):
        with open(os.path.join(args.conformance_dir, name), encoding='utf-8') as fh:
            cases += [json.loads(line) for line in fh if line.strip()]
    wanted_files = set(f for f in args.files.split(',') if f)
    if wanted_files:
        cases = [c for c in cases if c['file'] in wanted_files]

    gated = set()
    if os.path.exists(args.passing):
        with open(args.passing, encoding='utf-8') as fh:
            gated = set(line.strip() for line in fh if line.strip() and not line.startswith('#'))
    selected = cases if (args.all or args.update) else [c for c in cases if c['id'] in gated]
    known = set(c['id'] for c in cases)
    missing_ids = sorted(i for i in gated if i not in known) if not wanted_files else []

    def one(case):
        try:
            return run.run_case(args.tako, case, args.timeout)
        except ValueError as e:  # NUL in argv
            return {'id': case['id'], 'error': 'unrunnable: %s' % e, 'unrunnable': True}

    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        results = list(pool.map(one, selected))

    stats = collections.OrderedDict()
    passed_ids, failed = [], []
    unrunnable = 0
    for case, res in zip(selected, results):
        st = stats.setdefault(case['file'], collections.Counter())
        exp = case['expect']
        if res.get('unrunnable'):
            unrunnable += 1
            ok = False
        elif 'error' in exp:
            ok = 'error' in res
        else:
            ok = 'value' in res and compare.equal(exp['value'], res['value'])
        st['pass' if ok else 'fail'] += 1
        if ok:
            passed_ids.append(case['id'])
        else:
            failed.append(case['id'])
            if args.verbose:
                print('FAIL %s\n  expr: %s\n  want: %s\n  got:  %s' % (
                    case['id'], case['expr'], json.dumps(exp, ensure_ascii=False),
                    json.dumps({k: v for k, v in res.items() if k != 'id'}, ensure_ascii=False)))

    if args.all or args.update:
        w = max([len(k) for k in stats] + [5])
        print('%-*s %6s %6s' % (w, 'file', 'pass', 'fail'))
        for f, st in stats.items():
            print('%-*s %6d %6d' % (w, f, st['pass'], st['fail']))
        if unrunnable:
            print('(%d case(s) unrunnable: NUL character in argv)' % unrunnable)
    if args.update:
        with open(args.passing, 'w', encoding='utf-8') as fh:
            for i in sorted(passed_ids):
                fh.write(i + '\n')
        print('wrote %d ids to %s' % (len(passed_ids), args.passing))

    regressions = [i for i in failed if i in gated] + missing_ids
    print('%d passed, %d failed' % (len(passed_ids), len(failed)))
    if regressions:
        print('REGRESSIONS (%d):' % len(regressions))
        for i in sorted(regressions):
            print('  ' + i)
        return 1
    return 0 if (args.all or args.update or not failed) else 1


if __name__ == '__main__':
    sys.exit(main())

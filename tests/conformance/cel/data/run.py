#!/usr/bin/env python3
"""Run the CEL conformance cases through `tako eval --json` and score them.

Usage:
    python3 run.py --tako PATH/TO/tako [--jobs N] [--files basic,string,...] [--out results.jsonl] [-v]

Each case becomes one process:
    tako eval --json [--container C] [--var NAME=<CEL literal>]... '<expr>'
stdout (exit 0) must be the typed JSON value of docs/REFERENCE.md §9.6; a non-zero exit is an error result.
Scoring is done by compare.py (same rules as the cel-spec conformance runner).
"""
import argparse
import base64
import concurrent.futures
import json
import math
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def cel_string(s):
    out = ['"']
    for ch in s:
        o = ord(ch)
        if ch == '\\':
            out.append('\\\\')
        elif ch == '"':
            out.append('\\"')
        elif ch == '\n':
            out.append('\\n')
        elif ch == '\r':
            out.append('\\r')
        elif ch == '\t':
            out.append('\\t')
        elif o < 0x20 or o == 0x7f:
            out.append('\\x%02x' % o)
        else:
            out.append(ch)
    out.append('"')
    return ''.join(out)


def literal(v):
    """Typed JSON value -> CEL literal text."""
    (tag, x), = v.items()
    if tag == 'int':
        n = int(x)
        return str(n) if n != -2**63 else '-9223372036854775807 - 1'
    if tag == 'uint':
        return '%du' % int(x)
    if tag == 'double':
        if isinstance(x, str):
            return 'double("%s")' % x
        if math.isinf(x) or math.isnan(x):
            return 'double("%s")' % ('NaN' if math.isnan(x) else ('Infinity' if x > 0 else '-Infinity'))
        r = repr(float(x))
        return r if ('.' in r or 'e' in r) else r + '.0'
    if tag == 'string':
        return cel_string(x)
    if tag == 'bytes_b64':
        return 'b"' + ''.join('\\x%02x' % b for b in base64.b64decode(x)) + '"'
    if tag == 'bool':
        return 'true' if x else 'false'
    if tag == 'null':
        return 'null'
    if tag == 'list':
        return '[' + ', '.join(literal(e) for e in x) + ']'
    if tag == 'map':
        return '{' + ', '.join('%s: %s' % (literal(k), literal(e)) for k, e in x) + '}'
    if tag == 'type':
        return x
    if tag == 'timestamp':
        return 'timestamp(%s)' % cel_string(x)
    if tag == 'duration':
        return 'duration(%s)' % cel_string(x)
    raise ValueError('unknown tag %s' % tag)


def run_case(tako, case, timeout):
    cmd = [tako, 'eval', '--json']
    if case.get('container'):
        cmd += ['--container', case['container']]
    for name, val in sorted(case['bindings'].items()):
        cmd += ['--var', '%s=%s' % (name, literal(val))]
    # A command line cannot carry a NUL byte; in these cases it only occurs inside a quoted
    # literal, where the escape sequence \x00 denotes the same character or byte.
    cmd += ['--', case['expr'].replace('\x00', '\\x00')]
    try:
        p = subprocess.run(cmd, capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return {'id': case['id'], 'error': 'timeout'}
    if p.returncode != 0:
        return {'id': case['id'], 'error': p.stderr.decode('utf-8', 'replace').strip()[:300]}
    try:
        return {'id': case['id'], 'value': json.loads(p.stdout)}
    except ValueError:
        return {'id': case['id'], 'error': 'unparsable stdout: %r' % p.stdout[:200]}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--tako', required=True)
    ap.add_argument('--jobs', type=int, default=os.cpu_count() or 2)
    ap.add_argument('--files', default='', help='comma-separated file names to run (default: all)')
    ap.add_argument('--cases', action='append', default=[],
                    help='case files (default: cases.jsonl and ext_strings.jsonl beside this script)')
    ap.add_argument('--out', default='results.jsonl')
    ap.add_argument('--timeout', type=float, default=10)
    ap.add_argument('-v', '--verbose', action='store_true')
    args = ap.parse_args()
    case_files = args.cases or [os.path.join(HERE, 'cases.jsonl'), os.path.join(HERE, 'ext_strings.jsonl')]
    wanted = set(f for f in args.files.split(',') if f)
    cases = []
    for path in case_files:
        with open(path, encoding='utf-8') as fh:
            for line in fh:
                if line.strip():
                    c = json.loads(line)
                    if not wanted or c['file'] in wanted:
                        cases.append(c)
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        results = list(pool.map(lambda c: run_case(args.tako, c, args.timeout), cases))
    with open(args.out, 'w', encoding='utf-8') as fh:
        for r in results:
            fh.write(json.dumps(r, ensure_ascii=False) + '\n')
    filtered = args.out + '.cases'
    with open(filtered, 'w', encoding='utf-8') as fh:
        for c in cases:
            fh.write(json.dumps(c, ensure_ascii=False) + '\n')
    cmd = [sys.executable, os.path.join(HERE, 'compare.py'), args.out, filtered] + (['-v'] if args.verbose else [])
    sys.exit(subprocess.call(cmd))


if __name__ == '__main__':
    main()

#!/usr/bin/env python3
"""Generates a synthetic tako workspace: N repositories in a layered DAG.

Each repository is a sibling directory `<out>/r<i>` holding a tako.yml with
`metadata.name: bench/r<i>`; repository r0 is the root. Layers have `width`
repositories; every repository of layer k lists `fanout` repositories of
layer k+1 as dependents (wrapping around), so every repository is reachable
from r0. Optionally each repository gets one subscription with a CEL filter
(for fan-out discovery benchmarks), and a Makefile with the same DAG is
written next to the repositories for side-by-side comparisons.

usage: gen_workspace.py OUT N [--width W] [--fanout F] [--subscriptions] [--makefile]
"""
import argparse
import os


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("n", type=int)
    ap.add_argument("--width", type=int, default=25)
    ap.add_argument("--fanout", type=int, default=2)
    ap.add_argument("--subscriptions", action="store_true")
    ap.add_argument("--makefile", action="store_true")
    args = ap.parse_args()

    n, width = args.n, args.width
    os.makedirs(args.out, exist_ok=True)
    # r0 alone in layer 0, then layers of `width`.
    layers = [[0]]
    i = 1
    while i < n:
        layers.append(list(range(i, min(i + width, n))))
        i += width
    deps = {r: [] for r in range(n)}
    for k in range(len(layers) - 1):
        nxt = layers[k + 1]
        for j, r in enumerate(layers[k]):
            picks = nxt if k == 0 else [nxt[(j + f) % len(nxt)] for f in range(args.fanout)]
            deps[r] = sorted(set(picks))
    for r in range(n):
        d = os.path.join(args.out, f"r{r}")
        os.makedirs(d, exist_ok=True)
        lines = ["version: \"1\"", "metadata:", f"  name: bench/r{r}"]
        if deps[r]:
            lines.append("dependents:")
            lines += [f"  - repo: bench/r{x}" for x in deps[r]]
        if args.subscriptions and r != 0:
            lines += ["subscriptions:",
                      "  - artifact: bench/r0:lib",
                      "    events: [lib_released]",
                      "    schema_version: ^1.0.0",
                      f"    filter: event.payload.env == \"prod\" && \"svc{r % 7}\" in event.payload.services",
                      "    workflow: noop",
                      "    inputs:",
                      "      version: \"{{ .event.payload.version }}\""]
        lines += ["workflows:", "  noop:", "    inputs:", "      version: {type: string}",
                  "    steps:", "      - run: \"true\""]
        with open(os.path.join(d, "tako.yml"), "w") as f:
            f.write("\n".join(lines) + "\n")
    if args.makefile:
        parents = {r: [] for r in range(n)}
        for r, ds in deps.items():
            for x in ds:
                parents[x].append(r)
        with open(os.path.join(args.out, "Makefile"), "w") as f:
            f.write(".PHONY: all " + " ".join(f"r{r}" for r in range(n)) + "\n")
            f.write("all: " + " ".join(f"r{r}" for r in range(n)) + "\n")
            for r in range(n):
                pre = " ".join(f"r{p}" for p in parents[r])
                f.write(f"r{r}: {pre}\n\t@cd r{r} && bash -c true\n")


if __name__ == "__main__":
    main()

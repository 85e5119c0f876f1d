#!/usr/bin/env bash
# Deploys environments to an emulated AWS, with no AWS account: builds them with ragc,
# starts moto (the AWS API emulator) on 127.0.0.1, applies every stack with real
# Terraform, re-plans it (it must say No changes), reads it back through the AWS APIs,
# destroys it and checks that nothing is left. Prints what was created, what the re-plan
# said and what was destroyed.
#
#   scripts/emulated-deploy.sh [--keep] [--prove-checks] [--var NAME=VALUE] [FILE.rag...]
#
# Default files: envs/global.rag envs/staging.rag envs/prod.rag. The stack that creates
# the state bucket (global.rag) must be among them. Needs terraform 1.10+ and the AWS
# provider in ${RAGC_TF_PLUGIN_DIR:-/opt/tf-plugins}; installs moto in .venv-moto.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v "${TERRAFORM:-terraform}" >/dev/null || { echo "emulated-deploy: terraform is not on the PATH" >&2; exit 2; }
bash .ci/install-tools.sh moto >/dev/null
cargo build --quiet --release -p ragc-cli

options=() files=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --var) options+=("$1" "$2"); shift 2 ;;
    -*) options+=("$1"); shift ;;
    *) files+=("$1"); shift ;;
  esac
done
[[ ${#files[@]} -gt 0 ]] || files=(envs/global.rag envs/staging.rag envs/prod.rag)
exec .venv-moto/bin/python tests/deploy/deploy.py --ragc target/release/ragc "${options[@]}" "${files[@]}"

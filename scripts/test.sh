#!/usr/bin/env bash
# Runs every test of the project: the Rust workspace (unit, golden, integration, language
# server), the VS Code extension's tests, and the emulated deploy of envs/ (real
# Terraform against moto: apply, clean re-plan, the specification read back, destroy).
# This is the README's test command.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo test --workspace
bash editors/vscode/test.sh
bash tests/deploy/run.sh

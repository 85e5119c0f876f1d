#!/usr/bin/env bash
# Runs every test of the project: the Rust workspace (unit, golden, integration, language
# server) and the VS Code extension's tests. This is the README's test command.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo test --workspace
bash editors/vscode/test.sh

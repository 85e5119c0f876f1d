#!/usr/bin/env bash
# Installs the locked dependencies, type-checks (tsc, strict) and bundles (esbuild) the extension,
# packages the .vsix and runs the tests: grammar, language configuration, .vsix contents.
# Needs Node 20 or later and the npm registry.
set -euo pipefail
cd "$(dirname "$0")"

# No dependency needs an install script (keytar, which vsce uses only to publish, would try to
# download a prebuilt binary).
npm ci --ignore-scripts --no-audit --no-fund
# vsce runs the vscode:prepublish script, `npm run compile`, before it packages.
npm run package
npm test

#!/usr/bin/env bash
# Installs the Python tools that the Terraform security tests need into .venv
# at the repository root (gitignored). Idempotent: a checkov already installed
# at the pinned version is left alone.
#
# Terraform itself and the AWS provider plugin directory are not installed
# here: no registry this project reaches ships them. tests/terraform/
# validate_stack.sh expects `terraform` on PATH and the provider unpacked in
# ${RAGC_TF_PLUGIN_DIR:-/opt/tf-plugins}.
set -euo pipefail

CHECKOV_VERSION="3.3.30"

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${repo_root}/.venv"
python="${PYTHON:-python3}"

if [[ -x "${venv}/bin/checkov" ]] \
  && [[ "$("${venv}/bin/python" -c 'import importlib.metadata as m; print(m.version("checkov"))' 2>/dev/null)" == "${CHECKOV_VERSION}" ]]; then
  echo "checkov ${CHECKOV_VERSION} already installed in ${venv}"
  exit 0
fi

if [[ ! -x "${venv}/bin/python" ]]; then
  "${python}" -m venv "${venv}"
fi
"${venv}/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
"${venv}/bin/python" -m pip install --quiet --disable-pip-version-check "checkov==${CHECKOV_VERSION}"
echo "installed checkov $("${venv}/bin/checkov" --version) in ${venv}"

#!/usr/bin/env bash
# Installs the Python tools the tests need, each in its own venv at the repository root
# (gitignored), at pinned versions. Idempotent: a venv that already holds the pinned
# versions is left alone.
#   .venv       checkov, the security scanner of the emitted stacks
#   .venv-moto  moto (the AWS API emulator) and boto3, for the emulated deploy
#               (tests/deploy/); apart from checkov because their pins clash
#
# Terraform itself and the AWS provider plugin directory are not installed
# here: no registry this project reaches ships them. tests/terraform/
# validate_stack.sh and tests/deploy/ expect `terraform` on PATH and the provider
# unpacked in ${RAGC_TF_PLUGIN_DIR:-/opt/tf-plugins}.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
python="${PYTHON:-python3}"

# install_pinned VENV PACKAGE==VERSION... : makes VENV hold exactly those versions.
install_pinned() {
  local venv="${repo_root}/$1"
  shift
  local pins=("$@")
  local check
  check="import importlib.metadata as m, sys
sys.exit(any(m.version(p.split('==')[0].split('[')[0]) != p.split('==')[1] for p in sys.argv[1:]))"
  if [[ -x "${venv}/bin/python" ]] && "${venv}/bin/python" -c "${check}" "${pins[@]}" 2>/dev/null; then
    echo "${pins[*]} already installed in ${venv}"
    return
  fi
  [[ -x "${venv}/bin/python" ]] || "${python}" -m venv "${venv}"
  "${venv}/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
  "${venv}/bin/python" -m pip install --quiet --disable-pip-version-check "${pins[@]}"
  echo "installed ${pins[*]} in ${venv}"
}

# With no argument, every tool; otherwise only those named (checkov, moto).
tools=("$@")
[[ ${#tools[@]} -gt 0 ]] || tools=(checkov moto)
for name in "${tools[@]}"; do
  case "${name}" in
    checkov) install_pinned .venv "checkov==3.3.30" ;;
    moto) install_pinned .venv-moto "moto[server]==5.2.6" "boto3==1.44.18" ;;
    *) echo "install-tools: unknown tool ${name} (checkov, moto)" >&2; exit 2 ;;
  esac
done

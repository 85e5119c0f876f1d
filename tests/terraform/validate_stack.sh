#!/usr/bin/env bash
# Validates one emitted Terraform JSON stack offline, with the real AWS provider.
#
#   tests/terraform/validate_stack.sh STACK_DIR
#
# Copies STACK_DIR's *.tf.json files into a temporary directory, adds
# tests/terraform/mock.tftest.hcl, and runs:
#   terraform init -backend=false -plugin-dir=$RAGC_TF_PLUGIN_DIR
#   terraform validate
#   check_schema.py       every argument exists, settable and not deprecated, in
#                         the installed provider's schema (5.100 here) and in the
#                         6.47 schema of stdlib/aws/provider-schema.json
#   terraform test        a plan run and an apply run against a mocked provider,
#                         on a copy with lifecycle.prevent_destroy turned off
# The apply run matters: the provider validates JSON policies and container
# definitions only once the references inside them have (mocked) values.
#
# Environment:
#   RAGC_TF_PLUGIN_DIR  provider plugin directory (default /opt/tf-plugins)
#   TERRAFORM           terraform binary (default: terraform on PATH)
#   RAGC_EXTRA_SCHEMA   a second provider schema dump to check against
#                       (default: stdlib/aws/provider-schema.json, AWS 6.47;
#                       set to an empty string to skip)
#   RAGC_KEEP_TMP=1     keep the temporary directory and print its path
#
# Exits 0 when every step passes; otherwise prints the failing tool's output
# and exits 1 (2 for usage or setup errors). Never touches the network: the
# provider comes from the plugin directory only, and the backend is not used.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "${here}/../.." && pwd)"
extra_schema="${RAGC_EXTRA_SCHEMA-${repo_root}/stdlib/aws/provider-schema.json}"
python="${PYTHON:-python3}"
terraform="${TERRAFORM:-terraform}"
plugin_dir="${RAGC_TF_PLUGIN_DIR:-/opt/tf-plugins}"

if [[ $# -ne 1 ]]; then
  echo "usage: $0 STACK_DIR" >&2
  exit 2
fi
stack_dir="$1"
if [[ ! -d "${stack_dir}" ]]; then
  echo "validate_stack: ${stack_dir} is not a directory" >&2
  exit 2
fi
if ! command -v "${terraform}" >/dev/null 2>&1; then
  echo "validate_stack: terraform not found (set TERRAFORM or put it on PATH)" >&2
  exit 2
fi
if [[ ! -d "${plugin_dir}" ]]; then
  echo "validate_stack: plugin directory ${plugin_dir} not found (set RAGC_TF_PLUGIN_DIR)" >&2
  exit 2
fi
shopt -s nullglob
stack_files=("${stack_dir}"/*.tf.json)
if [[ ${#stack_files[@]} -eq 0 ]]; then
  echo "validate_stack: no *.tf.json files in ${stack_dir}" >&2
  exit 2
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/ragc-validate.XXXXXX")"
cleanup() {
  if [[ "${RAGC_KEEP_TMP:-0}" == "1" ]]; then
    echo "validate_stack: kept ${work}" >&2
  else
    rm -rf "${work}"
  fi
}
trap cleanup EXIT

mkdir -p "${work}/stack" "${work}/home"
cp "${stack_files[@]}" "${work}/stack/"
cp "${here}/mock.tftest.hcl" "${work}/stack/"

# Everything Terraform writes or reads besides the stack stays in ${work}: no
# user CLI configuration, no plugin cache, no checkpoint calls.
export TF_DATA_DIR="${work}/data"
export TF_CLI_CONFIG_FILE="${work}/terraformrc"
export TF_IN_AUTOMATION=1
export TF_INPUT=0
export CHECKPOINT_DISABLE=1
export HOME="${work}/home"
unset TF_PLUGIN_CACHE_DIR TF_CLI_ARGS TF_CLI_ARGS_init TF_CLI_ARGS_validate TF_CLI_ARGS_test TF_WORKSPACE
: >"${TF_CLI_CONFIG_FILE}"
# Real AWS credentials must never matter here; the mock provider needs none.
unset AWS_PROFILE AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN

step() {
  local name="$1"
  shift
  local log="${work}/${name}.log"
  if ! (cd "${work}/stack" && "${terraform}" "$@") >"${log}" 2>&1; then
    echo "validate_stack: terraform ${name} failed for ${stack_dir}" >&2
    cat "${log}" >&2
    exit 1
  fi
}

step init init -backend=false -plugin-dir="${plugin_dir}" -input=false -no-color
step validate validate -no-color

# Arguments must exist in every provider version the stack claims to support.
# `terraform providers schema` refuses to run where a backend is declared but
# not initialised, so the installed provider's schema is read from a side
# directory that holds only the stack's required_providers.
mkdir -p "${work}/schema"
"${python}" - "${work}/schema/providers.tf.json" "${stack_files[@]}" <<'PY'
import json, sys
target, files = sys.argv[1], sys.argv[2:]
providers = {}
for path in files:
    with open(path, encoding="utf-8") as handle:
        document = json.load(handle)
    blocks = document.get("terraform", [])
    for block in blocks if isinstance(blocks, list) else [blocks]:
        providers.update(block.get("required_providers", {}))
with open(target, "w", encoding="utf-8") as handle:
    json.dump({"terraform": {"required_providers": providers}}, handle)
PY
if ! (cd "${work}/schema" && TF_DATA_DIR="${work}/schema-data" "${terraform}" init -backend=false \
      -plugin-dir="${plugin_dir}" -input=false -no-color >"${work}/schema.log" 2>&1 \
      && TF_DATA_DIR="${work}/schema-data" "${terraform}" providers schema -json >"${work}/schema-installed.json" 2>>"${work}/schema.log"); then
  echo "validate_stack: reading the installed provider's schema failed" >&2
  cat "${work}/schema.log" >&2
  exit 1
fi
schema_args=(--schema "${work}/schema-installed.json")
if [[ -n "${extra_schema}" ]]; then
  if [[ ! -f "${extra_schema}" ]]; then
    echo "validate_stack: schema ${extra_schema} not found (set RAGC_EXTRA_SCHEMA, or empty to skip)" >&2
    exit 2
  fi
  schema_args+=(--schema "${extra_schema}")
fi
if ! "${python}" "${here}/check_schema.py" --deny-deprecated "${schema_args[@]}" "${work}/stack" >"${work}/check_schema.log" 2>&1; then
  echo "validate_stack: provider schema check failed for ${stack_dir}" >&2
  cat "${work}/check_schema.log" >&2
  exit 1
fi
# terraform test destroys what its apply run created, and Terraform 1.11 has no
# way to skip that cleanup, so lifecycle.prevent_destroy (set on the state
# bucket) would fail every run. validate has already checked the stack as
# written; the test runs on a copy with prevent_destroy turned off.
"${python}" - "${work}/stack" <<'PY'
import json, pathlib, sys
for path in sorted(pathlib.Path(sys.argv[1]).glob("*.tf.json")):
    document = json.loads(path.read_text(encoding="utf-8"))
    changed = False
    for instances in document.get("resource", {}).values():
        if not isinstance(instances, dict):
            continue
        for body in instances.values():
            for one in body if isinstance(body, list) else [body]:
                if not isinstance(one, dict):
                    continue
                for lifecycle in one.get("lifecycle", []) if isinstance(one.get("lifecycle"), list) else [one.get("lifecycle")]:
                    if isinstance(lifecycle, dict) and lifecycle.get("prevent_destroy") is True:
                        lifecycle["prevent_destroy"] = False
                        changed = True
    if changed:
        path.write_text(json.dumps(document, indent=2), encoding="utf-8")
PY
step test test -no-color

# terraform test exits 0 when it ran nothing; require both runs to have passed.
if ! grep -q 'Success! 2 passed, 0 failed' "${work}/test.log"; then
  echo "validate_stack: terraform test did not pass both runs for ${stack_dir}" >&2
  cat "${work}/test.log" >&2
  exit 1
fi
echo "validate_stack: ${stack_dir}: init, validate, schema check, test (plan + apply) passed"

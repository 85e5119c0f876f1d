#!/usr/bin/env bash
# Security scan of one emitted Terraform JSON stack: checkov, then policy_lint.
#
#   tests/security/checkov_stack.sh STACK_DIR
#
# 1. checkov (terraform_json framework, offline) with the skips listed in
#    tests/security/checkov-skips.txt: fails on any failed check, any parsing
#    error, or fewer passed checks than the floor below (a scan that passes
#    too little has most likely stopped reading the stack).
# 2. tests/security/policy_lint.py: reads the JSON documents inside string
#    arguments (IAM policies, bucket policies, container definitions) that
#    checkov's terraform_json runner cannot read.
#
# Files that hold only a `terraform` block (backend.tf.json) are left out of the
# checkov scan: checkov 3.x cannot parse a terraform block with
# required_version in JSON and would report a parsing error for the file.
#
# Environment:
#   RAGC_CHECKOV             checkov binary (default: .venv/bin/checkov; see .ci/install-tools.sh)
#   RAGC_CHECKOV_MIN_PASSED  override the floor of passed checks
#
# Floors: 60% of what the reference stacks passed with checkov 3.3.30 and the
# current skip list (global 18, staging 87, prod 99 passed checks).
set -euo pipefail

MIN_PASSED_GLOBAL=11
MIN_PASSED_ENVIRONMENT=52

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "${here}/../.." && pwd)"
checkov="${RAGC_CHECKOV:-${repo_root}/.venv/bin/checkov}"
python="${PYTHON:-python3}"

if [[ $# -ne 1 ]]; then
  echo "usage: $0 STACK_DIR" >&2
  exit 2
fi
stack_dir="$1"
if [[ ! -d "${stack_dir}" ]]; then
  echo "checkov_stack: ${stack_dir} is not a directory" >&2
  exit 2
fi
if [[ ! -x "${checkov}" ]]; then
  echo "checkov_stack: ${checkov} not found; run .ci/install-tools.sh (or set RAGC_CHECKOV)" >&2
  exit 2
fi
shopt -s nullglob
stack_files=("${stack_dir}"/*.tf.json)
if [[ ${#stack_files[@]} -eq 0 ]]; then
  echo "checkov_stack: no *.tf.json files in ${stack_dir}" >&2
  exit 2
fi

skips="$(grep -v '^[[:space:]]*#' "${here}/checkov-skips.txt" | awk 'NF { print $1 }' | paste -sd, -)"

work="$(mktemp -d "${TMPDIR:-/tmp}/ragc-checkov.XXXXXX")"
trap 'rm -rf "${work}"' EXIT
mkdir -p "${work}/stack"

# Copy the stack without the files that hold only a terraform block.
"${python}" - "${work}/stack" "${stack_files[@]}" <<'EOF'
import json, shutil, sys
target, files = sys.argv[1], sys.argv[2:]
for path in files:
    with open(path, encoding="utf-8") as handle:
        document = json.load(handle)
    if set(document) - {"//"} == {"terraform"}:
        continue
    shutil.copy(path, target)
EOF

# Offline: no platform download, no update check.
export BC_SKIP_MAPPING=TRUE
export CKV_SKIP_PACKAGE_UPDATE_CHECK=TRUE
export LOG_LEVEL=WARNING
set +e
"${checkov}" -d "${work}/stack" --framework terraform_json --skip-download \
  --skip-check "${skips}" --compact --quiet -o json >"${work}/report.json" 2>"${work}/stderr.log"
checkov_status=$?
set -e
if [[ ${checkov_status} -ne 0 && ${checkov_status} -ne 1 ]]; then
  echo "checkov_stack: checkov crashed (exit ${checkov_status}) on ${stack_dir}" >&2
  cat "${work}/stderr.log" >&2
  exit 1
fi

is_environment=0
if grep -q '"aws_ecs_service"' "${work}/stack/"*.tf.json 2>/dev/null; then
  is_environment=1
fi
if [[ -n "${RAGC_CHECKOV_MIN_PASSED:-}" ]]; then
  min_passed="${RAGC_CHECKOV_MIN_PASSED}"
elif [[ ${is_environment} -eq 1 ]]; then
  min_passed="${MIN_PASSED_ENVIRONMENT}"
else
  min_passed="${MIN_PASSED_GLOBAL}"
fi

status=0
"${python}" - "${work}/report.json" "${min_passed}" "${stack_dir}" <<'EOF' || status=1
import json, sys
report_path, min_passed, stack_dir = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with open(report_path, encoding="utf-8") as handle:
    text = handle.read()
try:
    report = json.loads(text) if text.strip() else {}
except json.JSONDecodeError:
    print(f"checkov_stack: checkov printed no JSON report:\n{text}")
    sys.exit(1)
reports = report if isinstance(report, list) else [report]
reports = [r for r in reports if r.get("check_type") == "terraform_json"]
if not reports:
    print(f"checkov_stack: checkov found nothing to scan in {stack_dir}")
    sys.exit(1)
summary = reports[0]["summary"]
results = reports[0].get("results", {})
ok = True
for check in results.get("failed_checks", []):
    print(f"FAILED {check['check_id']} {check.get('resource')} ({check.get('file_path')}): {check.get('check_name')}")
    ok = False
for error in results.get("parsing_errors", []):
    print(f"PARSING ERROR {error}")
if summary.get("parsing_errors", 0):
    print("checkov_stack: checkov could not parse a file (a terraform block with required_version "
          "must be in a file of its own)")
    ok = False
if summary.get("passed", 0) < min_passed:
    print(f"checkov_stack: only {summary.get('passed', 0)} checks passed, expected at least {min_passed}: "
          "checkov has probably stopped reading part of the stack")
    ok = False
print(f"checkov: {summary.get('passed', 0)} passed, {summary.get('failed', 0)} failed "
      f"(floor {min_passed}) for {stack_dir}")
sys.exit(0 if ok else 1)
EOF

if ! "${python}" "${here}/policy_lint.py" "${stack_dir}"; then
  status=1
fi
exit "${status}"

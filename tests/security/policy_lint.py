#!/usr/bin/env python3
"""Reads the JSON documents inside an emitted stack that checkov cannot read.

checkov's terraform_json runner keeps string arguments as strings, so its
cloudsplaining IAM checks (CKV_AWS_286..290, CKV_AWS_355, ...) end UNKNOWN and its
ECS container checks (CKV_AWS_336, CKV_AWS_334, ...) pass without looking. This
script decodes those strings itself and enforces the rules of
docs/security.md:

- every JSON document argument (IAM and bucket policies, trust policies, the
  ECR lifecycle policy, container definitions) is a literal JSON string, with
  Terraform references only inside JSON string values; `${jsonencode(...)}`
  is rejected because no scanner can read it;
- IAM: no managed policies, no `*` or `service:*` actions, no NotAction or
  NotResource, `*` resources only for actions that cannot be scoped;
- trust policies name a service principal and carry an aws:SourceAccount
  condition;
- every bucket has a bucket policy that denies requests without TLS, and no
  bucket policy allows anything to `*`;
- containers: no privileged mode, awslogs logging, secrets only by valueFrom,
  no credential-like environment variable with a literal value;
- no aws_secretsmanager_secret_version (secret values never enter state);
- security groups use standalone rule resources; ingress from anywhere only on
  80 and 443; no all-protocol egress to anywhere.

    policy_lint.py STACK_DIR [STACK_DIR...]

Exits 1 when any error is found. Warnings are printed and do not fail.
"""

import json
import pathlib
import re
import sys

# Actions whose resource can only be "*" (the service authorization reference
# lists no resource type for them).
UNSCOPABLE_ACTIONS = {"ecr:getauthorizationtoken"}
CREDENTIAL_NAME = re.compile(r"KEY|SECRET|TOKEN|PASSWORD|CREDENTIAL", re.IGNORECASE)
REFERENCE = re.compile(r"\$\{[^}]*\}")
IAM_POLICY_TYPES = {"aws_iam_role_policy", "aws_iam_policy", "aws_iam_user_policy", "aws_iam_group_policy"}
MANAGED_POLICY_TYPES = {"aws_iam_role_policy_attachment", "aws_iam_policy_attachment",
                        "aws_iam_role_policy_attachments_exclusive"}
DOCUMENT_ARGUMENTS = {
    "aws_iam_role": ["assume_role_policy"],
    "aws_iam_role_policy": ["policy"],
    "aws_iam_policy": ["policy"],
    "aws_s3_bucket_policy": ["policy"],
    "aws_ecr_lifecycle_policy": ["policy"],
    "aws_ecr_repository_policy": ["policy"],
    "aws_secretsmanager_secret_policy": ["policy"],
    "aws_ecs_task_definition": ["container_definitions"],
}


class Findings:
    def __init__(self):
        self.errors = []
        self.warnings = []

    def error(self, where, message):
        self.errors.append(f"error: {where}: {message}")

    def warning(self, where, message):
        self.warnings.append(f"warning: {where}: {message}")


def as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def decode(where, value, findings):
    """Decodes a JSON document argument, or reports why it cannot be read."""
    if not isinstance(value, str):
        findings.error(where, "must be a JSON string")
        return None
    stripped = value.strip()
    if stripped.startswith("${") and stripped.endswith("}") and "jsonencode(" in stripped:
        findings.error(where, "is a ${jsonencode(...)} expression; emit a literal JSON string so scanners can read it")
        return None
    try:
        return json.loads(value)
    except json.JSONDecodeError as error:
        findings.error(where, f"is not valid JSON once references are left in place: {error}")
        return None


def statements(document):
    if not isinstance(document, dict):
        return []
    return [s for s in as_list(document.get("Statement")) if isinstance(s, dict)]


def check_iam_policy(where, document, findings):
    if not statements(document):
        findings.error(where, "has no statements")
    for index, statement in enumerate(statements(document)):
        at = f"{where} statement {statement.get('Sid', index)}"
        if statement.get("Effect") != "Allow":
            continue
        if "NotAction" in statement or "NotResource" in statement:
            findings.error(at, "Allow with NotAction/NotResource")
        actions = [a.lower() for a in as_list(statement.get("Action")) if isinstance(a, str)]
        for action in actions:
            if action == "*" or action.endswith(":*"):
                findings.error(at, f"wildcard action {action!r}")
        resources = as_list(statement.get("Resource"))
        if not resources:
            findings.error(at, "Allow without Resource")
        if "*" in resources:
            scoped = [a for a in actions if a not in UNSCOPABLE_ACTIONS]
            if scoped:
                findings.error(at, f"resource '*' for actions that can be scoped: {', '.join(sorted(scoped))}")


def check_trust_policy(where, document, findings):
    for index, statement in enumerate(statements(document)):
        at = f"{where} statement {statement.get('Sid', index)}"
        principal = statement.get("Principal")
        if principal == "*" or (isinstance(principal, dict) and "*" in as_list(principal.get("AWS"))):
            findings.error(at, "anyone may assume the role")
            continue
        if not (isinstance(principal, dict) and principal.get("Service")):
            findings.error(at, "trust policy without a service principal")
            continue
        condition = json.dumps(statement.get("Condition", {}))
        if "aws:SourceAccount" not in condition:
            findings.error(at, "service principal without an aws:SourceAccount condition")


def check_bucket_policy(where, document, findings):
    denies_plain_http = False
    for index, statement in enumerate(statements(document)):
        at = f"{where} statement {statement.get('Sid', index)}"
        principal = statement.get("Principal")
        anyone = principal == "*" or (isinstance(principal, dict) and "*" in as_list(principal.get("AWS")))
        if statement.get("Effect") == "Allow" and anyone:
            findings.error(at, "allows anyone")
        condition = statement.get("Condition", {})
        if (statement.get("Effect") == "Deny"
                and str(condition.get("Bool", {}).get("aws:SecureTransport", "")).lower() == "false"):
            denies_plain_http = True
    return denies_plain_http


def check_containers(where, containers, findings):
    if not isinstance(containers, list) or not containers:
        findings.error(where, "must be a non-empty JSON array of containers")
        return
    for container in containers:
        if not isinstance(container, dict):
            findings.error(where, "container is not an object")
            continue
        at = f"{where} container {container.get('name', '?')}"
        if container.get("privileged"):
            findings.error(at, "privileged mode")
        if not container.get("readonlyRootFilesystem"):
            findings.warning(at, "root filesystem is writable")
        log = container.get("logConfiguration") or {}
        if log.get("logDriver") != "awslogs":
            findings.error(at, "logs do not go to CloudWatch (awslogs)")
        for variable in as_list(container.get("environment")):
            name = str(variable.get("name", ""))
            value = str(variable.get("value", ""))
            if CREDENTIAL_NAME.search(name) and not REFERENCE.fullmatch(value):
                findings.error(at, f"environment variable {name} looks like a credential; inject it from Secrets Manager")
        for secret in as_list(container.get("secrets")):
            value_from = str(secret.get("valueFrom", ""))
            if not (REFERENCE.fullmatch(value_from) or value_from.startswith("arn:")):
                findings.error(at, f"secret {secret.get('name')} valueFrom is not an ARN or a reference")


def check_rules(where, body, direction, findings):
    cidr = body.get("cidr_ipv4") or body.get("cidr_ipv6")
    anywhere = cidr in ("0.0.0.0/0", "::/0")
    protocol = str(body.get("ip_protocol", ""))
    if direction == "ingress" and anywhere:
        ports = (body.get("from_port"), body.get("to_port"))
        if protocol in ("-1", "all") or ports not in ((80, 80), (443, 443)):
            findings.error(where, f"ingress from anywhere on {protocol} {ports}; only 80 and 443 may be open")
    if direction == "egress" and anywhere and protocol in ("-1", "all"):
        findings.error(where, "all-protocol egress to anywhere")
    if not body.get("description"):
        findings.error(where, "rule without a description")


def lint_stack(stack_dir, findings):
    resources = {}
    for path in sorted(pathlib.Path(stack_dir).glob("*.tf.json")):
        with open(path, encoding="utf-8") as handle:
            document = json.load(handle)
        for type_name, instances in document.get("resource", {}).items():
            if type_name == "//":
                continue
            for name, body in instances.items():
                if name != "//":
                    resources[(type_name, name)] = (path.name, body)
    if not resources:
        findings.error(stack_dir, "no resources found")

    tls_buckets = set()
    for (type_name, name), (file_name, body) in sorted(resources.items()):
        where = f"{stack_dir}/{file_name}: {type_name}.{name}"
        if type_name in MANAGED_POLICY_TYPES:
            findings.error(where, "managed policy attachment; use an inline aws_iam_role_policy")
        if type_name == "aws_iam_role" and ("managed_policy_arns" in body or "inline_policy" in body):
            findings.error(where, "managed_policy_arns/inline_policy on the role; use aws_iam_role_policy")
        if type_name == "aws_secretsmanager_secret_version":
            findings.error(where, "secret values must be set outside Terraform, never in state")
        if type_name == "aws_security_group" and ("ingress" in body or "egress" in body):
            findings.error(where, "inline rules; use aws_vpc_security_group_ingress_rule/egress_rule")
        if type_name == "aws_vpc_security_group_ingress_rule":
            check_rules(where, body, "ingress", findings)
        if type_name == "aws_vpc_security_group_egress_rule":
            check_rules(where, body, "egress", findings)
        if type_name == "aws_ecs_service":
            network = as_list(body.get("network_configuration"))
            if not network or any(n.get("assign_public_ip") is not False for n in network):
                findings.error(where, "tasks must run with assign_public_ip = false")
        for argument in DOCUMENT_ARGUMENTS.get(type_name, []):
            if argument not in body:
                continue
            at = f"{where}.{argument}"
            decoded = decode(at, body[argument], findings)
            if decoded is None:
                continue
            if type_name in IAM_POLICY_TYPES:
                check_iam_policy(at, decoded, findings)
            elif type_name == "aws_iam_role":
                check_trust_policy(at, decoded, findings)
            elif type_name == "aws_s3_bucket_policy":
                if check_bucket_policy(at, decoded, findings):
                    tls_buckets.add(str(body.get("bucket", "")))
            elif type_name == "aws_ecs_task_definition":
                check_containers(at, decoded, findings)

    for (type_name, name), (file_name, _) in sorted(resources.items()):
        if type_name != "aws_s3_bucket":
            continue
        references = {f"${{aws_s3_bucket.{name}.id}}", f"${{aws_s3_bucket.{name}.bucket}}"}
        if not references & tls_buckets:
            findings.error(f"{stack_dir}/{file_name}: aws_s3_bucket.{name}", "no bucket policy denying requests without TLS")


def main(arguments):
    if not arguments:
        print(__doc__, file=sys.stderr)
        return 2
    findings = Findings()
    for stack_dir in arguments:
        lint_stack(stack_dir, findings)
    for line in findings.warnings + findings.errors:
        print(line)
    print(f"policy_lint: {len(findings.errors)} error(s), {len(findings.warnings)} warning(s)")
    return 1 if findings.errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

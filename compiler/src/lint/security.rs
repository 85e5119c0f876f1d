//! Security rules: tasks reachable only from the load balancer and only in private
//! subnets without public IPs; IAM without wildcards or managed policies; buckets
//! private and encrypted; no credentials in plain environment variables.

use std::collections::BTreeSet;

use super::{at_value, block, referenced, used_by, AddressRef};
use crate::diagnostics::{Code, Diagnostic};
use crate::eval::stack::{Resource, Stack};
use crate::eval::value::{Value, ValueKind};

pub fn check(stack: &Stack, out: &mut Vec<Diagnostic>) {
    plaintext_secrets(stack, out);
    secret_values(stack, out);
    task_network(stack, out);
    iam(stack, out);
    buckets(stack, out);
    plain_http(stack, out);
}

/// Words that make an environment variable's name look like a credential.
const CREDENTIAL_WORDS: [&str; 5] = ["KEY", "SECRET", "TOKEN", "PASSWORD", "CREDENTIAL"];

fn plaintext_secrets(stack: &Stack, out: &mut Vec<Diagnostic>) {
    for resource in stack.of_type("aws_ecs_task_definition") {
        let Some(definitions) = resource.body.value("container_definitions") else {
            continue;
        };
        let ValueKind::Json(containers) = &definitions.kind else {
            continue;
        };
        for container in containers.as_list().unwrap_or_default() {
            let Some(environment) = container.field("environment").and_then(Value::as_list) else {
                continue;
            };
            for variable in environment {
                let (Some(name), Some(value)) = (
                    variable.field("name").and_then(Value::as_str),
                    variable.field("value"),
                ) else {
                    continue;
                };
                let upper = name.to_ascii_uppercase();
                if !CREDENTIAL_WORDS.iter().any(|word| upper.contains(word)) || value.is_deferred()
                {
                    continue;
                }
                out.push(used_by(
                    at_value(
                        Code::PlaintextSecret,
                        value,
                        format!("`{name}` looks like a credential, but its value is written in plain text"),
                    )
                    .with_label("this value would be stored in the task definition and in Terraform state")
                    .with_help(format!(
                        "move it to `secrets`: `{name} = secret(\"{}\")`, and set its value in Secrets Manager",
                        name.to_ascii_lowercase().replace('_', "-")
                    )),
                    resource,
                ));
            }
        }
    }
}

/// A secret's value in the sources would land in Terraform state and plans.
fn secret_values(stack: &Stack, out: &mut Vec<Diagnostic>) {
    for version in stack.of_type("aws_secretsmanager_secret_version") {
        let written = ["secret_string", "secret_binary"]
            .iter()
            .find_map(|name| version.body.value(name))
            .filter(|value| !value.is_deferred());
        if let Some(value) = written {
            out.push(used_by(
                at_value(Code::PlaintextSecret, value, "a secret's value is written in the sources")
                    .with_label("this would be stored in Terraform state")
                    .with_help("create only the secret; set its value outside Terraform (`aws secretsmanager put-secret-value`)"),
                version,
            ));
        }
    }
}

/// The addresses a list of references names.
fn addresses(value: Option<&Value>) -> BTreeSet<AddressRef<'_>> {
    value
        .and_then(Value::as_list)
        .unwrap_or_default()
        .iter()
        .filter_map(referenced)
        .collect()
}

fn task_network(stack: &Stack, out: &mut Vec<Diagnostic>) {
    let load_balancer_groups: BTreeSet<AddressRef<'_>> = stack
        .of_type("aws_lb")
        .flat_map(|lb| addresses(lb.body.value("security_groups")))
        .collect();
    let public_subnets = public_subnets(stack);
    for service in stack.of_type("aws_ecs_service") {
        let Some(network) = block(&service.body, "network_configuration") else {
            continue;
        };
        if let Some(public_ip) = network.value("assign_public_ip") {
            if public_ip.kind == ValueKind::Bool(true) {
                out.push(used_by(
                    at_value(
                        Code::PublicTask,
                        public_ip,
                        "tasks must not get public IP addresses",
                    )
                    .with_help(
                        "set `assign_public_ip = false`; tasks reach the internet through NAT",
                    ),
                    service,
                ));
            }
        }
        if let Some(subnets) = network.value("subnets") {
            for subnet in addresses(Some(subnets)).intersection(&public_subnets) {
                out.push(used_by(
                    at_value(Code::PublicTask, subnets, format!("tasks are placed in the public subnet `{subnet}`"))
                        .with_help("run tasks in the private subnets; only the load balancer sits in public ones"),
                    service,
                ));
            }
        }
        let task_groups = addresses(network.value("security_groups"));
        for kind in &INGRESS_RULES {
            for rule in stack.of_type(kind.type_name) {
                let Some(group) = rule.body.value("security_group_id").and_then(referenced) else {
                    continue;
                };
                let is_ingress = kind.ingress_only_when.is_none_or(|(name, wanted)| {
                    rule.body.value(name).and_then(Value::as_str) == Some(wanted)
                });
                let source = rule.body.value(kind.source_group).and_then(referenced);
                if !is_ingress
                    || !task_groups.contains(&group)
                    || source.is_some_and(|source| load_balancer_groups.contains(&source))
                {
                    continue;
                }
                out.push(used_by(
                    at_first_argument(
                        rule,
                        kind.sources,
                        Code::PublicTaskIngress,
                        "tasks accept traffic from somewhere other than the load balancer",
                    )
                    .with_label("this source may reach the tasks")
                    .with_help(
                        "allow ingress to the tasks only from the load balancer's security group",
                    ),
                    rule,
                ));
            }
        }
        for group in &task_groups {
            let Some(resource) = stack.resources.get(&group.owned()) else {
                continue;
            };
            // `ingress` of `aws_security_group` is an attribute holding a list of rules.
            if let Some(inline) = resource
                .body
                .value("ingress")
                .filter(|rules| rules.as_list().is_some_and(|list| !list.is_empty()))
            {
                out.push(used_by(
                    at_value(Code::PublicTaskIngress, inline, "the tasks' security group has inline ingress rules")
                        .with_label("these rules are not limited to the load balancer")
                        .with_help("write ingress as `aws_vpc_security_group_ingress_rule` from the load balancer's group"),
                    resource,
                ));
            }
        }
    }
}

/// A kind of standalone rule that may open the tasks' security group.
struct IngressRule {
    type_name: &'static str,
    /// The argument naming the group the traffic comes from.
    source_group: &'static str,
    /// Every argument that names a source, first the most likely culprit.
    sources: &'static [&'static str],
    /// For rule types that hold egress rules too: the argument and value marking ingress.
    ingress_only_when: Option<(&'static str, &'static str)>,
}

const INGRESS_RULES: [IngressRule; 2] = [
    IngressRule {
        type_name: "aws_vpc_security_group_ingress_rule",
        source_group: "referenced_security_group_id",
        sources: &[
            "cidr_ipv4",
            "cidr_ipv6",
            "prefix_list_id",
            "referenced_security_group_id",
        ],
        ingress_only_when: None,
    },
    IngressRule {
        type_name: "aws_security_group_rule",
        source_group: "source_security_group_id",
        sources: &[
            "cidr_blocks",
            "ipv6_cidr_blocks",
            "prefix_list_ids",
            "source_security_group_id",
            "self",
        ],
        ingress_only_when: Some(("type", "ingress")),
    },
];

/// A diagnostic at the first of `arguments` the resource sets, or at the resource.
fn at_first_argument(
    resource: &Resource,
    arguments: &[&str],
    code: Code,
    message: &str,
) -> Diagnostic {
    match arguments.iter().find_map(|name| resource.body.value(name)) {
        Some(value) => at_value(code, value, message),
        None => Diagnostic::new(code, resource.origin.file, resource.origin.span, message),
    }
}

/// Subnets routed to an internet gateway, or giving instances public IPs.
fn public_subnets(stack: &Stack) -> BTreeSet<AddressRef<'_>> {
    let internet_tables: BTreeSet<AddressRef<'_>> = stack
        .of_type("aws_route")
        .filter(|route| {
            route
                .body
                .value("gateway_id")
                .and_then(referenced)
                .is_some_and(|gateway| gateway.type_name == "aws_internet_gateway")
        })
        .filter_map(|route| route.body.value("route_table_id").and_then(referenced))
        .collect();
    let mut public: BTreeSet<AddressRef<'_>> = stack
        .of_type("aws_route_table_association")
        .filter(|association| {
            association
                .body
                .value("route_table_id")
                .and_then(referenced)
                .is_some_and(|table| internet_tables.contains(&table))
        })
        .filter_map(|association| association.body.value("subnet_id").and_then(referenced))
        .collect();
    public.extend(
        stack
            .of_type("aws_subnet")
            .filter(|subnet| {
                subnet
                    .body
                    .value("map_public_ip_on_launch")
                    .is_some_and(|v| v.kind == ValueKind::Bool(true))
            })
            .map(|subnet| AddressRef::of(&subnet.address)),
    );
    public
}

fn iam(stack: &Stack, out: &mut Vec<Diagnostic>) {
    for type_name in [
        "aws_iam_role_policy_attachment",
        "aws_iam_policy_attachment",
    ] {
        for resource in stack.of_type(type_name) {
            let diagnostic = at_first_argument(
                resource,
                &["policy_arn"],
                Code::ManagedPolicy,
                "a managed policy is attached to a role",
            );
            out.push(used_by(
                diagnostic.with_help("write the exact statements in an `aws_iam_role_policy`"),
                resource,
            ));
        }
    }
    for role in stack.of_type("aws_iam_role") {
        if let Some(value) = role.body.value("managed_policy_arns") {
            out.push(used_by(
                at_value(
                    Code::ManagedPolicy,
                    value,
                    "managed policies are attached to a role",
                )
                .with_help("write the exact statements in an `aws_iam_role_policy`"),
                role,
            ));
        }
    }
    for policy in stack
        .of_type("aws_iam_role_policy")
        .chain(stack.of_type("aws_iam_policy"))
    {
        let Some(document) = policy.body.value("policy") else {
            continue;
        };
        let ValueKind::Json(document) = &document.kind else {
            continue;
        };
        let statements = match document.field("Statement") {
            Some(statement) => statement
                .as_list()
                .map(<[Value]>::to_vec)
                .unwrap_or_else(|| vec![statement.clone()]),
            None => Vec::new(),
        };
        for statement in &statements {
            wildcard_statement(statement, policy, out);
        }
    }
}

fn strings(value: Option<&Value>) -> Vec<&Value> {
    match value {
        Some(value) => match value.as_list() {
            Some(items) => items.iter().collect(),
            None => vec![value],
        },
        None => Vec::new(),
    }
}

fn wildcard_statement(statement: &Value, policy: &Resource, out: &mut Vec<Diagnostic>) {
    if statement.field("Effect").and_then(Value::as_str) != Some("Allow") {
        return;
    }
    for key in ["NotAction", "NotResource"] {
        if let Some(value) = statement.field(key) {
            out.push(used_by(
                at_value(
                    Code::WildcardIam,
                    value,
                    format!("`{key}` allows everything it does not name"),
                )
                .with_help("list the exact actions and resources instead"),
                policy,
            ));
        }
    }
    let actions = strings(statement.field("Action"));
    for action in &actions {
        if action.as_str().is_some_and(|text| text.contains('*')) {
            out.push(used_by(
                at_value(
                    Code::WildcardIam,
                    action,
                    format!("the action {action} is a wildcard"),
                )
                .with_help("name the exact actions the task needs"),
                policy,
            ));
        }
    }
    let only_unscopable = !actions.is_empty()
        && actions
            .iter()
            .all(|action| action.as_str() == Some("ecr:GetAuthorizationToken"));
    for resource in strings(statement.field("Resource")) {
        if resource.as_str() == Some("*") && !only_unscopable {
            out.push(used_by(
                at_value(
                    Code::WildcardIam,
                    resource,
                    "the resource `*` grants these actions on everything",
                )
                .with_help("name the exact ARNs; only `ecr:GetAuthorizationToken` may use `*`"),
                policy,
            ));
        }
    }
}

fn buckets(stack: &Stack, out: &mut Vec<Diagnostic>) {
    let mut blocked = BTreeSet::new();
    for access in stack.of_type("aws_s3_bucket_public_access_block") {
        let all_on = [
            "block_public_acls",
            "block_public_policy",
            "ignore_public_acls",
            "restrict_public_buckets",
        ]
        .iter()
        .all(|name| {
            access
                .body
                .value(name)
                .is_some_and(|value| value.kind == ValueKind::Bool(true))
        });
        if let (true, Some(bucket)) = (all_on, access.body.value("bucket").and_then(referenced)) {
            blocked.insert(bucket);
        }
    }
    let encrypted: BTreeSet<AddressRef<'_>> = stack
        .of_type("aws_s3_bucket_server_side_encryption_configuration")
        .filter_map(|encryption| encryption.body.value("bucket").and_then(referenced))
        .collect();
    for bucket in stack.of_type("aws_s3_bucket") {
        let mut missing = Vec::new();
        if !blocked.contains(&AddressRef::of(&bucket.address)) {
            missing.push("a public access block with all four settings on");
        }
        if !encrypted.contains(&AddressRef::of(&bucket.address)) {
            missing.push("server-side encryption");
        }
        if missing.is_empty() {
            continue;
        }
        out.push(
            Diagnostic::new(
                Code::UnprotectedBucket,
                bucket.origin.file,
                bucket.origin.span,
                format!(
                    "bucket `{}` lacks {}",
                    bucket.address,
                    missing.join(" and ")
                ),
            )
            .with_help("create buckets with the standard library's `secure_bucket` module"),
        );
    }
}

fn plain_http(stack: &Stack, out: &mut Vec<Diagnostic>) {
    if stack.name != "prod" && stack.name != "production" {
        return;
    }
    for listener in stack.of_type("aws_lb_listener") {
        let forwards = listener
            .body
            .blocks("default_action")
            .iter()
            .any(|action| action.value("type").and_then(Value::as_str) == Some("forward"));
        let http = listener.body.value("protocol").and_then(Value::as_str) == Some("HTTP");
        if forwards && http {
            out.push(
                Diagnostic::new(
                    Code::PlainHttp,
                    stack.origin.file,
                    stack.origin.span,
                    format!(
                        "`{}` serves plain HTTP: no certificate is given",
                        stack.name
                    ),
                )
                .with_secondary(
                    listener.origin.file,
                    listener.origin.span,
                    "this listener forwards HTTP",
                )
                .with_help(
                    "set `certificate_arn` to an ACM certificate to serve HTTPS and redirect HTTP",
                ),
            );
        }
    }
}

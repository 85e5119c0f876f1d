#!/usr/bin/env python3
"""Generate `.rag` workspaces for benchmarking ragc.

Two modes, both deterministic for given arguments (same arguments, same bytes):

  generate.py envs OUT_DIR --envs N [--envs-per-file K] [--services S] [--seed X]
      N environments, each a full instance of the standard library's `fargate_rag`
      blueprint with varied values (region, 2 or 3 zones, single or per-zone NAT, fixed
      or autoscaled capacity, a valid Fargate size, a valid log retention, unique names
      and state keys), spread over files of K environments each. The services (S of
      them, with different ports, settings, secrets and documents) live in one shared
      `apps.rag`; `globals.rag` holds one `global_platform` stack per service, creating
      its image repository and state bucket, as `envs/global.rag` does.

  generate.py large OUT_DIR [--lines L] [--large-envs E] [--seed X]
      One file, `large.rag`, of at least L lines (20,000 by default): a record type,
      one `let` record, two `fn`s and one `module` (six resources) per component,
      modules grouping ten components each, a root module with a backend and a
      provider instantiating every group, E environments of that root module, and two
      `fargate_rag` environments of a Service declared in the same file.

Each mode writes the files and `files.txt` (the files to pass to `ragc build`, one per
line, relative to OUT_DIR), and prints a one-line summary. Only the standard library is
used.
"""

import argparse
import os
import random
import sys

# Regions and how many zones ragc knows for them (compiler/src/lint/regions.rs).
REGIONS = [
    ("us-east-1", 6),
    ("us-east-2", 3),
    ("us-west-2", 4),
    ("us-west-1", 2),
    ("eu-west-1", 3),
    ("eu-central-1", 3),
    ("eu-north-1", 3),
    ("ap-southeast-2", 3),
    ("ap-northeast-1", 3),
    ("ca-central-1", 3),
]

# Valid Fargate (cpu, memory) pairs, as written in `.rag`.
TASK_SIZES = [
    ("0.25 vcpu", "512 MB"),
    ("0.25 vcpu", "1 GB"),
    ("0.5 vcpu", "1 GB"),
    ("0.5 vcpu", "2 GB"),
    ("0.5 vcpu", "4 GB"),
    ("1 vcpu", "2 GB"),
    ("1 vcpu", "4 GB"),
    ("1 vcpu", "8 GB"),
    ("2 vcpu", "4 GB"),
    ("2 vcpu", "8 GB"),
    ("2 vcpu", "16 GB"),
    ("4 vcpu", "8 GB"),
    ("4 vcpu", "16 GB"),
    ("4 vcpu", "30 GB"),
]

# CloudWatch Logs retention periods (compiler/src/lint/fargate.rs), in days.
RETENTIONS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731]

STAGES = ["dev", "qa", "stg", "prd", "demo", "perf"]

# The services of the shared application file: (let name, service name, port, health
# check, plain settings, injected secrets, runtime secrets, documents bucket, read
# prefixes). Service name + "-" + environment name must stay within the 32 characters
# of an ALB name (environment names are at most 8 characters here).
SERVICES = [
    ("rag_api", "rag-api", 8000, "/health",
     {"LOG_LEVEL": "info", "DOCUMENTS_PREFIX": "corpus/"},
     ["openai-api-key", "anthropic-api-key", "database-url"], [],
     "bench-rag-documents", ["corpus/", "indices/"]),
    ("search_api", "search-api", 8080, "/healthz",
     {"LOG_LEVEL": "warning", "INDEX_PREFIX": "indices/", "TOP_K": "8"},
     ["openai-api-key", "vector-db-url"], ["reranker-api-key"],
     "bench-search-indices", ["indices/"]),
    ("ingest", "ingest", 9000, "/ready",
     {"LOG_LEVEL": "debug", "BATCH_SIZE": "64", "CHUNK_CHARS": "1200", "OVERLAP": "200"},
     ["database-url"], ["crawler-token", "webhook-signing"],
     "bench-ingest-raw", ["raw/", "parsed/", "chunks/"]),
    ("chat_ui", "chat-ui", 3000, "/",
     {"LOG_LEVEL": "info", "API_BASE": "/api"},
     [], [],
     "bench-chat-assets", []),
    ("eval_runner", "eval-runner", 8500, "/health",
     {"LOG_LEVEL": "info", "SUITE": "nightly"},
     ["openai-api-key", "anthropic-api-key"], ["results-db-url"],
     "bench-eval-sets", ["suites/", "results/"]),
    ("summarizer", "summarizer", 7000, "/status",
     {"LOG_LEVEL": "info", "MAX_TOKENS": "1024"},
     ["anthropic-api-key"], [],
     "bench-summaries", ["inbox/"]),
]


def rag_string(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$") + '"'


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)


def record_lines(fields, indent="  "):
    """`key = value` lines with aligned `=`, as `ragc fmt` writes them."""
    width = max(len(key) for key, _ in fields)
    return [f"{indent}{key.ljust(width)} = {value}" for key, value in fields]


def service_block(spec):
    (let_name, name, port, health, settings, secrets, runtime, bucket, read) = spec
    lines = [f"/// The `{name}` service.", f"let {let_name} = Service {{"]
    fields = [
        ("name", rag_string(name)),
        ("image", f"ecr({rag_string(name)})"),
        ("port", str(port)),
        ("health_check", rag_string(health)),
        ("environment", "{ " + ", ".join(f"{k} = {rag_string(v)}" for k, v in settings.items()) + " }"),
    ]
    lines += record_lines(fields)
    if secrets:
        lines.append("  secrets = {")
        secret_fields = [(s.upper().replace("-", "_"), f"secret({rag_string(s)})") for s in secrets]
        lines += record_lines(secret_fields, indent="    ")
        lines.append("  }")
    tail = []
    if runtime:
        tail.append(("runtime_secrets", "[" + ", ".join(f"secret({rag_string(s)})" for s in runtime) + "]"))
    read_list = "[" + ", ".join(rag_string(p) for p in read) + "]"
    tail.append(("documents", f"bucket({rag_string(bucket)}, read = {read_list})"))
    if secrets:
        lines += record_lines(tail)
    else:
        lines[-len(fields):] = record_lines(fields + tail)
    lines.append("}")
    return "\n".join(lines) + "\n"


def state_bucket_of(spec):
    return f"bench-{spec[1]}-terraform-state"


def workspace(count, per_file, services, seed):
    """The services and the environments of an `envs` workspace: (specs, files), where
    `files` lists each file's environments (values of `environment_values`), `per_file`
    to a file."""
    if count < 1 or per_file < 1:
        sys.exit("--envs and --envs-per-file must be at least 1")
    if not 1 <= services <= len(SERVICES):
        sys.exit(f"--services must be between 1 and {len(SERVICES)}")
    specs = SERVICES[:services]
    rng = random.Random(f"ragc-bench-envs-{seed}")
    environments = [environment_values(index, specs, rng) for index in range(count)]
    return specs, [environments[first:first + per_file] for first in range(0, count, per_file)]


def generate_envs(out, count, per_file, services, seed):
    specs, env_files = workspace(count, per_file, services, seed)

    apps = ["// Generated by bench/generate.py: the services every environment runs.", ""]
    for spec in specs:
        apps.append(service_block(spec))
        apps.append(f"/// The state bucket of `{spec[1]}`'s environments.")
        apps.append(f"let {spec[0]}_state = {rag_string(state_bucket_of(spec))}")
        apps.append("")
    write(os.path.join(out, "apps.rag"), "\n".join(apps))

    globals_ = ['import "apps.rag"', ""]
    for spec in specs:
        globals_ += [
            f"/// The image repository and state bucket of `{spec[1]}`.",
            f"env global_{spec[0]} = global_platform {{",
            *record_lines([
                ("region", '"us-east-1"'),
                ("repository", f"{spec[0]}.image.repository"),
                ("state_bucket", f"{spec[0]}_state"),
            ]),
            "}",
            "",
        ]
    write(os.path.join(out, "globals.rag"), "\n".join(globals_))

    files = ["apps.rag", "globals.rag"]
    for number, environments in enumerate(env_files):
        name = f"envs_{number:04d}.rag"
        body = ['import "apps.rag"', 'import "globals.rag"', ""]
        for values in environments:
            body += env_block(values)
        write(os.path.join(out, name), "\n".join(body))
        files.append(name)
    write(os.path.join(out, "files.txt"), "\n".join(files) + "\n")
    return files


def environment_values(index, specs, rng):
    """The values of environment `index`, drawn from `rng`: a dict that `env_block` writes
    as `.rag` and bench/peers/generate.py writes in the peers' languages. `capacity` is
    ("fixed", count) or ("autoscale", low, high, cpu_target, requests_per_target or
    None); the optional fields are None when absent."""
    stage = STAGES[index % len(STAGES)]
    env_name = f"{stage}{index:04d}"
    spec = specs[rng.randrange(len(specs))]
    region, region_zones = REGIONS[rng.randrange(len(REGIONS))]
    zones = min(rng.choice([2, 3]), region_zones)
    nat = rng.choice(["single", "per_zone"])
    if rng.random() < 0.5:
        capacity = ("fixed", rng.randint(1, 3))
    else:
        low = rng.randint(1, 4)
        high = low + rng.randint(1, 8)
        cpu_target = rng.choice([50, 60, 70, 75])
        requests = rng.choice([100, 250, 500]) if rng.random() < 0.3 else None
        capacity = ("autoscale", low, high, cpu_target, requests)
    cpu, memory = TASK_SIZES[rng.randrange(len(TASK_SIZES))]
    days = rng.choice(RETENTIONS)
    certificate_arn = None
    if rng.random() < 0.5:
        certificate_arn = (f"arn:aws:acm:{region}:123456789012:certificate/"
                           f"{index:08d}-0000-4000-8000-{rng.randrange(16**12):012x}")
    container_insights = True if rng.random() < 0.3 else None
    cidr = f"10.{rng.randrange(256)}.0.0/16" if rng.random() < 0.4 else None
    return {
        "index": index,
        "name": env_name,
        "service": spec,
        "region": region,
        "zones": zones,
        "nat": nat,
        "capacity": capacity,
        "cpu": cpu,
        "memory": memory,
        "log_retention_days": days,
        "state_key": env_name + "/terraform.tfstate",
        "certificate_arn": certificate_arn,
        "container_insights": container_insights,
        "cidr": cidr,
    }


class RagSpelling:
    """How `.rag` writes each kind of value of an environment; the peers' generator
    (bench/peers/generate.py) has one such class per language."""

    string = staticmethod(rag_string)
    cidr = staticmethod(str)

    @staticmethod
    def service(spec):
        return spec[0]

    @staticmethod
    def nat(mode):
        return mode

    @staticmethod
    def capacity(capacity):
        if capacity[0] == "fixed":
            return f"fixed({capacity[1]})"
        _, low, high, cpu_target, requests = capacity
        text = f"autoscale({low}..{high}, cpu_target = {cpu_target}%"
        if requests is not None:
            text += f", requests_per_target = {requests}"
        return text + ")"

    @staticmethod
    def task(cpu, memory):
        return f"{{ cpu = {cpu}, memory = {memory} }}"

    @staticmethod
    def days(days):
        return f"{days} {'day' if days == 1 else 'days'}"

    @staticmethod
    def state(spec, key):
        return f"s3_state({spec[0]}_state, key = {rag_string(key)})"


def environment_fields(values, spell):
    """The fields of an environment as (name, source text) pairs, in the language that
    `spell` writes (see `RagSpelling`); the optional ones only where they are set."""
    fields = [
        ("service", spell.service(values["service"])),
        ("region", spell.string(values["region"])),
        ("zones", str(values["zones"])),
        ("nat", spell.nat(values["nat"])),
        ("capacity", spell.capacity(values["capacity"])),
        ("task", spell.task(values["cpu"], values["memory"])),
        ("log_retention", spell.days(values["log_retention_days"])),
        ("state", spell.state(values["service"], values["state_key"])),
    ]
    if values["certificate_arn"] is not None:
        fields.append(("certificate_arn", spell.string(values["certificate_arn"])))
    if values["container_insights"]:
        fields.append(("container_insights", "true"))
    if values["cidr"] is not None:
        fields.append(("cidr", spell.cidr(values["cidr"])))
    return fields


def env_block(values):
    spec = values["service"]
    fields = environment_fields(values, RagSpelling)
    return [
        f"/// Environment {values['index']}: {spec[1]} in {values['region']}, {values['zones']} zones.",
        f"env {values['name']} = fargate_rag {{",
        *record_lines(fields),
        "}",
        "",
    ]




def component_block(i, rng):
    cid = f"{i:04d}"
    retention = rng.choice(RETENTIONS)
    return f"""/// The settings of component {cid}.
let profile_{cid} = ComponentProfile {{
  team       = "team-{i % 17:02d}"
  retention  = {retention} {'day' if retention == 1 else 'days'}
  visibility = {rng.choice([30, 45, 60, 120, 300])}
  threshold  = {rng.randint(10, 5000)}
  tier       = "{rng.choice(['Standard', 'Advanced'])}"
  tags       = {{ CostCenter = "cc-{i % 40:03d}", Component = "c{cid}" }}
}}

/// The queue-depth alarm threshold of component {cid}, scaled by an environment's load.
fn threshold_{cid}(profile: ComponentProfile, factor: Int): Int = profile.threshold * factor + {i % 97}

/// The tags of component {cid} in an environment.
fn tags_{cid}(environment: String, profile: ComponentProfile): Map<String> = merge(profile.tags, {{
  Environment = environment
  Team        = profile.team
}})

/// Component {cid}: a work queue with its dead-letter queue, a depth alarm, the queue's
/// URL in Parameter Store and a log group.
module component_{cid}(
  environment: String,
  prefix: String,
  profile: ComponentProfile,
  factor: Int = 1,
) {{
  let base = "${{prefix}}-c{cid}"
  let tags = tags_{cid}(environment, profile)

  resource aws_cloudwatch_log_group logs {{
    name              = "/components/${{base}}"
    retention_in_days = units(profile.retention)
    tags              = tags
  }}

  resource aws_sqs_queue dead_letter {{
    name                      = "${{base}}-dlq"
    message_retention_seconds = 1209600
    sqs_managed_sse_enabled   = true
    tags                      = tags
  }}

  resource aws_sqs_queue work {{
    name                       = "${{base}}-work"
    visibility_timeout_seconds = profile.visibility
    sqs_managed_sse_enabled    = true
    redrive_policy = jsonencode({{
      deadLetterTargetArn = aws_sqs_queue.dead_letter.arn
      maxReceiveCount     = 5
    }})
    tags = tags
  }}

  resource aws_cloudwatch_metric_alarm depth {{
    alarm_name          = "${{base}}-depth"
    comparison_operator = "GreaterThanThreshold"
    evaluation_periods  = 3
    metric_name         = "ApproximateNumberOfMessagesVisible"
    namespace           = "AWS/SQS"
    period              = 60
    statistic           = "Maximum"
    threshold           = threshold_{cid}(profile, factor)
    dimensions          = {{ QueueName = aws_sqs_queue.work.name }}
    tags                = tags
  }}

  resource aws_ssm_parameter queue_url {{
    name  = "/${{environment}}/c{cid}/queue-url"
    type  = "String"
    tier  = profile.tier
    value = aws_sqs_queue.work.url
    tags  = tags
  }}

  resource aws_ssm_parameter dead_letter_url {{
    name  = "/${{environment}}/c{cid}/dead-letter-url"
    type  = "String"
    value = aws_sqs_queue.dead_letter.url
    tags  = tags
  }}

  output queue_arn = aws_sqs_queue.work.arn
  output log_group = aws_cloudwatch_log_group.logs.name
}}
"""


LARGE_HEADER = """// Generated by bench/generate.py: one large file for benchmarking ragc.

/// The settings of one component.
type ComponentProfile {
  /// The owning team.
  team: String
  /// How long the component's logs are kept.
  retention: Duration
  /// The work queue's visibility timeout, in seconds.
  visibility: Int
  /// The queue depth that raises the alarm, before scaling.
  threshold: Int
  /// The Parameter Store tier.
  tier: String
  /// Extra tags.
  tags: Map<String> = {}
}

/// The state bucket of the large stacks.
let large_state = "bench-large-terraform-state"

/// The service of the large file's Fargate environments.
let large_service = Service {
  name         = "large-api"
  image        = ecr("large-api")
  port         = 8000
  health_check = "/health"
  environment  = { LOG_LEVEL = "info" }
  secrets      = { OPENAI_API_KEY = secret("openai-api-key") }
  documents    = bucket("bench-large-documents", read = ["corpus/"])
}
"""

GROUP_SIZE = 10


def generate_large(out, lines, envs, seed):
    if lines < 1 or envs < 1:
        sys.exit("--lines and --large-envs must be at least 1")
    # Whole groups of components, as few as give at least `lines` lines.
    groups = 1
    while True:
        text = large_text(groups, envs, seed)
        if text.count("\n") >= lines:
            break
        per_group = text.count("\n") / groups
        groups = max(groups + 1, int(lines / per_group))
    write(os.path.join(out, "large.rag"), text)
    write(os.path.join(out, "files.txt"), "large.rag\n")
    return groups * GROUP_SIZE, groups, text.count("\n")


def large_text(groups, envs, seed):
    rng = random.Random(f"ragc-bench-large-{seed}")
    components = groups * GROUP_SIZE
    parts = [LARGE_HEADER]
    for i in range(components):
        parts.append("\n" + component_block(i, rng))
    for g in range(groups):
        members = range(g * GROUP_SIZE, (g + 1) * GROUP_SIZE)
        body = [
            "",
            f"/// Components {g * GROUP_SIZE:04d} to {(g + 1) * GROUP_SIZE - 1:04d}.",
            f"module group_{g:03d}(environment: String, prefix: String, factor: Int) {{",
        ]
        for i in members:
            body.append(f"  let c{i:04d} = component_{i:04d} {{")
            body += record_lines([
                ("environment", "environment"),
                ("prefix", "prefix"),
                ("profile", f"profile_{i:04d}"),
                ("factor", "factor"),
            ], indent="    ")
            body.append("  }")
        body.append("")
        for output, field in [("queue_arns", "queue_arn"), ("log_groups", "log_group")]:
            body.append(f"  output {output} = [")
            body += [f"    c{i:04d}.{field}," for i in members]
            body.append("  ]")
        body.append("}")
        parts.append("\n".join(body) + "\n")
    root = [
        "",
        "/// Every component group, as one stack.",
        "module large_platform(environment: String, region: String, state_bucket: String, factor: Int = 1) {",
        "  backend s3 {",
        *record_lines([
            ("bucket", "state_bucket"),
            ("key", '"${environment}/terraform.tfstate"'),
            ("region", "region"),
            ("encrypt", "true"),
            ("use_lockfile", "true"),
        ], indent="    "),
        "  }",
        "",
        "  provider aws {",
        "    region = region",
        "    default_tags {",
        '      tags = { Environment = environment, ManagedBy = "ragc" }',
        "    }",
        "  }",
        "",
    ]
    for g in range(groups):
        root.append(f"  let g{g:03d} = group_{g:03d} {{ environment = environment, prefix = environment, factor = factor }}")
    root.append("")
    root.append("  /// Every work queue's ARN.")
    root.append("  output queue_arns = concat(")
    root += [f"    g{g:03d}.queue_arns," for g in range(groups)]
    root.append("  )")
    root.append("}")
    parts.append("\n".join(root) + "\n")
    env_lines = []
    for e in range(envs):
        region, _ = REGIONS[e % len(REGIONS)]
        name = f"large{chr(ord('a') + e % 26)}{e // 26 or ''}"
        env_lines += [
            "",
            f"env {name} = large_platform {{",
            *record_lines([
                ("region", rag_string(region)),
                ("state_bucket", "large_state"),
                ("factor", str(e + 1)),
            ]),
            "}",
        ]
    for e, (zones, nat, capacity) in enumerate([(2, "single", "fixed(1)"),
                                                (3, "per_zone", "autoscale(2..6, cpu_target = 60%)")]):
        name = f"largefg{e}"
        env_lines += [
            "",
            f"env {name} = fargate_rag {{",
            *record_lines([
                ("service", "large_service"),
                ("region", '"eu-west-1"'),
                ("zones", str(zones)),
                ("nat", nat),
                ("capacity", capacity),
                ("task", "{ cpu = 1 vcpu, memory = 2 GB }"),
                ("log_retention", "30 days"),
                ("state", f"s3_state(large_state, key = \"{name}/terraform.tfstate\")"),
            ]),
            "}",
        ]
    parts.append("\n".join(env_lines) + "\n")
    return "".join(parts)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="mode", required=True)
    envs = sub.add_parser("envs", help="N fargate_rag environments spread over files")
    envs.add_argument("out")
    envs.add_argument("--envs", type=int, required=True, help="number of fargate_rag environments")
    envs.add_argument("--envs-per-file", type=int, default=10)
    envs.add_argument("--services", type=int, default=4, help=f"services in apps.rag (1 to {len(SERVICES)})")
    envs.add_argument("--seed", type=int, default=1)
    large = sub.add_parser("large", help="one file of at least --lines lines")
    large.add_argument("out")
    large.add_argument("--lines", type=int, default=20000)
    large.add_argument("--large-envs", type=int, default=4, help="environments of the root module")
    large.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    if args.mode == "envs":
        files = generate_envs(args.out, args.envs, args.envs_per_file, args.services, args.seed)
        total_lines = total_bytes = 0
        for name in files:
            with open(os.path.join(args.out, name), encoding="utf-8") as handle:
                text = handle.read()
            total_lines += text.count("\n")
            total_bytes += len(text.encode("utf-8"))
        print(f"{args.out}: {args.envs} fargate_rag environments + {args.services} global stacks "
              f"in {len(files)} files, {total_lines} lines, {total_bytes} bytes")
    else:
        components, groups, lines = generate_large(args.out, args.lines, args.large_envs, args.seed)
        print(f"{args.out}/large.rag: {lines} lines, {components} component modules in {groups} groups, "
              f"{args.large_envs} large_platform environments + 2 fargate_rag environments")


if __name__ == "__main__":
    main()

//! The real environments (`envs/`): their stacks equal the reviewed goldens, hold the
//! specification's table row by row, come out byte-identical on every run, pass
//! `terraform validate` and a mocked plan and apply, and pass checkov.
//!
//! Terraform and checkov are external: without them these tests say that they skipped
//! (`.ci/run` sets `RAGC_REQUIRE_TOOLS=1`, which turns a missing tool into a failure).

use std::path::{Path, PathBuf};
use std::process::Command;

use ragc::compile::{Compilation, CompiledStack};
use ragc_tests::{check_golden, compile_files};
use serde_json::Value as Json;

const ENVIRONMENTS: [&str; 3] = ["staging", "prod", "global"];

fn repository_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Compiles the three environments from the repository root, as a user would, on `jobs`
/// threads.
fn compile_envs(jobs: usize) -> Compilation {
    let root = repository_root();
    std::env::set_current_dir(&root)
        .unwrap_or_else(|error| panic!("cannot enter {}: {error}", root.display()));
    let roots: Vec<PathBuf> = ENVIRONMENTS
        .iter()
        .map(|env| PathBuf::from(format!("envs/{env}.rag")))
        .collect();
    let compilation = compile_files(&roots, jobs);
    let errors: Vec<&str> = compilation
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.message.as_str())
        .collect();
    assert!(
        errors.is_empty(),
        "the real environments do not compile: {errors:?}"
    );
    compilation
}

fn stack<'c>(compilation: &'c Compilation, name: &str) -> &'c CompiledStack {
    compilation
        .stacks
        .iter()
        .find(|stack| stack.name == name)
        .unwrap_or_else(|| panic!("no stack {name}"))
}

fn main_json(compilation: &Compilation, name: &str) -> Json {
    let file = stack(compilation, name)
        .files
        .iter()
        .find(|file| file.name == "main.tf.json");
    serde_json::from_str(&file.map(|file| file.contents.clone()).unwrap_or_default())
        .unwrap_or_else(|error| panic!("{name}: main.tf.json is not JSON: {error}"))
}

#[test]
fn stacks_equal_the_reviewed_goldens() {
    let compilation = compile_envs(2);
    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("golden/stacks");
    for stack in &compilation.stacks {
        for file in &stack.files {
            if let Err(message) =
                check_golden(&golden.join(&stack.name).join(file.name), &file.contents)
            {
                panic!("{message}");
            }
        }
    }
}

#[test]
fn output_is_byte_identical_across_runs_and_thread_counts() {
    let first = compile_envs(1);
    let second = compile_envs(3);
    let names = |compilation: &Compilation| -> Vec<String> {
        compilation.stacks.iter().map(|s| s.name.clone()).collect()
    };
    assert_eq!(names(&first), names(&second));
    assert_eq!(first.diagnostics, second.diagnostics);
    for (a, b) in first.stacks.iter().zip(&second.stacks) {
        assert_eq!(a.files, b.files, "{} differs between two runs", a.name);
    }
}

fn resources<'j>(json: &'j Json, type_name: &str) -> Vec<(&'j String, &'j Json)> {
    json["resource"][type_name]
        .as_object()
        .map(|map| map.iter().collect())
        .unwrap_or_default()
}

/// One row per line of the specification's table, read from the emitted JSON.
struct Row {
    zones: usize,
    nat_gateways: usize,
    cpu: String,
    memory: String,
    desired: i64,
    autoscaling: Option<(i64, i64)>,
    retention: i64,
    container_insights: String,
}

fn row(json: &Json) -> Row {
    let subnets = resources(json, "aws_subnet");
    let private = subnets
        .iter()
        .filter(|(_, subnet)| subnet["tags"]["Tier"] == "private")
        .count();
    let public = subnets
        .iter()
        .filter(|(_, subnet)| subnet["tags"]["Tier"] == "public")
        .count();
    assert_eq!(
        private, public,
        "one public and one private subnet per zone"
    );
    let task = resources(json, "aws_ecs_task_definition");
    let service = resources(json, "aws_ecs_service");
    let targets = resources(json, "aws_appautoscaling_target");
    let cluster = resources(json, "aws_ecs_cluster");
    Row {
        zones: private,
        nat_gateways: resources(json, "aws_nat_gateway").len(),
        cpu: task[0].1["cpu"].as_str().unwrap_or_default().to_string(),
        memory: task[0].1["memory"].as_str().unwrap_or_default().to_string(),
        desired: service[0].1["desired_count"].as_i64().unwrap_or(-1),
        autoscaling: targets.first().map(|(_, target)| {
            (
                target["min_capacity"].as_i64().unwrap_or(-1),
                target["max_capacity"].as_i64().unwrap_or(-1),
            )
        }),
        retention: resources(json, "aws_cloudwatch_log_group")[0].1["retention_in_days"]
            .as_i64()
            .unwrap_or(-1),
        container_insights: cluster[0].1["setting"][0]["value"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
    }
}

#[test]
fn stacks_hold_the_specification_table() {
    let compilation = compile_envs(2);
    let staging = row(&main_json(&compilation, "staging"));
    let prod = row(&main_json(&compilation, "prod"));
    // Fargate capacity: 1 task fixed / 2-4 tasks autoscaling.
    assert_eq!((staging.desired, staging.autoscaling), (1, None));
    assert_eq!((prod.desired, prod.autoscaling), (2, Some((2, 4))));
    // Task size: 0.5 vCPU / 1 GB and 1 vCPU / 2 GB.
    assert_eq!(
        (staging.cpu.as_str(), staging.memory.as_str()),
        ("512", "1024")
    );
    assert_eq!((prod.cpu.as_str(), prod.memory.as_str()), ("1024", "2048"));
    // Multi-AZ: 2 and 3 zones.
    assert_eq!((staging.zones, prod.zones), (2, 3));
    // Log retention: 7 and 30 days.
    assert_eq!((staging.retention, prod.retention), (7, 30));
    // NAT gateways: 1 shared, 1 per zone.
    assert_eq!((staging.nat_gateways, prod.nat_gateways), (1, 3));
    // Container Insights on in prod only.
    assert_eq!(
        (
            staging.container_insights.as_str(),
            prod.container_insights.as_str()
        ),
        ("disabled", "enabled")
    );
}

#[test]
fn autoscaled_service_ignores_desired_count_drift() {
    let compilation = compile_envs(2);
    let prod = main_json(&compilation, "prod");
    let service = &resources(&prod, "aws_ecs_service")[0].1;
    assert_eq!(
        service["lifecycle"]["ignore_changes"],
        serde_json::json!(["desired_count"])
    );
    let policies = resources(&prod, "aws_appautoscaling_policy");
    assert_eq!(policies.len(), 1);
    let configuration = &policies[0].1["target_tracking_scaling_policy_configuration"][0];
    assert_eq!(configuration["target_value"], 60);
}

#[test]
fn private_route_tables_use_their_own_zones_nat_in_prod() {
    let compilation = compile_envs(2);
    let prod = main_json(&compilation, "prod");
    for (name, route) in resources(&prod, "aws_route") {
        let Some(nat) = route["nat_gateway_id"].as_str() else {
            continue;
        };
        let zone = name
            .trim_start_matches("network_private_")
            .trim_end_matches("_nat");
        assert_eq!(
            nat,
            format!("${{aws_nat_gateway.network_{zone}.id}}"),
            "route {name}"
        );
    }
    for (name, association) in resources(&prod, "aws_route_table_association") {
        let Some(zone) = name.strip_prefix("network_private_") else {
            continue;
        };
        assert_eq!(
            association["route_table_id"],
            format!("${{aws_route_table.network_private_{zone}.id}}")
        );
    }
}

/// Writes the stacks into a temporary folder: `DIR/ENV/*.tf.json`.
fn write_stacks(compilation: &Compilation) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap_or_else(|error| panic!("no temporary folder: {error}"));
    for stack in &compilation.stacks {
        let stack_dir = dir.path().join(&stack.name);
        std::fs::create_dir_all(&stack_dir).unwrap_or_else(|error| panic!("{error}"));
        for file in &stack.files {
            std::fs::write(stack_dir.join(file.name), &file.contents)
                .unwrap_or_else(|error| panic!("{error}"));
        }
    }
    dir
}

/// True when the tool is there; otherwise says it skipped, or fails when CI requires it.
fn tool_available(name: &str, found: bool) -> bool {
    if found {
        return true;
    }
    assert!(
        std::env::var("RAGC_REQUIRE_TOOLS").is_err(),
        "{name} is required (RAGC_REQUIRE_TOOLS is set) but was not found"
    );
    eprintln!("SKIPPED: {name} not found; these checks did not run");
    false
}

fn run_script(script: &str, stack_dir: &Path) {
    let output = Command::new("bash")
        .arg(repository_root().join(script))
        .arg(stack_dir)
        .output()
        .unwrap_or_else(|error| panic!("cannot run {script}: {error}"));
    assert!(
        output.status.success(),
        "{script} {} failed:\n{}\n{}",
        stack_dir.display(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn terraform_validates_plans_and_applies_each_stack_against_a_mocked_provider() {
    let terraform = Command::new("terraform")
        .arg("version")
        .output()
        .is_ok_and(|output| output.status.success());
    let plugins = std::env::var("RAGC_TF_PLUGIN_DIR").unwrap_or_else(|_| "/opt/tf-plugins".into());
    if !tool_available(
        "terraform with the AWS provider plugins",
        terraform && Path::new(&plugins).is_dir(),
    ) {
        return;
    }
    let compilation = compile_envs(2);
    let dir = write_stacks(&compilation);
    for env in ENVIRONMENTS {
        run_script("tests/terraform/validate_stack.sh", &dir.path().join(env));
    }
}

#[test]
fn checkov_finds_no_failed_check_beyond_the_documented_skips() {
    let checkov = repository_root().join(".venv/bin/checkov");
    if !tool_available("checkov (bash .ci/install-tools.sh)", checkov.is_file()) {
        return;
    }
    let compilation = compile_envs(2);
    let dir = write_stacks(&compilation);
    for env in ENVIRONMENTS {
        run_script("tests/security/checkov_stack.sh", &dir.path().join(env));
    }
}

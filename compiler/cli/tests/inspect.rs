//! `ragc diff` and `ragc graph` on the real environments, as users run them: the
//! differences the specification's table names, the graph equal to the references of
//! the emitted JSON and, reduced, to what `terraform graph` draws; bad input.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value as Json;

fn repository_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn ragc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ragc"))
        .args(args)
        .current_dir(repository_root())
        .output()
        .unwrap_or_else(|error| panic!("cannot run ragc: {error}"))
}

/// The standard output of a successful run, as JSON.
fn json_of(args: &[&str]) -> Json {
    let output = ragc(args);
    assert!(output.status.success(), "ragc {args:?}: {output:?}");
    serde_json::from_slice(&output.stdout).unwrap_or_else(|error| panic!("{args:?}: {error}"))
}

fn strings(json: &Json) -> Vec<&str> {
    json.as_array()
        .into_iter()
        .flatten()
        .filter_map(Json::as_str)
        .collect()
}

#[test]
fn diff_names_the_specifications_differentiators() {
    let diff = json_of(&[
        "diff",
        "envs/staging.rag",
        "envs/prod.rag",
        "--format",
        "json",
    ]);
    assert_eq!(strings(&diff["envs"]), ["staging", "prod"]);
    let settings: Vec<&str> = diff["settings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|setting| setting["name"].as_str())
        .collect();
    assert_eq!(
        settings,
        ["zones", "nat", "capacity", "task", "log_retention", "state"]
    );
    let zones = &diff["settings"][0];
    assert_eq!(zones["values"]["staging"], "2");
    assert_eq!(zones["values"]["prod"], "3");
    assert_eq!(zones["locations"]["prod"], "envs/prod.rag:8:3");

    let only_in_prod = strings(&diff["resources"]["only_in"]["prod"]);
    for address in [
        "aws_appautoscaling_target.compute_app",
        "aws_nat_gateway.network_us-east-1c",
        "aws_eip.network_nat_us-east-1b",
        "aws_subnet.network_private_us-east-1c",
    ] {
        assert!(
            only_in_prod.contains(&address),
            "{address} not only in prod"
        );
    }
    assert!(diff["resources"]["only_in"].get("staging").is_none());

    let changed = |address: &str, attribute: &str| {
        diff["resources"]["changed"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|change| change["address"] == address && change["attribute"] == attribute)
            .map(|change| {
                (
                    change["values"]["staging"].clone(),
                    change["values"]["prod"].clone(),
                )
            })
    };
    let pair = |staging: Json, prod: Json| Some((staging, prod));
    assert_eq!(
        changed("aws_ecs_task_definition.compute_app", "cpu"),
        pair("512".into(), "1024".into())
    );
    assert_eq!(
        changed("aws_cloudwatch_log_group.compute_app", "retention_in_days"),
        pair(7.into(), 30.into())
    );
    assert_eq!(
        changed("aws_ecs_service.compute_app", "desired_count"),
        pair(1.into(), 2.into())
    );
    // `rag-api-staging` and `rag-api-prod` differ only by the environment's name.
    assert_eq!(changed("aws_ecs_service.compute_app", "name"), None);
}

#[test]
fn diff_formats_agree_on_the_settings() {
    let markdown = ragc(&[
        "diff",
        "envs/staging.rag",
        "envs/prod.rag",
        "--format",
        "markdown",
    ]);
    let text = String::from_utf8_lossy(&markdown.stdout);
    assert!(
        text.starts_with("| Setting | staging | prod |\n| :--- | :--- | :--- |\n"),
        "{text}"
    );
    assert!(
        text.contains("| **log_retention** | `7 days` | `30 days` |"),
        "{text}"
    );
    let table = ragc(&["diff", "envs/staging.rag", "envs/prod.rag"]);
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(
        !text.contains('\x1b'),
        "colours when not a terminal: {text}"
    );
    assert!(text.contains("only in prod (14):"), "{text}");
}

#[test]
fn bad_input_to_diff_and_graph() {
    let one = ragc(&["diff", "envs/prod.rag"]);
    assert_eq!(one.status.code(), Some(2), "{one:?}");
    assert!(String::from_utf8_lossy(&one.stderr).contains("two or more environments"));
    let unknown = ragc(&[
        "diff",
        "envs/staging.rag",
        "envs/prod.rag",
        "--env",
        "qa",
        "--env",
        "prod",
    ]);
    assert_eq!(unknown.status.code(), Some(2), "{unknown:?}");
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no environment `qa`"));
    let several = ragc(&["graph", "envs/staging.rag", "envs/prod.rag"]);
    assert_eq!(several.status.code(), Some(2), "{several:?}");

    let dir = tempfile::tempdir().unwrap_or_else(|error| panic!("{error}"));
    let broken = dir.path().join("broken.rag");
    std::fs::write(&broken, "env x = fargate_rag { zones = }\n").unwrap_or_else(|e| panic!("{e}"));
    let broken = broken.to_string_lossy().into_owned();
    for command in ["diff", "graph"] {
        let output = ragc(&[command, &broken, "envs/prod.rag"]);
        assert_eq!(output.status.code(), Some(1), "{command}: {output:?}");
        assert!(output.stdout.is_empty(), "{command} printed {output:?}");
        assert!(String::from_utf8_lossy(&output.stderr).contains("error"));
    }
}

/// Builds `env` into a new folder and reads its main.tf.json.
fn emitted(env: &str) -> (tempfile::TempDir, Json) {
    let dir = tempfile::tempdir().unwrap_or_else(|error| panic!("{error}"));
    let out = dir.path().to_string_lossy().into_owned();
    let output = ragc(&["build", &format!("envs/{env}.rag"), "-o", &out]);
    assert!(output.status.success(), "{output:?}");
    let text = std::fs::read_to_string(dir.path().join("main.tf.json")).unwrap_or_default();
    let json = serde_json::from_str(&text).unwrap_or_else(|error| panic!("{error}"));
    (dir, json)
}

type Edges = BTreeSet<(String, String)>;

fn graph_edges(env: &str, reduced: bool) -> (BTreeSet<String>, Edges) {
    let file = format!("envs/{env}.rag");
    let mut args = vec!["graph", file.as_str(), "--format", "json"];
    if reduced {
        args.push("--reduced");
    }
    let graph = json_of(&args);
    let nodes = graph["nodes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|node| Some(node["address"].as_str()?.to_string()))
        .collect();
    let edges = graph["edges"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|edge| {
            Some((
                edge["from"].as_str()?.to_string(),
                edge["to"].as_str()?.to_string(),
            ))
        })
        .collect();
    (nodes, edges)
}

fn all_strings<'j>(json: &'j Json, into: &mut Vec<&'j str>) {
    match json {
        Json::String(text) => into.push(text),
        Json::Array(items) => items.iter().for_each(|item| all_strings(item, into)),
        Json::Object(fields) => fields.values().for_each(|value| all_strings(value, into)),
        _ => {}
    }
}

/// The references of the emitted JSON, found address by address: `A` is referred to
/// where an interpolation holds `A` followed by `.`, `[`, `)` or its end.
fn json_edges(json: &Json) -> (BTreeSet<String>, Edges) {
    let mut blocks = Vec::new();
    for (section, prefix) in [("resource", ""), ("data", "data.")] {
        for (type_name, named) in json[section].as_object().into_iter().flatten() {
            for (name, body) in named.as_object().into_iter().flatten() {
                blocks.push((format!("{prefix}{type_name}.{name}"), body));
            }
        }
    }
    let nodes: BTreeSet<String> = blocks.iter().map(|(address, _)| address.clone()).collect();
    let mut edges = Edges::new();
    for (from, body) in &blocks {
        for dependency in strings(&body["depends_on"]) {
            edges.insert((from.clone(), dependency.to_string()));
        }
        let mut texts = Vec::new();
        for (key, value) in body.as_object().into_iter().flatten() {
            if key != "depends_on" && key != "lifecycle" {
                all_strings(value, &mut texts);
            }
        }
        for text in texts {
            for interpolation in text.split("${").skip(1) {
                let expression = interpolation.split('}').next().unwrap_or_default();
                for to in &nodes {
                    let referred = expression.match_indices(to.as_str()).any(|(at, _)| {
                        let before = expression[..at].chars().next_back();
                        let after = expression[at + to.len()..].chars().next();
                        !before.is_some_and(|c| c.is_alphanumeric() || "_-.".contains(c))
                            && after.is_none_or(|c| ".[)".contains(c))
                    });
                    if referred && to != from {
                        edges.insert((from.clone(), to.clone()));
                    }
                }
            }
        }
    }
    (nodes, edges)
}

#[test]
fn the_graph_is_every_reference_of_the_emitted_json() {
    for env in ["staging", "prod", "global"] {
        let (_dir, json) = emitted(env);
        let expected = json_edges(&json);
        assert!(
            !expected.1.is_empty() || env == "global",
            "{env}: no references found"
        );
        assert_eq!(graph_edges(env, false), expected, "{env}");
    }
}

/// `terraform graph` draws the transitive reduction of the references: `--reduced`
/// must give exactly its edges. Skipped without Terraform and its provider plugins,
/// unless `RAGC_REQUIRE_TOOLS=1`.
#[test]
fn the_reduced_graph_is_terraforms() {
    let plugins = std::env::var("RAGC_TF_PLUGIN_DIR").unwrap_or_else(|_| "/opt/tf-plugins".into());
    let available = Command::new("terraform")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success())
        && Path::new(&plugins).is_dir();
    if !available {
        assert!(
            std::env::var_os("RAGC_REQUIRE_TOOLS").is_none(),
            "terraform or {plugins} missing and RAGC_REQUIRE_TOOLS is set"
        );
        eprintln!("skipped: terraform or its provider plugins ({plugins}) are not installed");
        return;
    }
    for env in ["staging", "prod"] {
        let (dir, _) = emitted(env);
        // Without the S3 backend: the graph needs no state.
        std::fs::remove_file(dir.path().join("backend.tf.json")).unwrap_or_else(|e| panic!("{e}"));
        let terraform = |args: &[&str]| {
            let output = Command::new("terraform")
                .args(args)
                .current_dir(dir.path())
                .env("TF_CLI_CONFIG_FILE", "/dev/null")
                .env("TF_IN_AUTOMATION", "1")
                .output()
                .unwrap_or_else(|error| panic!("terraform: {error}"));
            assert!(output.status.success(), "terraform {args:?}: {output:?}");
            String::from_utf8_lossy(&output.stdout).into_owned()
        };
        terraform(&["init", "-input=false", &format!("-plugin-dir={plugins}")]);
        let dot = terraform(&["graph"]);
        let drawn: Edges = dot
            .lines()
            .filter_map(|line| {
                let (from, to) = line.trim().trim_end_matches(';').split_once(" -> ")?;
                Some((
                    from.trim_matches('"').to_string(),
                    to.trim_matches('"').to_string(),
                ))
            })
            .collect();
        assert!(
            !drawn.is_empty(),
            "{env}: terraform graph drew no edge: {dot}"
        );
        assert_eq!(graph_edges(env, true).1, drawn, "{env}");
    }
}

#[test]
fn cost_totals_equal_the_price_table_worked_by_hand() {
    let estimate = json_of(&[
        "cost",
        "envs/staging.rag",
        "envs/prod.rag",
        "--format",
        "json",
    ]);
    assert_eq!(estimate["currency"], "USD");
    let env = |name: &str| {
        estimate["envs"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|env| env["env"] == name)
            .cloned()
            .unwrap_or_default()
    };
    let (hours, vcpu, gb, nat, nat_gb, ipv4, alb, lcu) =
        (730.0, 0.04048, 0.004445, 0.045, 0.045, 0.005, 0.0225, 0.008);
    // Usage assumed by default: 50 GB per NAT gateway, 1 LCU, 5 GB of logs in and kept,
    // 10 GB per bucket, 10,000 calls per secret; 3 secrets, one bucket.
    let usage_based = 5.0 * 0.50 + 5.0 * 0.03 + 10.0 * 0.023 + 3.0 * (0.40 + 0.05);
    let staging = 1.0 * 0.5 * hours * vcpu + 1.0 * 1.0 * hours * gb // 1 task, 0.5 vCPU, 1 GB
        + (hours * nat + 50.0 * nat_gb) + hours * ipv4 // 1 NAT gateway and its address
        + hours * alb + hours * lcu + 2.0 * hours * ipv4 // the ALB in 2 zones
        + usage_based;
    let prod_fixed = 2.0 * 1.0 * hours * vcpu + 2.0 * 2.0 * hours * gb // 2 tasks, 1 vCPU, 2 GB
        + 3.0 * (hours * nat + 50.0 * nat_gb) + 3.0 * hours * ipv4
        + hours * alb + hours * lcu + 3.0 * hours * ipv4
        + usage_based;
    let prod_scaled = prod_fixed + 2.0 * 1.0 * hours * vcpu + 2.0 * 2.0 * hours * gb;
    let close =
        |json: &Json, expected: f64| (json.as_f64().unwrap_or(f64::NAN) - expected).abs() < 0.01;
    let staging_monthly = &env("staging")["monthly"];
    assert!(
        close(&staging_monthly["min"], staging) && close(&staging_monthly["max"], staging),
        "{staging_monthly} vs {staging}"
    );
    let prod_monthly = &env("prod")["monthly"];
    assert!(
        close(&prod_monthly["min"], prod_fixed),
        "{prod_monthly} vs {prod_fixed}"
    );
    assert!(
        close(&prod_monthly["max"], prod_scaled),
        "{prod_monthly} vs {prod_scaled}"
    );
    // Nothing is dropped: every managed resource is priced, free or unpriced.
    let prod = env("prod");
    let mut seen: BTreeSet<&str> = prod["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|i| i["resource"].as_str())
        .collect();
    seen.extend(strings(&prod["free"]));
    seen.extend(
        prod["unpriced"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|u| u["resource"].as_str()),
    );
    let (_dir, json) = emitted("prod");
    let managed: BTreeSet<String> = json["resource"]
        .as_object()
        .into_iter()
        .flatten()
        .flat_map(|(type_name, named)| {
            named
                .as_object()
                .into_iter()
                .flatten()
                .map(move |(name, _)| format!("{type_name}.{name}"))
        })
        .collect();
    assert_eq!(
        seen,
        managed.iter().map(String::as_str).collect(),
        "priced + free + unpriced = every resource"
    );
    let differences = strings(&estimate["differences"]);
    assert_eq!(differences.len(), 1);
    assert!(
        differences[0].starts_with("prod costs $"),
        "{differences:?}"
    );
}

#[test]
fn a_usage_file_changes_the_assumed_items() {
    let dir = tempfile::tempdir().unwrap_or_else(|error| panic!("{error}"));
    let usage = dir.path().join("usage.json");
    std::fs::write(
        &usage,
        r#"{"env": {"staging": {"nat_data_processed_gb": 1000}}}"#,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let usage = usage.to_string_lossy().into_owned();
    let with = json_of(&[
        "cost",
        "envs/staging.rag",
        "--usage",
        &usage,
        "--format",
        "json",
    ]);
    let without = json_of(&["cost", "envs/staging.rag", "--format", "json"]);
    let monthly = |json: &Json| {
        json["envs"][0]["monthly"]["max"]
            .as_f64()
            .unwrap_or_default()
    };
    assert!((monthly(&with) - monthly(&without) - 950.0 * 0.045).abs() < 0.01);
    std::fs::write(dir.path().join("bad.json"), r#"{"default": {"nat_gb": 1}}"#)
        .unwrap_or_else(|e| panic!("{e}"));
    let bad = dir.path().join("bad.json").to_string_lossy().into_owned();
    let output = ragc(&["cost", "envs/staging.rag", "--usage", &bad]);
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(output.stdout.is_empty());
}

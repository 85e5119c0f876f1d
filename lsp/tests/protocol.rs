//! Protocol-level tests: the server runs in the test's process behind an in-memory pipe,
//! and each test drives it as an editor would (initialize, open, edit, ask, shut down),
//! on a copy of the repository's `envs/`.

mod common;

use common::{copy_folder, position_of, repository, uri_of, workspace_with_envs, TestClient};
use serde_json::{json, Value};

fn read(path: &std::path::Path) -> String {
    std::fs::read_to_string(path).expect("the file is readable")
}

/// The diagnostics as `code line:col-line:col message` lines (zero-based, UTF-16).
fn summary(diagnostics: &[Value]) -> Vec<String> {
    diagnostics
        .iter()
        .map(|d| {
            let range = &d["range"];
            format!(
                "{} {}:{}-{}:{} {}",
                d["code"].as_str().unwrap_or(""),
                range["start"]["line"],
                range["start"]["character"],
                range["end"]["line"],
                range["end"]["character"],
                d["message"].as_str().unwrap_or("")
            )
        })
        .collect()
}

fn errors(diagnostics: &[Value]) -> Vec<&Value> {
    diagnostics.iter().filter(|d| d["severity"] == 1).collect()
}

fn labels(completion: &Value) -> Vec<String> {
    completion["items"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|item| item["label"].as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default()
}

fn assert_contains(text: &str, parts: &[&str]) {
    for part in parts {
        assert!(text.contains(part), "`{part}` is not in:\n{text}");
    }
}

fn text_position(uri: &str, position: Value) -> Value {
    json!({ "textDocument": { "uri": uri }, "position": position })
}

/// The Markdown and the range of the hover `shift` characters into the first `needle`
/// of `text`.
async fn hover_at(
    client: &mut TestClient,
    uri: &str,
    text: &str,
    needle: &str,
    shift: usize,
) -> (String, Value) {
    let hover = client
        .result(
            "textDocument/hover",
            text_position(uri, position_of(text, needle, shift)),
        )
        .await;
    let value = hover["contents"]["value"].as_str().unwrap_or("");
    (value.to_string(), hover["range"].clone())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn initialize_announces_the_features_and_exit_stops_the_server() {
    let workspace = workspace_with_envs("initialize");
    let mut client = TestClient::start(&workspace).await;
    let capabilities = client.initialize["result"]["capabilities"].clone();
    assert_eq!(
        capabilities["textDocumentSync"]["change"], 1,
        "whole-text sync"
    );
    assert_eq!(capabilities["textDocumentSync"]["openClose"], true);
    assert_eq!(
        capabilities["textDocumentSync"]["save"],
        json!({ "includeText": false })
    );
    assert_eq!(
        capabilities["completionProvider"]["triggerCharacters"],
        json!([".", "\"", "/"])
    );
    assert_eq!(capabilities["hoverProvider"], true);
    assert_eq!(capabilities["inlayHintProvider"], true);
    assert_eq!(capabilities["definitionProvider"], true);
    assert_eq!(capabilities["referencesProvider"], true);
    assert_eq!(capabilities["renameProvider"]["prepareProvider"], true);
    assert_eq!(capabilities["documentSymbolProvider"], true);
    assert_eq!(capabilities["documentFormattingProvider"], true);
    assert_eq!(
        capabilities["codeActionProvider"]["codeActionKinds"],
        json!(["quickfix"])
    );
    assert_eq!(capabilities["positionEncoding"], "utf-16");
    assert_eq!(client.initialize["result"]["serverInfo"]["name"], "ragc");

    // A second `initialize` is refused.
    let again = client
        .request(
            "initialize",
            json!({ "processId": null, "capabilities": {} }),
        )
        .await;
    assert!(again.get("error").is_some(), "{again}");
    // `shutdown` answers null, and `exit` ends the server's task.
    client.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn diagnostics_appear_when_broken_and_clear_when_repaired() {
    let workspace = workspace_with_envs("diagnostics");
    let (mut client, uri, text, initial) =
        TestClient::start_on_file(&workspace, "envs/staging.rag").await;
    assert_eq!(summary(&initial), Vec::<String>::new());

    // A misspelt variant: reported with its code, the help line and the quick fix.
    let broken = text.replace("nat           = single", "nat           = singel");
    client.change(&uri, 2, &broken).await;
    let found = client.diagnostics(&uri, |d| !d.is_empty()).await;
    assert_eq!(
        summary(&found),
        vec!["RAG0201 8:18-8:24 cannot find `singel` in this scope\nhelp: did you mean `single`?"]
    );
    assert_eq!(found[0]["source"], "ragc");
    assert_eq!(found[0]["severity"], 1);

    // The quick fix of that diagnostic.
    let actions = client
        .result(
            "textDocument/codeAction",
            json!({
                "textDocument": { "uri": uri },
                "range": { "start": position_of(&broken, "singel", 2), "end": position_of(&broken, "singel", 2) },
                "context": { "diagnostics": [] }
            }),
        )
        .await;
    assert_eq!(actions.as_array().map(Vec::len), Some(1), "{actions}");
    assert_eq!(actions[0]["title"], "replace with `single`");
    assert_eq!(actions[0]["kind"], "quickfix");
    assert_eq!(
        actions[0]["edit"]["changes"][&uri],
        json!([{ "range": { "start": { "line": 8, "character": 18 }, "end": { "line": 8, "character": 24 } }, "newText": "single" }])
    );

    // Repaired: the list is emptied.
    client.change(&uri, 3, &text).await;
    let cleared = client.diagnostics(&uri, |d| d.is_empty()).await;
    assert!(cleared.is_empty());
    client.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_syntax_error_is_reported_and_the_rest_of_the_file_still_checked() {
    let workspace = workspace_with_envs("syntax");
    let (mut client, uri, text, _) =
        TestClient::start_on_file(&workspace, "envs/staging.rag").await;
    let broken = text.replace("zones         = 2", "zones         = ");
    client.change(&uri, 2, &broken).await;
    let found = client.diagnostics(&uri, |d| !d.is_empty()).await;
    let codes: Vec<&str> = found.iter().filter_map(|d| d["code"].as_str()).collect();
    assert!(codes.contains(&"RAG0101"), "{found:?}");
    client.change(&uri, 3, &text).await;
    client.diagnostics(&uri, |d| d.is_empty()).await;
    client.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn positions_count_utf16_code_units() {
    let workspace = workspace_with_envs("utf16");
    let (mut client, uri, text, _) =
        TestClient::start_on_file(&workspace, "envs/staging.rag").await;
    // An emoji (two UTF-16 units, four bytes) and an accent before the error on its line.
    let broken = text.replace(
        "region        = \"us-east-1\"",
        "region        = \"us-east-1 😀é\", nat = singel",
    );
    let broken = broken.replace("nat           = single\n", "");
    client.change(&uri, 2, &broken).await;
    let found = client.diagnostics(&uri, |d| !d.is_empty()).await;
    let unknown: Vec<&Value> = found.iter().filter(|d| d["code"] == "RAG0201").collect();
    assert_eq!(unknown.len(), 1, "{found:?}");
    let start = position_of(&broken, "singel", 0);
    assert_eq!(
        start,
        json!({ "line": 6, "character": 41 }),
        "UTF-16 columns, not bytes (44) or characters (40)"
    );
    assert_eq!(unknown[0]["range"]["start"], start);
    assert_eq!(
        unknown[0]["range"]["end"],
        json!({ "line": 6, "character": 47 })
    );
    client.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_of_an_imported_file_show_in_that_file() {
    let workspace = workspace_with_envs("imported");
    let (mut client, ..) = TestClient::start_on_file(&workspace, "envs/prod.rag").await;

    // app.rag is not open: it is changed on the disk.
    let app = workspace.join("envs/app.rag");
    let app_uri = uri_of(&app);
    let app_text = read(&app);
    std::fs::write(
        &app,
        app_text.replace("port         = 8000", "port         = portt"),
    )
    .expect("write");
    client
        .notify(
            "workspace/didChangeWatchedFiles",
            json!({ "changes": [{ "uri": app_uri, "type": 2 }] }),
        )
        .await;
    let found = client.diagnostics(&app_uri, |d| !d.is_empty()).await;
    assert_eq!(
        summary(&found),
        vec!["RAG0201 6:17-6:22 cannot find `portt` in this scope"]
    );
    std::fs::write(&app, &app_text).expect("write");
    client
        .notify(
            "workspace/didChangeWatchedFiles",
            json!({ "changes": [{ "uri": app_uri, "type": 2 }] }),
        )
        .await;
    client.diagnostics(&app_uri, |d| d.is_empty()).await;
    client.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_check_failing_in_the_standard_library_shows_at_the_environment() {
    let workspace = workspace_with_envs("stdlib");
    let (mut client, uri, text, _) =
        TestClient::start_on_file(&workspace, "envs/staging.rag").await;
    let broken = text.replace("zones         = 2", "zones         = 1");
    client.change(&uri, 2, &broken).await;
    let found = client.diagnostics(&uri, |d| !errors(d).is_empty()).await;
    let errors = errors(&found);
    assert_eq!(errors.len(), 1, "{found:?}");
    assert_eq!(errors[0]["code"], "RAG0411");
    assert_eq!(errors[0]["range"]["start"], position_of(&broken, "= 1", 2));
    let message = errors[0]["message"].as_str().unwrap_or("");
    assert!(message.contains("help: span at least 2 zones"), "{message}");
    assert!(message.contains("(<stdlib>/alb.rag:"), "{message}");
    client.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn completion_hover_and_navigation() {
    let workspace = workspace_with_envs("features");
    let (mut client, uri, text, _) = TestClient::start_on_file(&workspace, "envs/prod.rag").await;

    // Completion of an environment's remaining fields, in a body left open.
    let typing = text.replace(
        "  state         = s3_state(state_bucket, key = \"prod/terraform.tfstate\")\n}",
        "  state         = s3_state(state_bucket, key = \"prod/terraform.tfstate\")\n  ce",
    );
    client.change(&uri, 2, &typing).await;
    let at = position_of(&typing, "\n  ce", 5);
    let completion = client
        .result("textDocument/completion", text_position(&uri, at.clone()))
        .await;
    assert_eq!(
        labels(&completion),
        vec!["certificate_arn", "cidr", "container_insights"]
    );
    let first = &completion["items"][0];
    assert_eq!(first["detail"], "String?");
    assert_eq!(first["kind"], 5, "a field");
    assert_eq!(
        first["textEdit"],
        json!({ "range": { "start": { "line": 13, "character": 2 }, "end": at }, "newText": "certificate_arn = " })
    );
    assert_eq!(
        first["documentation"]["value"],
        "An ACM certificate for HTTPS; plain HTTP without one.\n\nDefault: `null`"
    );
    client.change(&uri, 3, &text).await;

    // Enum variants after `nat =`.
    let completion = client
        .result(
            "textDocument/completion",
            text_position(&uri, position_of(&text, "per_zone", 0)),
        )
        .await;
    assert_eq!(labels(&completion), vec!["per_zone", "single"]);

    // Hover on a quantity.
    let hover = client
        .result(
            "textDocument/hover",
            text_position(&uri, position_of(&text, "1 vcpu", 0)),
        )
        .await;
    assert_eq!(
        hover,
        json!({
            "contents": { "kind": "markdown", "value": "`1 vcpu` = 1024 CPU units; Fargate memory with 1 vcpu: 2 GB to 8 GB in 1 GB steps" },
            "range": { "start": { "line": 10, "character": 26 }, "end": { "line": 10, "character": 32 } }
        })
    );

    // Hover on `zones`: the parameter, and the subnets the evaluation made.
    let (value, _) = hover_at(&mut client, &uri, &text, "zones", 1).await;
    assert!(value.starts_with("```rag\nzones: Int\n```"), "{value}");
    assert_contains(
        &value,
        &[
            "How many availability zones to span",
            "6 subnets:",
            "- public subnet in `us-east-1a`: `10.0.0.0/20`",
            "- private subnet in `us-east-1c`: `10.0.160.0/20`",
        ],
    );

    // Definition of a name declared in an imported file.
    let app_uri = uri_of(&workspace.join("envs/app.rag"));
    let definition = client
        .result(
            "textDocument/definition",
            text_position(&uri, position_of(&text, "rag_api", 2)),
        )
        .await;
    assert_eq!(
        definition,
        json!({ "uri": app_uri, "range": { "start": { "line": 3, "character": 4 }, "end": { "line": 3, "character": 11 } } })
    );
    // Definition of an import path.
    let definition = client
        .result(
            "textDocument/definition",
            text_position(&uri, position_of(&text, "app.rag", 1)),
        )
        .await;
    assert_eq!(
        definition,
        json!({ "uri": app_uri, "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 0 } } })
    );

    // References of `state_bucket`, across the workspace's files.
    let references = client
        .result(
            "textDocument/references",
            json!({ "textDocument": { "uri": uri }, "position": position_of(&text, "state_bucket", 1), "context": { "includeDeclaration": true } }),
        )
        .await;
    let mut found: Vec<String> = references
        .as_array()
        .map(|list| {
            list.iter()
                .map(|l| {
                    let file = l["uri"]
                        .as_str()
                        .unwrap_or("")
                        .rsplit('/')
                        .next()
                        .unwrap_or("")
                        .to_string();
                    format!(
                        "{file}:{}:{}",
                        l["range"]["start"]["line"], l["range"]["start"]["character"]
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    found.sort();
    assert_eq!(
        found,
        vec![
            "app.rag:18:4",
            "global.rag:7:17",
            "prod.rag:12:27",
            "staging.rag:12:27"
        ]
    );
    client.shutdown().await;
}

fn inlay_hints_params(uri: &str, start: u32, end: u32) -> Value {
    json!({
        "textDocument": { "uri": uri },
        "range": { "start": { "line": start, "character": 0 }, "end": { "line": end, "character": 0 } }
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inlay_hints_and_the_hover_on_an_environment_show_what_it_resolved_to() {
    let workspace = workspace_with_envs("resolved");
    let (mut client, uri, text, _) = TestClient::start_on_file(&workspace, "envs/prod.rag").await;

    // After the values of `zones`, `nat` and `capacity`: what prod's stack has.
    let hints = client
        .result("textDocument/inlayHint", inlay_hints_params(&uri, 0, 100))
        .await;
    let hint = |needle: &str, label: &str| json!({ "position": position_of(&text, needle, needle.len()), "label": label, "paddingLeft": true });
    let zones = hint("zones         = 3", "→ us-east-1a, us-east-1b, us-east-1c");
    let nat = hint("per_zone", "→ 3 NAT gateways");
    let capacity = hint("cpu_target = 60%)", "→ 2–4 tasks, $72.08–$144.16 a month");
    assert_eq!(hints, json!([zones, nat, capacity]));
    // Only those in the range asked for.
    let line = nat["position"]["line"].as_u64().unwrap_or_default() as u32;
    let hints = client
        .result(
            "textDocument/inlayHint",
            inlay_hints_params(&uri, line, line + 1),
        )
        .await;
    assert_eq!(hints, json!([nat]));

    // On the environment's name: its differences from staging and its estimate.
    let (value, range) = hover_at(&mut client, &uri, &text, "env prod", 5).await;
    assert!(
        value.starts_with("```rag\nenv prod = fargate_rag\n```"),
        "{value}"
    );
    assert_contains(
        &value,
        &[
            "**Differs from `staging`:**",
            "| **nat** | `per_zone` | `single` |",
            "**Monthly estimate: $225.78–$297.86**",
        ],
    );
    assert_eq!(
        range,
        json!({ "start": position_of(&text, "prod =", 0), "end": position_of(&text, "prod =", 4) })
    );

    // With an error (of type, of syntax), no hints and no estimate; nothing fails.
    for (version, written) in [(2, "\"three\""), (3, "")] {
        let broken = text.replace("zones         = 3", &format!("zones         = {written}"));
        client.change(&uri, version, &broken).await;
        client
            .diagnostics(&uri, |diagnostics| !errors(diagnostics).is_empty())
            .await;
        let hints = client
            .result("textDocument/inlayHint", inlay_hints_params(&uri, 0, 100))
            .await;
        assert_eq!(hints, json!([]), "{broken}");
        let hover = client
            .request(
                "textDocument/hover",
                text_position(&uri, position_of(&broken, "env prod", 5)),
            )
            .await;
        assert!(hover.get("error").is_none(), "{hover}");
        assert!(!hover.to_string().contains("Monthly estimate"), "{hover}");
    }
    client.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_can_refresh_inlay_hints_is_asked_to_after_a_compilation() {
    let workspace = workspace_with_envs("refresh");
    let capabilities = json!({ "workspace": { "inlayHint": { "refreshSupport": true } } });
    let (mut client, ..) =
        TestClient::start_on_file_with(&workspace, "envs/staging.rag", capabilities).await;
    let request = client.server_request("workspace/inlayHint/refresh").await;
    assert_eq!(request["params"], Value::Null, "{request}");
    client.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rename_edits_every_file_and_refuses_the_standard_library() {
    let workspace = workspace_with_envs("rename");
    let (mut client, uri, text, _) = TestClient::start_on_file(&workspace, "envs/app.rag").await;

    let at = position_of(&text, "rag_api", 3);
    let prepared = client
        .result(
            "textDocument/prepareRename",
            text_position(&uri, at.clone()),
        )
        .await;
    assert_eq!(
        prepared,
        json!({ "start": { "line": 3, "character": 4 }, "end": { "line": 3, "character": 11 } })
    );
    let edit = client
        .result(
            "textDocument/rename",
            json!({ "textDocument": { "uri": uri }, "position": at, "newName": "api" }),
        )
        .await;
    let changes = edit["changes"].as_object().cloned().unwrap_or_default();
    let mut files: Vec<(String, usize)> = changes
        .iter()
        .map(|(uri, edits)| {
            (
                uri.rsplit('/').next().unwrap_or("").to_string(),
                edits.as_array().map_or(0, Vec::len),
            )
        })
        .collect();
    files.sort();
    assert_eq!(
        files,
        vec![
            ("app.rag".to_string(), 1),
            ("global.rag".into(), 1),
            ("prod.rag".into(), 1),
            ("staging.rag".into(), 1)
        ]
    );
    assert_eq!(
        changes[&uri],
        json!([{ "range": { "start": { "line": 3, "character": 4 }, "end": { "line": 3, "character": 11 } }, "newText": "api" }])
    );

    // A module of the standard library cannot be renamed.
    let prod = workspace.join("envs/prod.rag");
    let prod_uri = uri_of(&prod);
    let prod_text = read(&prod);
    client.open(&prod_uri, &prod_text).await;
    let refused = client
        .request(
            "textDocument/rename",
            json!({ "textDocument": { "uri": prod_uri }, "position": position_of(&prod_text, "fargate_rag", 1), "newName": "x" }),
        )
        .await;
    assert_eq!(
        refused["error"]["message"],
        "this name is declared in the standard library, which cannot be edited"
    );
    client.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn document_symbols_and_formatting() {
    let workspace = workspace_with_envs("symbols");
    let (mut client, uri, text, _) =
        TestClient::start_on_file(&workspace, "envs/staging.rag").await;

    let symbols = client
        .result(
            "textDocument/documentSymbol",
            json!({ "textDocument": { "uri": uri } }),
        )
        .await;
    let names: Vec<String> = symbols
        .as_array()
        .map(|list| {
            list.iter()
                .map(|s| format!("{} {}", s["kind"], s["name"].as_str().unwrap_or("")))
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(
        names,
        vec![
            "1 import \"app.rag\"",
            "1 import \"global.rag\"",
            "19 staging"
        ]
    );
    let env = &symbols[2];
    assert_eq!(env["detail"], "fargate_rag");
    assert_eq!(
        env["selectionRange"],
        json!({ "start": { "line": 4, "character": 4 }, "end": { "line": 4, "character": 11 } })
    );
    let fields: Vec<&str> = env["children"]
        .as_array()
        .map(|list| list.iter().filter_map(|c| c["name"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(
        fields,
        vec![
            "service",
            "region",
            "zones",
            "nat",
            "capacity",
            "task",
            "log_retention",
            "state"
        ]
    );

    // Formatting gives what `ragc fmt` gives: nothing to do on a formatted file, the
    // formatter's text on a messy one.
    let untouched = client
        .result("textDocument/formatting", json!({ "textDocument": { "uri": uri }, "options": { "tabSize": 2, "insertSpaces": true } }))
        .await;
    let expected_untouched = match ragc::syntax::format::format_source(&text) {
        Some(formatted) if formatted != text => 1,
        _ => 0,
    };
    assert_eq!(
        untouched.as_array().map(Vec::len),
        Some(expected_untouched),
        "{untouched}"
    );
    let messy = text.replace("zones         = 2", "zones=2");
    client.change(&uri, 2, &messy).await;
    let edits = client
        .result("textDocument/formatting", json!({ "textDocument": { "uri": uri }, "options": { "tabSize": 2, "insertSpaces": true } }))
        .await;
    match ragc::syntax::format::format_source(&messy) {
        Some(formatted) if formatted != messy => {
            assert_eq!(edits[0]["newText"], formatted);
            assert_eq!(
                edits[0]["range"]["start"],
                json!({ "line": 0, "character": 0 })
            );
        }
        _ => assert_eq!(edits, json!([])),
    }
    client.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_on_a_closed_or_unknown_file_are_answered() {
    let workspace = workspace_with_envs("unknown");
    let mut client = TestClient::start(&workspace).await;
    let uri = uri_of(&workspace.join("envs/nowhere.rag"));
    let hover = client
        .request(
            "textDocument/hover",
            text_position(&uri, json!({ "line": 0, "character": 0 })),
        )
        .await;
    assert_eq!(hover["result"], Value::Null, "{hover}");
    let completion = client
        .request(
            "textDocument/completion",
            text_position(&uri, json!({ "line": 0, "character": 0 })),
        )
        .await;
    assert_eq!(completion["result"], Value::Null, "{completion}");
    let symbols = client
        .request(
            "textDocument/documentSymbol",
            json!({ "textDocument": { "uri": uri } }),
        )
        .await;
    assert_eq!(symbols["result"], Value::Null, "{symbols}");
    client.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_the_ragc_repository_the_standard_library_is_edited_live() {
    // A workspace with the standard library's sources, as the ragc repository has.
    let workspace = workspace_with_envs("stdlib-folder");
    copy_folder(&repository().join("stdlib"), &workspace.join("stdlib"));
    let (mut client, vpc_uri, text, initial) =
        TestClient::start_on_file(&workspace, "stdlib/vpc.rag").await;
    assert_eq!(summary(&initial), Vec::<String>::new());

    // An error in the open standard-library file shows there.
    let broken = text.replace(
        "cidr_block           = cidr",
        "cidr_block           = cidrr",
    );
    client.change(&vpc_uri, 2, &broken).await;
    let found = client.diagnostics(&vpc_uri, |d| !d.is_empty()).await;
    let codes: Vec<&str> = found.iter().filter_map(|d| d["code"].as_str()).collect();
    assert_eq!(codes, vec!["RAG0201"], "{found:?}");

    // Renaming inside it is allowed: it is this workspace's own file.
    let at = position_of(&broken, "enum NatMode", 6);
    let prepared = client
        .request(
            "textDocument/prepareRename",
            json!({ "textDocument": { "uri": vpc_uri }, "position": at }),
        )
        .await;
    assert!(prepared.get("result").is_some(), "{prepared}");

    // Closed again, the file is read from the disk, and its diagnostics are cleared.
    client
        .notify(
            "textDocument/didClose",
            json!({ "textDocument": { "uri": vpc_uri } }),
        )
        .await;
    client.diagnostics(&vpc_uri, |d| d.is_empty()).await;
    client.shutdown().await;
}

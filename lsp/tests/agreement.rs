//! The checker and the editor agree on what a name means (docs/language.md): each test
//! writes a few files, checks them as `ragc check` does and asks the language server
//! about the same files, and compares both with the rule.

mod common;

use std::path::{Path, PathBuf};

use common::{position_of, uri_of, TestClient};
use ragc::compile::{compile, Options};
use ragc::program::Stdlib;
use ragc::schema::ProviderSchema;
use serde_json::{json, Value};

/// A fresh folder holding `files` (removed by `TestClient::shutdown`).
fn workspace(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let folder = std::env::temp_dir().join(format!("ragc-agree-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&folder);
    std::fs::create_dir_all(&folder).expect("temp folder is writable");
    for (path, text) in files {
        std::fs::write(folder.join(path), text).expect("temp folder is writable");
    }
    folder
}

/// The diagnostics of `ragc check FILE` in `file`, as `CODE line:col message` (zero-based,
/// UTF-16), through the same compilation the command line runs.
fn cli_check(file: &Path) -> Vec<String> {
    let schema = ProviderSchema::embedded();
    let sources = ragc::db::Database::new(Stdlib::Embedded).with_schema(schema);
    let path = file.to_string_lossy().into_owned();
    let compilation = compile(&sources, &Options::new(Stdlib::Embedded, schema), &[path]);
    let program = &compilation.program;
    let root = program.roots[0];
    let source = program.file(root);
    compilation
        .diagnostics
        .iter()
        .filter_map(|diagnostic| {
            let label = diagnostic.primary().filter(|label| label.file == root)?;
            let at = source
                .line_index
                .utf16_position(&source.text, label.span.start as usize);
            Some(format!(
                "{} {}:{} {}",
                diagnostic.code.as_str(),
                at.line,
                at.col,
                diagnostic.message
            ))
        })
        .collect()
}

/// The server's diagnostics, as `cli_check` writes them (the server adds the help to the
/// message, on lines of its own).
fn lsp_summary(diagnostics: &[Value]) -> Vec<String> {
    diagnostics
        .iter()
        .map(|d| {
            format!(
                "{} {}:{} {}",
                d["code"].as_str().unwrap_or(""),
                d["range"]["start"]["line"],
                d["range"]["start"]["character"],
                d["message"]
                    .as_str()
                    .unwrap_or("")
                    .lines()
                    .next()
                    .unwrap_or("")
            )
        })
        .collect()
}

/// Opens `file`, after checking that the server reports what the command line reports,
/// and that this is `expected`.
async fn open_and_agree(client: &mut TestClient, file: &Path, expected: &[&str]) -> Doc {
    let text = std::fs::read_to_string(file).expect("the file is readable");
    let uri = uri_of(file);
    client.open(&uri, &text).await;
    let from_server = lsp_summary(&client.diagnostics(&uri, |_| true).await);
    assert_eq!(cli_check(file), expected, "ragc check");
    assert_eq!(from_server, expected, "the language server");
    Doc { uri, text }
}

/// An open file: its URI and text.
struct Doc {
    uri: String,
    text: String,
}

impl Doc {
    /// The parameters of a request about the position `shift` characters into `needle`.
    fn at(&self, needle: &str, shift: usize) -> Value {
        json!({ "textDocument": { "uri": self.uri }, "position": position_of(&self.text, needle, shift) })
    }
}

/// A server on a folder holding `source` as `NAME.rag`, opened by `open_and_agree`.
async fn one_file(name: &str, source: &str, expected: &[&str]) -> (TestClient, Doc) {
    let file_name = format!("{name}.rag");
    let folder = workspace(name, &[(&file_name, source)]);
    let file = folder.join(&file_name);
    let mut client = TestClient::start(&folder).await;
    let doc = open_and_agree(&mut client, &file, expected).await;
    (client, doc)
}

/// The name at `params` means nothing: no definition, no hover.
async fn assert_unresolved(client: &mut TestClient, params: Value) {
    let found = definition(client, params.clone()).await;
    assert!(found.is_empty(), "definition at {params}: {found:?}");
    assert_eq!(hover(client, params).await, "");
}

async fn completion(client: &mut TestClient, params: Value) -> Vec<Value> {
    let found = client.result("textDocument/completion", params).await;
    found["items"].as_array().cloned().unwrap_or_default()
}

/// Where definition goes: `file:line:col`, or nothing.
async fn definition(client: &mut TestClient, params: Value) -> Vec<String> {
    let list = match client.result("textDocument/definition", params).await {
        Value::Null => Vec::new(),
        Value::Array(list) => list,
        one => vec![one],
    };
    list.iter().map(place).collect()
}

/// Every reference, the declaration included, as `file:line:col`, sorted.
async fn references(client: &mut TestClient, mut params: Value) -> Vec<String> {
    params["context"] = json!({ "includeDeclaration": true });
    let found = client.result("textDocument/references", params).await;
    let mut places: Vec<String> = found.as_array().into_iter().flatten().map(place).collect();
    places.sort();
    places
}

async fn hover(client: &mut TestClient, params: Value) -> String {
    let found = client.result("textDocument/hover", params).await;
    found["contents"]["value"]
        .as_str()
        .unwrap_or("")
        .to_string()
}

/// `file:line:col` of a location.
fn place(location: &Value) -> String {
    let file = location["uri"]
        .as_str()
        .unwrap_or("")
        .rsplit('/')
        .next()
        .unwrap_or("");
    let start = &location["range"]["start"];
    format!("{file}:{}:{}", start["line"], start["character"])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_let_in_a_for_body_is_visible_only_after_it() {
    let source = "\
module m(zones: List<Zone>) {
  for zone in zones {
    let b = a
    let a = zone
    assert b == a, \"same\"
  }
}
";
    let expected = ["RAG0201 2:12 cannot find `a` in this scope"];
    let (mut client, doc) = one_file("forward", source, &expected).await;
    // Before its `let`, `a` means nothing, and completion does not offer it.
    assert_unresolved(&mut client, doc.at("= a", 2)).await;
    let items = completion(&mut client, doc.at("= a", 2)).await;
    let labels: Vec<&str> = items
        .iter()
        .filter_map(|item| item["label"].as_str())
        .collect();
    assert!(
        labels.contains(&"zone") && !labels.contains(&"a"),
        "{labels:?}"
    );
    // After it, `a` is that `let`, and its references are the uses after it.
    assert_eq!(
        definition(&mut client, doc.at("== a", 3)).await,
        ["forward.rag:3:8"]
    );
    assert_eq!(
        references(&mut client, doc.at("let a", 4)).await,
        ["forward.rag:3:8", "forward.rag:4:16"]
    );
    client.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bare_variant_of_two_enums_is_ambiguous_whatever_is_expected() {
    let source = "\
enum Color { red, green }
enum Light { red, off }
let c: Color = red
fn f(x: Color): Int = match x { red => 1, green => 2 }
";
    let expected = ["RAG0201 2:15 `red` is a variant of several enums"];
    let (mut client, doc) = one_file("variant", source, &expected).await;
    // The value `red` names no variant, though a `Color` is expected there.
    assert_unresolved(&mut client, doc.at("= red", 2)).await;
    // A `match` arm's pattern is a variant of the matched value's enum.
    assert_eq!(
        definition(&mut client, doc.at("red =>", 0)).await,
        ["variant.rag:0:13"]
    );
    // Completion offers the variant as it must be written.
    let items = completion(&mut client, doc.at("= red", 2)).await;
    let labels: Vec<&str> = items
        .iter()
        .filter_map(|item| item["label"].as_str())
        .collect();
    assert_eq!(labels, ["Color.red", "green"]);
    client.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn of_two_imports_declaring_a_name_the_earlier_wins_for_every_feature() {
    let folder = workspace(
        "imports",
        &[
            ("one.rag", "/// foo from one\nlet foo = 1\n"),
            ("two.rag", "/// foo from two\nlet foo = 2\n"),
            (
                "main.rag",
                "import \"one.rag\"\nimport \"two.rag\"\nlet _bar = foo\n",
            ),
        ],
    );
    let mut client = TestClient::start(&folder).await;
    let doc = open_and_agree(&mut client, &folder.join("main.rag"), &[]).await;
    assert_eq!(
        definition(&mut client, doc.at("= foo", 2)).await,
        ["one.rag:1:4"]
    );
    let shown = hover(&mut client, doc.at("= foo", 2)).await;
    assert!(shown.contains("foo from one"), "{shown}");
    let items = completion(&mut client, doc.at("= foo", 2)).await;
    let foo = items
        .into_iter()
        .find(|item| item["label"] == "foo")
        .unwrap_or_default();
    let documentation = foo["documentation"].to_string();
    assert!(documentation.contains("foo from one"), "{foo}");
    // The use is a reference of one.rag's `foo`, not of two.rag's.
    let one = open_and_agree(&mut client, &folder.join("one.rag"), &[]).await;
    let two = open_and_agree(&mut client, &folder.join("two.rag"), &[]).await;
    assert_eq!(
        references(&mut client, one.at("foo =", 0)).await,
        ["main.rag:2:11", "one.rag:1:4"]
    );
    assert_eq!(
        references(&mut client, two.at("foo =", 0)).await,
        ["two.rag:1:4"]
    );
    client.shutdown().await;
}

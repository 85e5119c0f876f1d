//! The server under a storm of edits: thousands of deterministic pseudo-random edits
//! (insertions, deletions, pasted garbage) to the real environment files and a module
//! of the standard library, each followed by completion, hover and go-to-definition
//! requests at random places. Every request must be answered without an internal error,
//! and the server must still be alive at the end. And input nested as deeply as the
//! parser accepts, or deeper, which the recursive walks must survive.

mod common;

use common::{position, repository, uri_of, workspace_with_envs, TestClient};
use serde_json::{json, Value};

/// Edits made in total.
const EDITS: usize = 2000;

/// A xorshift generator: the same sequence on every run.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// Text fragments that make parsers and context scanners work hard.
const SNIPPETS: &[&str] = &[
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    "\"",
    "${",
    ".",
    "=",
    "==",
    "=>",
    ",",
    ":",
    "\n",
    "\n\n",
    "//",
    "///",
    " ",
    "env x = ",
    "module m(",
    "resource aws_",
    "data aws_",
    "let ",
    "for z in ",
    "if ",
    "match nat {",
    "1 vcpu",
    "2 GB",
    "30 days",
    "60%",
    "10.0.0.0/16",
    "import \"",
    "aws_vpc.main.",
    "service.",
    "network.",
    "😀",
    "é",
    "\u{200b}",
    "\t",
    "\r\n",
    "..",
    "fargate_rag {",
    "zones = ",
    "nat = ",
    "per_zone",
    "#",
    "\\",
    "$",
    "'",
];

/// Characters for pasted garbage.
const GARBAGE: &[&str] = &[
    "a", "z", "_", "0", "9", "{", "}", "\"", "$", ".", "=", " ", "\n", "/", "*", "é", "😀", "<",
    ">", "?", "!", "%", "[", "]",
];

fn boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// A position (line, UTF-16 column) of a byte offset; sometimes past the end of a line
/// or of the file, which the server must clamp.
fn random_position(random: &mut Random, text: &str) -> Value {
    if random.below(10) == 0 {
        return json!({ "line": random.below(80), "character": random.below(200) });
    }
    position(text, boundary(text, random.below(text.len() + 1)))
}

fn edit(random: &mut Random, text: &str, original: &str) -> String {
    let mut text = text.to_string();
    match random.below(10) {
        0..=3 => {
            let at = boundary(&text, random.below(text.len() + 1));
            text.insert_str(at, random.pick(SNIPPETS));
        }
        4..=6 => {
            let start = boundary(&text, random.below(text.len() + 1));
            let end = boundary(&text, start + random.below(30));
            text.replace_range(start..end.max(start), "");
        }
        7 | 8 => {
            let at = boundary(&text, random.below(text.len() + 1));
            let garbage: String = (0..random.below(12) + 1)
                .map(|_| random.pick(GARBAGE))
                .collect();
            text.insert_str(at, &garbage);
        }
        _ => text = original.to_string(),
    }
    text
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thousands_of_random_edits_never_break_the_server() {
    let workspace = workspace_with_envs("robustness");
    std::fs::create_dir_all(workspace.join("lib")).expect("temp folder is writable");
    std::fs::copy(
        repository().join("stdlib/vpc.rag"),
        workspace.join("lib/network.rag"),
    )
    .expect("copy");
    let mut client = TestClient::start(&workspace).await;

    let paths = [
        workspace.join("envs/prod.rag"),
        workspace.join("envs/staging.rag"),
        workspace.join("envs/app.rag"),
        workspace.join("envs/global.rag"),
        workspace.join("lib/network.rag"),
    ];
    let originals: Vec<String> = paths
        .iter()
        .map(|path| std::fs::read_to_string(path).expect("readable"))
        .collect();
    let uris: Vec<String> = paths.iter().map(|path| uri_of(path)).collect();
    let mut texts = originals.clone();
    let mut versions = vec![1; paths.len()];
    for (uri, text) in uris.iter().zip(&texts) {
        client.open(uri, text).await;
    }

    let mut random = Random(0x5eed_1234_abcd_9876);
    let mut answered = 0;
    let mut errors = Vec::new();
    let started = std::time::Instant::now();
    for step in 0..EDITS {
        // The module file (slow to parse in debug builds) is edited less often.
        let which = match random.below(20) {
            0 => 4,
            n => n % 4,
        };
        texts[which] = edit(&mut random, &texts[which], &originals[which]);
        versions[which] += 1;
        client
            .change(&uris[which], versions[which], &texts[which])
            .await;
        for method in [
            "textDocument/completion",
            "textDocument/hover",
            "textDocument/definition",
        ] {
            let at = random_position(&mut random, &texts[which]);
            let response = client
                .request(
                    method,
                    json!({ "textDocument": { "uri": uris[which] }, "position": at }),
                )
                .await;
            answered += 1;
            if let Some(error) = response.get("error") {
                // Salsa may cancel a request an edit overtook; anything else is a bug.
                if error["code"] != -32801 {
                    errors.push(format!(
                        "step {step}, {method} at {at}: {error}\n{}",
                        texts[which]
                    ));
                }
            }
        }
        // Now and then a pause, so that the debounced compilation runs on broken text.
        if step % 500 == 499 {
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
    }
    assert!(
        errors.is_empty(),
        "{} failed requests; the first:\n{}",
        errors.len(),
        errors[0]
    );
    assert_eq!(answered, EDITS * 3);

    // Still alive: a last request on repaired text is answered properly.
    client
        .change(&uris[0], versions[0] + 1, &originals[0])
        .await;
    let hover = client
        .result(
            "textDocument/hover",
            json!({ "textDocument": { "uri": uris[0] }, "position": common::position_of(&originals[0], "1 vcpu", 0) }),
        )
        .await;
    assert!(hover["contents"]["value"]
        .as_str()
        .is_some_and(|v| v.contains("1024 CPU units")));
    let elapsed = started.elapsed();
    assert!(elapsed.as_secs() < 60, "the storm took {elapsed:?}");
    client.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deeply_nested_input_is_answered() {
    let workspace = workspace_with_envs("deep");
    let mut client = TestClient::start(&workspace).await;
    let uri = uri_of(&workspace.join("envs/deep.rag"));
    // As deep as the parser accepts, and deeper.
    for depth in [190, 400] {
        for (open, close) in [
            ("(", ")"),
            ("[", "]"),
            ("{ a = ", " }"),
            ("-", ""),
            ("!", ""),
        ] {
            let text = format!(
                "module m(x: Int) {{\n  let v = {}x{}\n  output o = v.a.b\n}}\nlet w = {}1{}\nlet z = w{}\n",
                open.repeat(depth),
                close.repeat(depth),
                open.repeat(depth),
                close.repeat(depth),
                ".a".repeat(depth)
            );
            client.open(&uri, &text).await;
            // The `x` in the innermost of `let v`.
            let inner = common::position_of(
                &text,
                &format!("{}x", open.repeat(depth)),
                open.len() * depth,
            );
            for (method, extra) in [
                ("textDocument/hover", json!({})),
                ("textDocument/definition", json!({})),
                ("textDocument/completion", json!({})),
                (
                    "textDocument/references",
                    json!({ "context": { "includeDeclaration": true } }),
                ),
                ("textDocument/prepareRename", json!({})),
            ] {
                let mut params = json!({ "textDocument": { "uri": uri }, "position": inner });
                if let (Some(params), Some(extra)) = (params.as_object_mut(), extra.as_object()) {
                    params.extend(extra.clone());
                }
                let response = client.request(method, params).await;
                let error_code = response["error"]["code"].as_i64();
                // Only "nothing to rename here" may be refused.
                assert!(
                    error_code.is_none()
                        || (method == "textDocument/prepareRename" && error_code == Some(-32602)),
                    "{method} on nesting {open} x {depth}: {response}"
                );
            }
            let symbols = client
                .request(
                    "textDocument/documentSymbol",
                    json!({ "textDocument": { "uri": uri } }),
                )
                .await;
            assert!(symbols.get("result").is_some(), "{symbols}");
            client
                .notify(
                    "textDocument/didClose",
                    json!({ "textDocument": { "uri": uri } }),
                )
                .await;
        }
    }
    client.shutdown().await;
}

//! A small Language Server Protocol client for the tests and the latency benchmark
//! (`benches/latency.rs` includes this module): it runs the server in the process over
//! an in-memory pipe, frames messages as an editor does, and collects the server's
//! notifications (and its requests, which it answers with null). Every message from the
//! server is stamped with the instant it was read off the pipe, so that a latency does
//! not include the time the caller takes to look at the message.

// Each test file and the benchmark use a part of it.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::sync::{mpsc, oneshot};

/// A message from the server and when it was read.
struct Stamped {
    message: Value,
    at: Instant,
}

type Writer = Arc<tokio::sync::Mutex<tokio::io::WriteHalf<tokio::io::DuplexStream>>>;
type Pending = Arc<Mutex<HashMap<i64, oneshot::Sender<Stamped>>>>;

pub struct TestClient {
    writer: Writer,
    next_id: i64,
    pending: Pending,
    notifications: mpsc::UnboundedReceiver<Stamped>,
    /// Notifications read but not yet asked for.
    seen: Vec<Stamped>,
    pub server: tokio::task::JoinHandle<()>,
    pub workspace: PathBuf,
    /// The server's answer to `initialize`.
    pub initialize: Value,
    /// How long to wait for the server before failing: `TIMEOUT` unless changed.
    pub timeout: Duration,
}

/// How long a test waits for the server before failing.
pub const TIMEOUT: Duration = Duration::from_secs(20);

impl TestClient {
    /// Starts a server on `workspace` and initializes it, for a client of no capabilities.
    pub async fn start(workspace: &Path) -> TestClient {
        TestClient::start_with(workspace, json!({})).await
    }

    /// Starts a server on `workspace` and initializes it, for a client of `capabilities`.
    pub async fn start_with(workspace: &Path, capabilities: Value) -> TestClient {
        TestClient::launch(workspace, capabilities, ragc_lsp::Config::default()).await
    }

    /// Starts a server of `config` on `workspace` and initializes it, for a client of no
    /// capabilities.
    pub async fn start_configured(workspace: &Path, config: ragc_lsp::Config) -> TestClient {
        TestClient::launch(workspace, json!({}), config).await
    }

    async fn launch(workspace: &Path, capabilities: Value, config: ragc_lsp::Config) -> TestClient {
        let (client_end, server_end) = tokio::io::duplex(1 << 20);
        let (server_read, server_write) = tokio::io::split(server_end);
        let server = tokio::spawn(ragc_lsp::serve(server_read, server_write, config));
        let (client_read, client_write) = tokio::io::split(client_end);
        let writer = Arc::new(tokio::sync::Mutex::new(client_write));
        let pending: Pending = Arc::default();
        let (notify_tx, notifications) = mpsc::unbounded_channel();
        tokio::spawn(read_messages(
            client_read,
            pending.clone(),
            notify_tx,
            writer.clone(),
        ));
        let mut client = TestClient {
            writer,
            next_id: 0,
            pending,
            notifications,
            seen: Vec::new(),
            server,
            workspace: workspace.to_path_buf(),
            initialize: Value::Null,
            timeout: TIMEOUT,
        };
        let root = uri_of(workspace);
        let response = client
            .request(
                "initialize",
                json!({
                    "processId": null,
                    "rootUri": root,
                    "capabilities": capabilities,
                    "workspaceFolders": [{ "uri": root, "name": "workspace" }],
                }),
            )
            .await;
        assert!(
            response.get("result").is_some(),
            "initialize failed: {response}"
        );
        client.initialize = response;
        client.notify("initialized", json!({})).await;
        client
    }

    /// Writes one framed message; returns the instant just before the write.
    pub async fn send(&mut self, message: Value) -> Instant {
        let body = message.to_string();
        let frame = format!("Content-Length: {}\r\n\r\n{body}", body.len());
        let mut writer = self.writer.lock().await;
        let sent = Instant::now();
        writer
            .write_all(frame.as_bytes())
            .await
            .expect("the server's input is open");
        writer.flush().await.expect("the server's input is open");
        sent
    }

    /// Starts a server on `workspace` (for a client of no capabilities), opens `file` (a
    /// path in the workspace) and waits for its first diagnostics; returns the client,
    /// the file's URI, its text and those diagnostics.
    pub async fn start_on_file(
        workspace: &Path,
        file: &str,
    ) -> (TestClient, String, String, Vec<Value>) {
        TestClient::start_on_file_with(workspace, file, json!({})).await
    }

    /// `start_on_file`, for a client of `capabilities`.
    pub async fn start_on_file_with(
        workspace: &Path,
        file: &str,
        capabilities: Value,
    ) -> (TestClient, String, String, Vec<Value>) {
        let mut client = TestClient::start_with(workspace, capabilities).await;
        let path = workspace.join(file);
        let uri = uri_of(&path);
        let text = std::fs::read_to_string(&path).expect("the file is readable");
        client.open(&uri, &text).await;
        let diagnostics = client.diagnostics(&uri, |_| true).await;
        (client, uri, text, diagnostics)
    }

    /// Sends a request and waits for its response (the whole message: `result` or `error`).
    pub async fn request(&mut self, method: &str, params: Value) -> Value {
        self.timed_request(method, params).await.0
    }

    /// `request`, with the time from the write of the request to the read of the response.
    pub async fn timed_request(&mut self, method: &str, params: Value) -> (Value, Duration) {
        self.next_id += 1;
        let id = self.next_id;
        let (tx, rx) = oneshot::channel();
        self.pending.lock().expect("not poisoned").insert(id, tx);
        let sent = self
            .send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }))
            .await;
        match tokio::time::timeout(self.timeout, rx).await {
            Ok(Ok(response)) => (response.message, response.at.duration_since(sent)),
            _ => panic!("no response to {method} within {:?}", self.timeout),
        }
    }

    /// The `result` of a request, failing on an error response.
    pub async fn result(&mut self, method: &str, params: Value) -> Value {
        self.timed_result(method, params).await.0
    }

    /// `result`, with the latency of `timed_request`.
    pub async fn timed_result(&mut self, method: &str, params: Value) -> (Value, Duration) {
        let (response, latency) = self.timed_request(method, params).await;
        match response.get("result") {
            Some(result) => (result.clone(), latency),
            None => panic!("{method} failed: {response}"),
        }
    }

    /// Sends a notification; returns the instant just before it was written.
    pub async fn notify(&mut self, method: &str, params: Value) -> Instant {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params }))
            .await
    }

    pub async fn open(&mut self, uri: &str, text: &str) -> Instant {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": "rag", "version": 1, "text": text } }),
        )
        .await
    }

    /// A `didChange` with the whole new text: the server asks for whole-text sync.
    pub async fn change(&mut self, uri: &str, version: i32, text: &str) -> Instant {
        self.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [{ "text": text }] }),
        )
        .await
    }

    /// Waits for diagnostics of `uri` that satisfy `wanted`, and returns them.
    pub async fn diagnostics(
        &mut self,
        uri: &str,
        wanted: impl Fn(&[Value]) -> bool,
    ) -> Vec<Value> {
        self.published(uri, |params| wanted(&diagnostics_list(params)))
            .await
            .0
    }

    /// Waits for the diagnostics of `uri` at `version`; returns them and when they were
    /// read.
    pub async fn diagnostics_at(&mut self, uri: &str, version: i32) -> (Vec<Value>, Instant) {
        self.published(uri, |params| params["version"] == version)
            .await
    }

    /// Waits for the latest `publishDiagnostics` of `uri` whose params satisfy `wanted`
    /// (earlier notifications are dropped); returns its diagnostics and when it was read.
    async fn published(
        &mut self,
        uri: &str,
        wanted: impl Fn(&Value) -> bool,
    ) -> (Vec<Value>, Instant) {
        let deadline = tokio::time::Instant::now() + self.timeout;
        loop {
            if let Some(at) = self
                .seen
                .iter()
                .rposition(|n| is_diagnostics_of(&n.message, uri))
            {
                let found = self
                    .seen
                    .drain(..=at)
                    .next_back()
                    .expect("drained up to `at`");
                let params = &found.message["params"];
                if wanted(params) {
                    return (diagnostics_list(params), found.at);
                }
                continue;
            }
            match tokio::time::timeout_at(deadline, self.notifications.recv()).await {
                Ok(Some(notification)) => self.seen.push(notification),
                _ => panic!(
                    "no matching diagnostics for {uri} within {:?}",
                    self.timeout
                ),
            }
        }
    }

    /// Waits for a request of the server with this `method`, and returns it.
    pub async fn server_request(&mut self, method: &str) -> Value {
        let deadline = tokio::time::Instant::now() + self.timeout;
        loop {
            let asked = |stamped: &Stamped| {
                stamped.message["method"] == method && stamped.message.get("id").is_some()
            };
            if let Some(at) = self.seen.iter().position(asked) {
                return self.seen.remove(at).message;
            }
            match tokio::time::timeout_at(deadline, self.notifications.recv()).await {
                Ok(Some(message)) => self.seen.push(message),
                _ => panic!("no {method} request within {:?}", self.timeout),
            }
        }
    }

    /// Every notification received so far (and not consumed).
    pub fn drain_notifications(&mut self) -> Vec<Value> {
        while let Ok(notification) = self.notifications.try_recv() {
            self.seen.push(notification);
        }
        std::mem::take(&mut self.seen)
            .into_iter()
            .map(|stamped| stamped.message)
            .collect()
    }

    /// Shuts the server down, waits for it to exit and removes the workspace.
    pub async fn shutdown(self) {
        let workspace = self.stop().await;
        let _ = std::fs::remove_dir_all(workspace);
    }

    /// Shuts the server down and waits for it to exit; returns the workspace, left as it
    /// is.
    pub async fn stop(mut self) -> PathBuf {
        let response = self.request("shutdown", Value::Null).await;
        assert_eq!(response.get("result"), Some(&Value::Null), "{response}");
        self.notify("exit", Value::Null).await;
        tokio::time::timeout(self.timeout, self.server)
            .await
            .expect("the server exits after `exit`")
            .expect("the server task did not panic");
        self.workspace
    }
}

fn is_diagnostics_of(notification: &Value, uri: &str) -> bool {
    notification["method"] == "textDocument/publishDiagnostics"
        && notification["params"]["uri"] == uri
}

fn diagnostics_list(params: &Value) -> Vec<Value> {
    params["diagnostics"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

async fn read_messages(
    reader: tokio::io::ReadHalf<tokio::io::DuplexStream>,
    pending: Pending,
    notifications: mpsc::UnboundedSender<Stamped>,
    writer: Writer,
) {
    let mut reader = BufReader::new(reader);
    loop {
        let mut length = None;
        loop {
            let mut line = String::new();
            match reader.read_line(&mut line).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(value) = line.strip_prefix("Content-Length: ") {
                length = value.parse::<usize>().ok();
            }
        }
        let Some(length) = length else { return };
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).await.is_err() {
            return;
        }
        let at = Instant::now();
        let Ok(message) = serde_json::from_slice::<Value>(&body) else {
            return;
        };
        let is_response = message.get("method").is_none();
        if is_response {
            let id = message["id"].as_i64().unwrap_or(-1);
            if let Some(tx) = pending.lock().expect("not poisoned").remove(&id) {
                let _ = tx.send(Stamped { message, at });
            }
        } else if message.get("id").is_some() {
            // A request from the server: answer it with nothing, and keep it for
            // `server_request`.
            let reply =
                json!({ "jsonrpc": "2.0", "id": message["id"], "result": null }).to_string();
            let frame = format!("Content-Length: {}\r\n\r\n{reply}", reply.len());
            let mut writer = writer.lock().await;
            let _ = writer.write_all(frame.as_bytes()).await;
            let _ = notifications.send(Stamped { message, at });
        } else {
            let _ = notifications.send(Stamped { message, at });
        }
    }
}

pub fn uri_of(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// The repository's root (the workspace of this crate).
pub fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// A fresh folder holding a copy of the repository's `envs/` (removed by `shutdown`).
pub fn workspace_with_envs(name: &str) -> PathBuf {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let folder = std::env::temp_dir().join(format!(
        "ragc-lsp-{name}-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&folder);
    std::fs::create_dir_all(folder.join("envs")).expect("temp folder is writable");
    copy_folder(&repository().join("envs"), &folder.join("envs"));
    folder
}

/// Copies the files of a folder (not its subfolders).
pub fn copy_folder(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("temp folder is writable");
    for entry in std::fs::read_dir(from)
        .expect("the folder exists")
        .flatten()
    {
        if entry.path().is_file() {
            std::fs::copy(entry.path(), to.join(entry.file_name())).expect("copy");
        }
    }
}

/// The position (line, UTF-16 column) of the first `needle` in `text`, plus `shift`
/// characters.
pub fn position_of(text: &str, needle: &str, shift: usize) -> Value {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("`{needle}` is in the text"))
        + shift;
    position(text, at)
}

/// The position (line, UTF-16 column) of the byte offset `at` in `text`.
pub fn position(text: &str, at: usize) -> Value {
    let before = &text[..at];
    let line = before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |n| n + 1);
    let character: usize = text[line_start..at].chars().map(char::len_utf16).sum();
    json!({ "line": line, "character": character })
}

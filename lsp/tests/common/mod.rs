//! A small Language Server Protocol client for the tests: it runs the server in the
//! test's process over an in-memory pipe, frames messages as an editor does, and
//! collects the server's notifications (and its requests, which it answers with null).

#![allow(dead_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::sync::{mpsc, oneshot};

type Pending = Arc<Mutex<HashMap<i64, oneshot::Sender<Value>>>>;

pub struct TestClient {
    writer: Arc<tokio::sync::Mutex<tokio::io::WriteHalf<tokio::io::DuplexStream>>>,
    next_id: i64,
    pending: Pending,
    notifications: mpsc::UnboundedReceiver<Value>,
    /// Notifications read but not yet asked for.
    seen: Vec<Value>,
    pub server: tokio::task::JoinHandle<()>,
    pub workspace: PathBuf,
    /// The server's answer to `initialize`.
    pub initialize: Value,
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
        let (client_end, server_end) = tokio::io::duplex(1 << 20);
        let (server_read, server_write) = tokio::io::split(server_end);
        let server = tokio::spawn(ragc_lsp::serve(
            server_read,
            server_write,
            ragc_lsp::Config::default(),
        ));
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

    pub async fn send(&mut self, message: Value) {
        let body = message.to_string();
        let frame = format!("Content-Length: {}\r\n\r\n{body}", body.len());
        let mut writer = self.writer.lock().await;
        writer
            .write_all(frame.as_bytes())
            .await
            .expect("the server's input is open");
        writer.flush().await.expect("the server's input is open");
    }

    /// Sends a request and waits for its response (the whole message: `result` or `error`).
    pub async fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let (tx, rx) = oneshot::channel();
        self.pending.lock().expect("not poisoned").insert(id, tx);
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }))
            .await;
        match tokio::time::timeout(TIMEOUT, rx).await {
            Ok(Ok(response)) => response,
            _ => panic!("no response to {method} within {TIMEOUT:?}"),
        }
    }

    /// The `result` of a request, failing on an error response.
    pub async fn result(&mut self, method: &str, params: Value) -> Value {
        let response = self.request(method, params).await;
        match response.get("result") {
            Some(result) => result.clone(),
            None => panic!("{method} failed: {response}"),
        }
    }

    pub async fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params }))
            .await;
    }

    pub async fn open(&mut self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": "rag", "version": 1, "text": text } }),
        )
        .await;
    }

    pub async fn change(&mut self, uri: &str, version: i32, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [{ "text": text }] }),
        )
        .await;
    }

    /// Waits for diagnostics of `uri` that satisfy `wanted`, and returns them.
    pub async fn diagnostics(
        &mut self,
        uri: &str,
        wanted: impl Fn(&[Value]) -> bool,
    ) -> Vec<Value> {
        let deadline = tokio::time::Instant::now() + TIMEOUT;
        loop {
            if let Some(at) = self.seen.iter().rposition(|n| is_diagnostics_of(n, uri)) {
                let found = diagnostics_list(&self.seen[at]);
                self.seen.drain(..=at);
                if wanted(&found) {
                    return found;
                }
                continue;
            }
            match tokio::time::timeout_at(deadline, self.notifications.recv()).await {
                Ok(Some(notification)) => self.seen.push(notification),
                _ => panic!("no matching diagnostics for {uri} within {TIMEOUT:?}"),
            }
        }
    }

    /// Waits for a request of the server with this `method`, and returns it.
    pub async fn server_request(&mut self, method: &str) -> Value {
        let deadline = tokio::time::Instant::now() + TIMEOUT;
        loop {
            let asked =
                |message: &Value| message["method"] == method && message.get("id").is_some();
            if let Some(at) = self.seen.iter().position(asked) {
                return self.seen.remove(at);
            }
            match tokio::time::timeout_at(deadline, self.notifications.recv()).await {
                Ok(Some(message)) => self.seen.push(message),
                _ => panic!("no {method} request within {TIMEOUT:?}"),
            }
        }
    }

    /// Every notification received so far (and not consumed).
    pub fn drain_notifications(&mut self) -> Vec<Value> {
        while let Ok(notification) = self.notifications.try_recv() {
            self.seen.push(notification);
        }
        std::mem::take(&mut self.seen)
    }

    pub async fn shutdown(mut self) {
        let response = self.request("shutdown", Value::Null).await;
        assert_eq!(response.get("result"), Some(&Value::Null), "{response}");
        self.notify("exit", Value::Null).await;
        let server = self.server;
        tokio::time::timeout(TIMEOUT, server)
            .await
            .expect("the server exits after `exit`")
            .expect("the server task did not panic");
        let _ = std::fs::remove_dir_all(&self.workspace);
    }
}

fn is_diagnostics_of(notification: &Value, uri: &str) -> bool {
    notification["method"] == "textDocument/publishDiagnostics"
        && notification["params"]["uri"] == uri
}

fn diagnostics_list(notification: &Value) -> Vec<Value> {
    notification["params"]["diagnostics"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

async fn read_messages(
    reader: tokio::io::ReadHalf<tokio::io::DuplexStream>,
    pending: Pending,
    notifications: mpsc::UnboundedSender<Value>,
    writer: Arc<tokio::sync::Mutex<tokio::io::WriteHalf<tokio::io::DuplexStream>>>,
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
        let Ok(message) = serde_json::from_slice::<Value>(&body) else {
            return;
        };
        let is_response = message.get("method").is_none();
        if is_response {
            let id = message["id"].as_i64().unwrap_or(-1);
            if let Some(tx) = pending.lock().expect("not poisoned").remove(&id) {
                let _ = tx.send(message);
            }
        } else if message.get("id").is_some() {
            // A request from the server: answer it with nothing, and keep it for
            // `server_request`.
            let reply =
                json!({ "jsonrpc": "2.0", "id": message["id"], "result": null }).to_string();
            let frame = format!("Content-Length: {}\r\n\r\n{reply}", reply.len());
            let mut writer = writer.lock().await;
            let _ = writer.write_all(frame.as_bytes()).await;
            let _ = notifications.send(message);
        } else {
            let _ = notifications.send(message);
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
    let before = &text[..at];
    let line = before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |n| n + 1);
    let character: usize = text[line_start..at].chars().map(char::len_utf16).sum();
    json!({ "line": line, "character": character })
}

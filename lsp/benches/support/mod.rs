//! A small Language Server Protocol client for the latency benchmark. The server runs
//! in the benchmark's process behind an in-memory pipe, as in `tests/common`, and is
//! driven as an editor drives it. Every message from the server is stamped with the
//! instant it was read off the pipe, so that a latency does not include the time the
//! benchmark takes to look at the message.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tokio::io::{
    AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader, DuplexStream, ReadHalf, WriteHalf,
};
use tokio::sync::{mpsc, oneshot};

pub type Error = Box<dyn std::error::Error + Send + Sync>;
pub type Result<T> = std::result::Result<T, Error>;

/// A message from the server and when it was read.
pub struct Stamped {
    pub message: Value,
    pub at: Instant,
}

type Writer = Arc<tokio::sync::Mutex<WriteHalf<DuplexStream>>>;
type Pending = Arc<Mutex<HashMap<i64, oneshot::Sender<Stamped>>>>;

/// How long the benchmark waits for one answer before it gives up.
pub const TIMEOUT: Duration = Duration::from_secs(120);

pub struct Client {
    writer: Writer,
    next_id: i64,
    pending: Pending,
    notifications: mpsc::UnboundedReceiver<Stamped>,
    server: tokio::task::JoinHandle<()>,
}

impl Client {
    /// Starts a server on `workspace` with `config`, and initializes it.
    pub async fn start(workspace: &Path, config: ragc_lsp::Config) -> Result<Client> {
        let (client_end, server_end) = tokio::io::duplex(1 << 20);
        let (server_read, server_write) = tokio::io::split(server_end);
        let server = tokio::spawn(ragc_lsp::serve(server_read, server_write, config));
        let (client_read, client_write) = tokio::io::split(client_end);
        let writer: Writer = Arc::new(tokio::sync::Mutex::new(client_write));
        let pending: Pending = Arc::default();
        let (notify_tx, notifications) = mpsc::unbounded_channel();
        tokio::spawn(read_messages(
            client_read,
            pending.clone(),
            notify_tx,
            writer.clone(),
        ));
        let mut client = Client {
            writer,
            next_id: 0,
            pending,
            notifications,
            server,
        };
        let root = uri_of(workspace);
        let (response, _) = client
            .request(
                "initialize",
                json!({
                    "processId": null,
                    "rootUri": root,
                    "capabilities": {},
                    "workspaceFolders": [{ "uri": root, "name": "workspace" }],
                }),
            )
            .await?;
        if response.get("result").is_none() {
            return Err(format!("initialize failed: {response}").into());
        }
        client.notify("initialized", json!({})).await?;
        Ok(client)
    }

    /// Writes one framed message; returns the instant just before the write.
    async fn send(&self, message: &Value) -> Result<Instant> {
        let body = message.to_string();
        let frame = format!("Content-Length: {}\r\n\r\n{body}", body.len());
        let mut writer = self.writer.lock().await;
        let sent = Instant::now();
        writer
            .write_all(frame.as_bytes())
            .await
            .map_err(|error| format!("writing to the server: {error}"))?;
        writer
            .flush()
            .await
            .map_err(|error| format!("writing to the server: {error}"))?;
        Ok(sent)
    }

    /// Sends a request and waits for its response (the whole message); returns it with
    /// the time from the write of the request to the read of the response.
    pub async fn request(&mut self, method: &str, params: Value) -> Result<(Value, Duration)> {
        self.next_id += 1;
        let id = self.next_id;
        let (tx, rx) = oneshot::channel();
        self.pending
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(id, tx);
        let sent = self
            .send(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }))
            .await?;
        match tokio::time::timeout(TIMEOUT, rx).await {
            Ok(Ok(stamped)) => Ok((stamped.message, stamped.at.duration_since(sent))),
            Ok(Err(_)) => {
                Err(format!("the server closed the pipe before answering {method}").into())
            }
            Err(_) => Err(format!("no answer to {method} within {TIMEOUT:?}").into()),
        }
    }

    /// The `result` of a request with its latency, failing on an error response.
    pub async fn result(&mut self, method: &str, params: Value) -> Result<(Value, Duration)> {
        let (response, latency) = self.request(method, params).await?;
        match response.get("result") {
            Some(result) => Ok((result.clone(), latency)),
            None => Err(format!("{method} failed: {response}").into()),
        }
    }

    /// Sends a notification; returns the instant just before it was written.
    pub async fn notify(&mut self, method: &str, params: Value) -> Result<Instant> {
        self.send(&json!({ "jsonrpc": "2.0", "method": method, "params": params }))
            .await
    }

    pub async fn open(&mut self, uri: &str, text: &str) -> Result<Instant> {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": "rag", "version": 1, "text": text } }),
        )
        .await
    }

    /// A `didChange` with the whole new text: the server asks for whole-text sync.
    pub async fn change(&mut self, uri: &str, version: i32, text: &str) -> Result<Instant> {
        self.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [{ "text": text }] }),
        )
        .await
    }

    /// Waits for the `publishDiagnostics` of `uri` at `version`; returns the
    /// diagnostics and when the notification was read. Other notifications are dropped.
    pub async fn diagnostics(&mut self, uri: &str, version: i32) -> Result<(Vec<Value>, Instant)> {
        let deadline = tokio::time::Instant::now() + TIMEOUT;
        loop {
            match tokio::time::timeout_at(deadline, self.notifications.recv()).await {
                Ok(Some(stamped)) => {
                    let params = &stamped.message["params"];
                    if stamped.message["method"] == "textDocument/publishDiagnostics"
                        && params["uri"] == uri
                        && params["version"] == version
                    {
                        let list = params["diagnostics"]
                            .as_array()
                            .cloned()
                            .unwrap_or_default();
                        return Ok((list, stamped.at));
                    }
                }
                Ok(None) => return Err("the server closed the pipe".into()),
                Err(_) => {
                    return Err(format!(
                        "no diagnostics for {uri} at version {version} within {TIMEOUT:?}"
                    )
                    .into())
                }
            }
        }
    }

    /// Drops the notifications received so far.
    pub fn drain(&mut self) {
        while self.notifications.try_recv().is_ok() {}
    }

    pub async fn shutdown(mut self) -> Result<()> {
        let (response, _) = self.request("shutdown", Value::Null).await?;
        if response.get("result") != Some(&Value::Null) {
            return Err(format!("shutdown failed: {response}").into());
        }
        self.notify("exit", Value::Null).await?;
        match tokio::time::timeout(TIMEOUT, self.server).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(error)) => Err(format!("the server's task failed: {error}").into()),
            Err(_) => Err("the server did not exit after `exit`".into()),
        }
    }
}

async fn read_messages(
    reader: ReadHalf<DuplexStream>,
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
        if message.get("method").is_none() {
            let id = message["id"].as_i64().unwrap_or(-1);
            let waiting = pending
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .remove(&id);
            if let Some(tx) = waiting {
                let _ = tx.send(Stamped { message, at });
            }
        } else if message.get("id").is_some() {
            // A request from the server: answer it with nothing.
            let reply =
                json!({ "jsonrpc": "2.0", "id": message["id"], "result": null }).to_string();
            let frame = format!("Content-Length: {}\r\n\r\n{reply}", reply.len());
            let mut writer = writer.lock().await;
            let _ = writer.write_all(frame.as_bytes()).await;
        } else {
            let _ = notifications.send(Stamped { message, at });
        }
    }
}

pub fn uri_of(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// The protocol position (line, UTF-16 column) of a byte offset.
pub fn position(text: &str, offset: usize) -> Value {
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |n| n + 1);
    let character: usize = text[line_start..offset].chars().map(char::len_utf16).sum();
    json!({ "line": line, "character": character })
}

//! Latency of the `.rag` language server, as an editor sees it.
//!
//! `cargo bench -p ragc-lsp --bench latency [-- envs|large]` runs the real server
//! in-process behind an in-memory pipe (the tests' client, `tests/common`), initializes it on a workspace,
//! opens a file and then measures, as wall-clock time per request:
//!
//! 1. diagnostics after a `didChange`: from the write of the change to the read of the
//!    `publishDiagnostics` for that version. The server waits for typing to pause
//!    (`Config::debounce`, 150 ms) before it compiles, so the raw figure includes that
//!    pause; it is also given minus the debounce, and measured again on a server whose
//!    debounce is 0;
//! 2. completion right after a keystroke, at four positions: in an environment's body,
//!    after `= `, after a number and in a resource block;
//! 3. hover on a unit literal, an environment's field and a resource type, right after a
//!    keystroke elsewhere in the file, and again with no edit since the previous request;
//!
//! on two workspaces, each in its own process so that their memory figures are apart:
//!
//! - `envs`: a copy of the repository's `envs/`, with `prod.rag` open;
//! - `large`: one file of at least 10,000 lines from `bench/generate.py large` (Python 3
//!   is needed), open.
//!
//! Each measurement repeats a few hundred times with edits an editor sends while someone
//! types: a character typed at the end of a line, then deleted (whole-text sync, as the
//! server asks for). The resident memory (`VmRSS`) is read after a long editing session
//! (2000 edits, a completion after each typed character, a pause for diagnostics every
//! 10 edits). The end is a markdown table of p50, p99 and max.
//!
//! Settings, from the environment: `RAGC_LSP_BENCH_ITERATIONS` (300),
//! `RAGC_LSP_BENCH_EDITS` (2000), `RAGC_LSP_BENCH_LINES` (10000). Run by `cargo test`
//! (without `--bench`), it only checks that it works: a few iterations on `envs`.

#[path = "../tests/common/mod.rs"]
mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{copy_folder, position, repository, uri_of, TestClient};
use serde_json::{json, Value};

type Result<T> = std::result::Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// How long the benchmark waits for one answer before it gives up.
const TIMEOUT: Duration = Duration::from_secs(120);

/// Set in a child process: the workspace it measures.
const CHILD: &str = "RAGC_LSP_BENCH_CHILD";
/// Diagnostics are awaited once every this many edits of the long session.
const PAUSE_EVERY: usize = 10;
/// The resident memory is read once every this many edits of the long session, at a
/// pause.
const RSS_EVERY: usize = 25 * PAUSE_EVERY;
/// The two latency targets of the issue, in milliseconds, and the memory one in MiB.
const TARGET_P50: f64 = 5.0;
const TARGET_P99: f64 = 20.0;
const TARGET_RSS_MIB: f64 = 100.0;

#[derive(Debug, Clone)]
struct Settings {
    iterations: usize,
    session_edits: usize,
    lines: usize,
}

impl Settings {
    fn from_env(smoke: bool) -> Result<Settings> {
        let number = |name: &str, default: usize| -> Result<usize> {
            match std::env::var(name) {
                Ok(value) => value
                    .parse()
                    .map_err(|_| format!("{name} must be a whole number, not `{value}`").into()),
                Err(_) => Ok(default),
            }
        };
        Ok(if smoke {
            Settings {
                iterations: number("RAGC_LSP_BENCH_ITERATIONS", 4)?,
                session_edits: number("RAGC_LSP_BENCH_EDITS", 20)?,
                lines: number("RAGC_LSP_BENCH_LINES", 10_000)?,
            }
        } else {
            Settings {
                iterations: number("RAGC_LSP_BENCH_ITERATIONS", 300)?,
                session_edits: number("RAGC_LSP_BENCH_EDITS", 2000)?,
                lines: number("RAGC_LSP_BENCH_LINES", 10_000)?,
            }
        })
    }
}

fn main() -> Result<()> {
    if let Ok(workspace) = std::env::var(CHILD) {
        return child(&workspace);
    }
    let args: Vec<String> = std::env::args().skip(1).collect();
    // `cargo bench` passes `--bench`; `cargo test --benches` does not.
    let smoke = !args.iter().any(|arg| arg == "--bench");
    let mut chosen: Vec<&str> = args
        .iter()
        .map(String::as_str)
        .filter(|arg| !arg.starts_with('-'))
        .collect();
    if let Some(unknown) = chosen.iter().find(|name| !["envs", "large"].contains(name)) {
        return Err(format!("unknown workspace `{unknown}`: use `envs` or `large`").into());
    }
    if chosen.is_empty() {
        chosen = if smoke {
            vec!["envs"]
        } else {
            vec!["envs", "large"]
        };
    }
    let settings = Settings::from_env(smoke)?;
    let exe = std::env::current_exe().map_err(|e| format!("finding the benchmark: {e}"))?;
    let mut reports = Vec::new();
    for name in chosen {
        eprintln!("== {name} ==");
        let output = Command::new(&exe)
            .env(CHILD, name)
            .env("RAGC_LSP_BENCH_ITERATIONS", settings.iterations.to_string())
            .env("RAGC_LSP_BENCH_EDITS", settings.session_edits.to_string())
            .env("RAGC_LSP_BENCH_LINES", settings.lines.to_string())
            .stdin(Stdio::null())
            .stderr(Stdio::inherit())
            .output()
            .map_err(|e| format!("starting the `{name}` run: {e}"))?;
        if !output.status.success() {
            return Err(format!("the `{name}` run failed ({})", output.status).into());
        }
        let report: Value = serde_json::from_slice(&output.stdout)
            .map_err(|e| format!("reading the `{name}` run's report: {e}"))?;
        reports.push(report);
    }
    println!("{}", markdown(&reports, &settings));
    Ok(())
}

// ------------------------------------------------------------------ one workspace

/// Measures one workspace in this process and prints its report (JSON) on stdout.
fn child(name: &str) -> Result<()> {
    let settings = Settings::from_env(false)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        // As `ragc lsp` builds it (`ragc_lsp::run_stdio`).
        .thread_stack_size(8 << 20)
        .build()
        .map_err(|e| format!("starting tokio: {e}"))?;
    let folder = std::env::temp_dir().join(format!("ragc-lsp-bench-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&folder);
    let outcome = prepare(name, &folder, &settings)
        .and_then(|workload| runtime.block_on(measure(&workload, &settings)));
    let _ = std::fs::remove_dir_all(&folder);
    let report = outcome?;
    println!("{report}");
    // Blocking work still running must not keep the process alive.
    runtime.shutdown_timeout(Duration::from_millis(100));
    Ok(())
}

/// A workspace, its open file, and where to edit, complete and hover in it.
struct Workload {
    name: String,
    folder: PathBuf,
    file: PathBuf,
    text: String,
    completions: Vec<Typing>,
    hovers: Vec<Pointing>,
}

/// A text with a cursor, and the character typed at the cursor: completion is asked
/// for at the cursor without the character, then after it, alternately.
struct Typing {
    key: &'static str,
    before: String,
    after: String,
    typed: char,
}

impl Typing {
    /// The text and the cursor's offset, with or without the typed character.
    fn state(&self, typed: bool) -> (String, usize) {
        let mut text = self.before.clone();
        if typed {
            text.push(self.typed);
        }
        let cursor = text.len();
        text.push_str(&self.after);
        (text, cursor)
    }
}

/// A position to hover in a text, and a place elsewhere where a character is typed and
/// deleted between hovers.
struct Pointing {
    key: &'static str,
    text: String,
    at: usize,
    keystroke: usize,
}

/// The offset of `needle` in `text`, searching from the first `anchor`.
fn find_after(text: &str, anchor: &str, needle: &str) -> Result<usize> {
    let start = text
        .find(anchor)
        .ok_or_else(|| format!("`{anchor}` is not in the benchmarked file"))?;
    let found = text[start..]
        .find(needle)
        .ok_or_else(|| format!("`{needle}` is not after `{anchor}` in the benchmarked file"))?;
    Ok(start + found)
}

/// `text` with the first `needle` after `anchor` replaced by `replacement`, in which
/// `‸` marks the cursor.
fn typing(
    key: &'static str,
    text: &str,
    anchor: &str,
    needle: &str,
    replacement: &str,
    typed: char,
) -> Result<Typing> {
    let at = find_after(text, anchor, needle)?;
    let (head, tail) = replacement
        .split_once('‸')
        .ok_or("a replacement marks its cursor with ‸")?;
    Ok(Typing {
        key,
        before: format!("{}{head}", &text[..at]),
        after: format!("{tail}{}", &text[at + needle.len()..]),
        typed,
    })
}

fn pointing(
    key: &'static str,
    text: &str,
    anchor: &str,
    needle: &str,
    shift: usize,
    keystroke_line: &str,
) -> Result<Pointing> {
    let at = find_after(text, anchor, needle)? + shift;
    let line = text
        .find(keystroke_line)
        .ok_or_else(|| format!("`{keystroke_line}` is not in the benchmarked file"))?;
    let keystroke = text[line..].find('\n').map_or(text.len(), |end| line + end);
    Ok(Pointing {
        key,
        text: text.to_string(),
        at,
        keystroke,
    })
}

/// Copies `envs/` or generates the large file into `folder`, and plans the requests.
fn prepare(name: &str, folder: &Path, settings: &Settings) -> Result<Workload> {
    let envs = folder.join("envs");
    std::fs::create_dir_all(&envs).map_err(|e| format!("creating {}: {e}", envs.display()))?;
    let read = |path: &Path| -> Result<String> {
        std::fs::read_to_string(path).map_err(|e| format!("reading {}: {e}", path.display()).into())
    };
    match name {
        "envs" => {
            copy_folder(&repository().join("envs"), &envs);
            let file = envs.join("prod.rag");
            let text = read(&file)?;
            // prod.rag declares no resource: for the resource block and the resource
            // type, a small module is appended, as someone writing one there would.
            let with_module = format!(
                "{text}\n/// Added by the benchmark: a resource block to complete and hover in.\n\
                 module bench_extra(name: String) {{\n  resource aws_sqs_queue queue {{\n    \
                 name = name\n  }}\n}}\n"
            );
            let keystroke = "/// Production";
            let completions = vec![
                typing("env body", &text, "env prod", "\n}", "\n  ‸\n}", 'c')?,
                typing(
                    "after `= `",
                    &text,
                    "env prod",
                    "nat           = per_zone",
                    "nat           = ‸",
                    'p',
                )?,
                typing("after a number", &text, "log_retention", " days", " ‸", 'd')?,
                typing(
                    "resource block",
                    &with_module,
                    "module bench_extra",
                    "    name = name\n",
                    "    name = name\n    ‸\n",
                    'v',
                )?,
            ];
            let hovers = vec![
                pointing("unit literal", &text, "env prod", "1 vcpu", 0, keystroke)?,
                pointing("env field", &text, "env prod", "zones", 1, keystroke)?,
                pointing(
                    "resource type",
                    &with_module,
                    "module bench_extra",
                    "aws_sqs_queue",
                    2,
                    keystroke,
                )?,
            ];
            Ok(Workload {
                name: "envs".into(),
                folder: folder.to_path_buf(),
                file,
                text,
                completions,
                hovers,
            })
        }
        "large" => {
            let script = repository().join("bench/generate.py");
            let status = Command::new("python3")
                .arg(&script)
                .arg("large")
                .arg(&envs)
                .arg("--lines")
                .arg(settings.lines.to_string())
                .stdout(Stdio::null())
                .status()
                .map_err(|e| format!("running python3 {}: {e}", script.display()))?;
            if !status.success() {
                return Err(format!("{} failed ({status})", script.display()).into());
            }
            let file = envs.join("large.rag");
            let text = read(&file)?;
            let components = text.matches("\nmodule component_").count();
            if components == 0 {
                return Err("the generated file has no component module".into());
            }
            // The component in the middle of the file.
            let mid = format!("{:04}", components / 2);
            let profile = format!("let profile_{mid} ");
            let module = format!("module component_{mid}(");
            let keystroke = format!("/// The settings of component {mid}.");
            let completions = vec![
                typing("env body", &text, "env largefg1", "\n}", "\n  ‸\n}", 'c')?,
                typing(
                    "after `= `",
                    &text,
                    "env largefg1",
                    "nat           = per_zone",
                    "nat           = ‸",
                    'p',
                )?,
                typing("after a number", &text, &profile, " days", " ‸", 'd')?,
                typing(
                    "resource block",
                    &text,
                    &module,
                    "resource aws_sqs_queue work {\n",
                    "resource aws_sqs_queue work {\n    ‸\n",
                    'v',
                )?,
            ];
            let hovers = vec![
                pointing(
                    "unit literal",
                    &text,
                    &profile,
                    "retention  = ",
                    13,
                    &keystroke,
                )?,
                pointing("env field", &text, "env largefg1", "zones", 1, &keystroke)?,
                pointing(
                    "resource type",
                    &text,
                    &module,
                    "aws_sqs_queue work",
                    2,
                    &keystroke,
                )?,
            ];
            Ok(Workload {
                name: "large".into(),
                folder: folder.to_path_buf(),
                file,
                text,
                completions,
                hovers,
            })
        }
        other => Err(format!("unknown workspace `{other}`").into()),
    }
}

/// The open file's client side: its URI, its version, and the client.
struct Editor {
    client: TestClient,
    uri: String,
    version: i32,
    edits: usize,
}

impl Editor {
    /// Starts a server on the workload with `config`, opens the file and waits for its
    /// first diagnostics; returns the editor and the time that took.
    async fn open(workload: &Workload, config: ragc_lsp::Config) -> (Editor, Duration) {
        let mut client = TestClient::start_configured(&workload.folder, config).await;
        client.timeout = TIMEOUT;
        let uri = uri_of(&workload.file);
        let sent = client.open(&uri, &workload.text).await;
        let (_, received) = client.diagnostics_at(&uri, 1).await;
        let editor = Editor {
            client,
            uri,
            version: 1,
            edits: 0,
        };
        (editor, received.duration_since(sent))
    }

    /// Sends the whole new text; returns its version and when it was written.
    async fn change(&mut self, text: &str) -> (i32, Instant) {
        self.client.drain_notifications();
        self.version += 1;
        self.edits += 1;
        let sent = self.client.change(&self.uri, self.version, text).await;
        (self.version, sent)
    }

    /// Sends the text and waits for its diagnostics: the server is idle afterwards.
    async fn settle(&mut self, text: &str) {
        let (version, _) = self.change(text).await;
        self.client.diagnostics_at(&self.uri, version).await;
    }

    async fn ask(&mut self, method: &str, text: &str, offset: usize) -> (Value, Duration) {
        let mut params = json!({
            "textDocument": { "uri": self.uri },
            "position": position(text, offset),
        });
        if method == "textDocument/completion" {
            params["context"] = json!({ "triggerKind": 1 });
        }
        self.client.timed_result(method, params).await
    }
}

/// Where a character is typed and deleted: the end of each non-blank line, taken evenly
/// across the file.
fn line_ends(text: &str) -> Vec<usize> {
    let mut ends = Vec::new();
    let mut start = 0;
    for (at, ch) in text.char_indices() {
        if ch == '\n' {
            if !text[start..at].trim().is_empty() {
                ends.push(at);
            }
            start = at + 1;
        }
    }
    ends
}

/// The `k`-th of `count` edit points, spread over the file.
fn spread(points: &[usize], k: usize, count: usize) -> usize {
    points[(k % count.max(1)) * points.len() / count.max(1)]
}

fn insert(text: &str, at: usize, ch: char) -> String {
    let mut edited = String::with_capacity(text.len() + 1);
    edited.push_str(&text[..at]);
    edited.push(ch);
    edited.push_str(&text[at..]);
    edited
}

/// A row of the report: the latencies in µs, and the CPU time the whole process (server
/// and client) spent per iteration, in ms.
fn row(samples: &[Duration], cpu: Duration) -> Value {
    let latencies: Vec<f64> = samples.iter().map(|d| d.as_secs_f64() * 1e6).collect();
    json!({
        "samples": latencies,
        "cpu_ms_per_iteration": cpu.as_secs_f64() * 1e3 / samples.len().max(1) as f64,
    })
}

/// The CPU time (user and system) of this process so far, from `/proc/self/stat`
/// (in clock ticks of 10 ms: rows are long enough for that to be precise).
fn cpu_time() -> Result<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat")
        .map_err(|e| format!("reading /proc/self/stat: {e}"))?;
    let after_name = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest)
        .ok_or("no command name in /proc/self/stat")?;
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    // Fields 14 and 15 of the file (utime, stime); `after_name` starts at field 3.
    let ticks = |index: usize| -> Result<u64> {
        fields
            .get(index)
            .and_then(|field| field.parse().ok())
            .ok_or_else(|| format!("no field {} in /proc/self/stat", index + 3).into())
    };
    let total = ticks(11)? + ticks(12)?;
    Ok(Duration::from_millis(total * 10))
}

/// `VmRSS` and `VmHWM` of this process, in KiB.
fn memory() -> Result<(u64, u64)> {
    let status = std::fs::read_to_string("/proc/self/status")
        .map_err(|e| format!("reading /proc/self/status: {e}"))?;
    let field = |name: &str| -> Result<u64> {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
            .ok_or_else(|| format!("no {name} in /proc/self/status").into())
    };
    Ok((field("VmRSS:")?, field("VmHWM:")?))
}

/// Diagnostics after each of `iterations` edits (typing a character at the end of a
/// line, then deleting it): from the write of the change to the read of the
/// diagnostics of its version.
async fn diagnostics(editor: &mut Editor, text: &str, iterations: usize) -> Vec<Duration> {
    let points = line_ends(text);
    let typings = iterations.div_ceil(2);
    let mut samples = Vec::with_capacity(iterations);
    for i in 0..iterations {
        let edited = if i % 2 == 0 {
            insert(text, spread(&points, i / 2, typings), 'x')
        } else {
            text.to_string()
        };
        let (version, sent) = editor.change(&edited).await;
        let (_, received) = editor.client.diagnostics_at(&editor.uri, version).await;
        samples.push(received.duration_since(sent));
    }
    samples
}

async fn measure(workload: &Workload, settings: &Settings) -> Result<Value> {
    let n = settings.iterations;
    let text = &workload.text;
    let mut rows: BTreeMap<String, Value> = BTreeMap::new();
    let mut answers: BTreeMap<String, Value> = BTreeMap::new();
    let progress = |what: &str| eprintln!("[{}] {what}", workload.name);

    // The default server: 150 ms of debounce.
    let config = ragc_lsp::Config::default();
    let debounce = config.debounce;
    let (mut editor, opened) = Editor::open(workload, config).await;
    let (rss_open, _) = memory()?;

    progress("diagnostics, default debounce");
    let cpu = cpu_time()?;
    let samples = diagnostics(&mut editor, text, n).await;
    rows.insert("diagnostics".into(), row(&samples, cpu_time()? - cpu));

    for scenario in &workload.completions {
        progress(&format!("completion: {}", scenario.key));
        let mut samples = Vec::with_capacity(n);
        let cpu = cpu_time()?;
        for i in 0..n {
            let (state, cursor) = scenario.state(i % 2 == 1);
            editor.change(&state).await;
            let (result, latency) = editor.ask("textDocument/completion", &state, cursor).await;
            if result.is_null() {
                return Err(format!("no completion list for {}", scenario.key).into());
            }
            if i == 1 {
                let labels: Vec<&str> = result["items"]
                    .as_array()
                    .map(|items| {
                        items
                            .iter()
                            .filter_map(|item| item["label"].as_str())
                            .collect()
                    })
                    .unwrap_or_default();
                answers.insert(
                    format!("completion: {} (`{}` typed)", scenario.key, scenario.typed),
                    json!({ "count": labels.len(), "first": labels.iter().take(4).collect::<Vec<_>>() }),
                );
            }
            samples.push(latency);
        }
        rows.insert(
            format!("completion: {}", scenario.key),
            row(&samples, cpu_time()? - cpu),
        );
        editor.settle(text).await;
    }

    for scenario in &workload.hovers {
        progress(&format!("hover: {}", scenario.key));
        let typed = insert(&scenario.text, scenario.keystroke, 'x');
        let mut samples = Vec::with_capacity(n);
        let cpu = cpu_time()?;
        for i in 0..n {
            let state = if i % 2 == 1 { &typed } else { &scenario.text };
            editor.change(state).await;
            // The keystroke is on another line: the position holds in both texts.
            let (result, latency) = editor
                .ask("textDocument/hover", &scenario.text, scenario.at)
                .await;
            let value = result["contents"]["value"].as_str().unwrap_or("");
            if value.is_empty() {
                return Err(format!("no hover for {}: {result}", scenario.key).into());
            }
            if i == 0 {
                // The first line of text (after the code fence of a declaration).
                let first: String = value
                    .lines()
                    .find(|line| !line.starts_with("```") && !line.trim().is_empty())
                    .unwrap_or("")
                    .chars()
                    .take(80)
                    .collect();
                answers.insert(format!("hover: {}", scenario.key), json!(first));
            }
            samples.push(latency);
        }
        rows.insert(
            format!("hover: {}", scenario.key),
            row(&samples, cpu_time()? - cpu),
        );

        // The same hover again and again, with no edit in between.
        editor.settle(&scenario.text).await;
        let mut samples = Vec::with_capacity(n);
        let cpu = cpu_time()?;
        for _ in 0..n {
            let (_, latency) = editor
                .ask("textDocument/hover", &scenario.text, scenario.at)
                .await;
            samples.push(latency);
        }
        rows.insert(
            format!("hover again: {}", scenario.key),
            row(&samples, cpu_time()? - cpu),
        );
        editor.settle(text).await;
    }

    // A long editing session: type and delete at the ends of lines across the file,
    // with a completion after each typed character and a pause for diagnostics every
    // few edits.
    progress(&format!("a session of {} edits", settings.session_edits));
    let points = line_ends(text);
    let typings = settings.session_edits.div_ceil(2);
    let mut session = Vec::with_capacity(typings);
    let mut rss_curve = Vec::new();
    let started = Instant::now();
    let cpu = cpu_time()?;
    for e in 0..settings.session_edits {
        let point = spread(&points, e / 2, typings);
        let edited = if e % 2 == 0 {
            insert(text, point, 'x')
        } else {
            text.to_string()
        };
        let (version, _) = editor.change(&edited).await;
        if e % 2 == 0 {
            let (_, latency) = editor
                .ask("textDocument/completion", &edited, point + 1)
                .await;
            session.push(latency);
        }
        if (e + 1) % PAUSE_EVERY == 0 {
            editor.client.diagnostics_at(&editor.uri, version).await;
        }
        // At a pause (`RSS_EVERY` is a multiple of `PAUSE_EVERY`).
        if (e + 1) % RSS_EVERY == 0 {
            rss_curve.push(json!([e + 1, memory()?.0]));
        }
    }
    let session_time = started.elapsed();
    rows.insert(
        "completion: session".into(),
        row(&session, cpu_time()? - cpu),
    );
    editor.settle(text).await;
    let (rss_after, hwm) = memory()?;
    let edits = editor.edits;
    editor.client.stop().await;

    // A server that compiles at once.
    progress("diagnostics, no debounce");
    let (mut editor, _) = Editor::open(
        workload,
        ragc_lsp::Config {
            debounce: Duration::ZERO,
        },
    )
    .await;
    let cpu = cpu_time()?;
    let samples = diagnostics(&mut editor, text, n).await;
    rows.insert(
        "diagnostics, no debounce".into(),
        row(&samples, cpu_time()? - cpu),
    );
    editor.client.stop().await;

    Ok(json!({
        "workspace": workload.name,
        "file": workload.file.file_name().map(|name| name.to_string_lossy().to_string()),
        "lines": text.lines().count(),
        "bytes": text.len(),
        "debounce_ms": debounce.as_secs_f64() * 1e3,
        "open_ms": opened.as_secs_f64() * 1e3,
        "rss_open_kib": rss_open,
        "rss_after_kib": rss_after,
        "hwm_kib": hwm,
        "edits": edits,
        "session_seconds": session_time.as_secs_f64(),
        "rss_curve": rss_curve,
        "rows": rows,
        "answers": answers,
    }))
}

// ------------------------------------------------------------------ the report

/// p50, p99 and max (nearest rank), in milliseconds.
fn stats(row: &Value) -> Option<(f64, f64, f64, usize)> {
    let mut values: Vec<f64> = row["samples"]
        .as_array()?
        .iter()
        .filter_map(Value::as_f64)
        .map(|us| us / 1e3)
        .collect();
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let rank =
        |p: f64| values[((p * values.len() as f64).ceil() as usize).clamp(1, values.len()) - 1];
    Some((
        rank(0.50),
        rank(0.99),
        values[values.len() - 1],
        values.len(),
    ))
}

fn ms(value: f64) -> String {
    format!("{value:.2}")
}

fn markdown(reports: &[Value], settings: &Settings) -> String {
    let mut out = String::new();
    let debounce = reports
        .first()
        .and_then(|report| report["debounce_ms"].as_f64())
        .unwrap_or(150.0);
    // (row key, label, minus the debounce, compared with the targets)
    let rows: Vec<(String, String, f64, bool)> = {
        let mut rows = vec![
            (
                "diagnostics".to_string(),
                format!(
                    "diagnostics after `didChange`, raw (includes the {debounce:.0} ms debounce)"
                ),
                0.0,
                false,
            ),
            (
                "diagnostics".to_string(),
                format!("diagnostics after `didChange`, minus the {debounce:.0} ms debounce"),
                debounce,
                true,
            ),
            (
                "diagnostics, no debounce".to_string(),
                "diagnostics after `didChange`, server with debounce 0".to_string(),
                0.0,
                true,
            ),
        ];
        for key in ["env body", "after `= `", "after a number", "resource block"] {
            rows.push((
                format!("completion: {key}"),
                format!("completion, {key} (after a keystroke)"),
                0.0,
                true,
            ));
        }
        rows.push((
            "completion: session".to_string(),
            "completion at the end of a line just typed (session: one per typed character)"
                .to_string(),
            0.0,
            true,
        ));
        for key in ["unit literal", "env field", "resource type"] {
            rows.push((
                format!("hover: {key}"),
                format!("hover, {key} (after a keystroke)"),
                0.0,
                true,
            ));
        }
        for key in ["unit literal", "env field", "resource type"] {
            rows.push((
                format!("hover again: {key}"),
                format!("hover, {key} (no edit since the last request)"),
                0.0,
                true,
            ));
        }
        rows
    };

    let names: Vec<String> = reports
        .iter()
        .map(|report| {
            format!(
                "{} ({}, {} lines)",
                report["workspace"].as_str().unwrap_or("?"),
                report["file"].as_str().unwrap_or("?"),
                report["lines"]
            )
        })
        .collect();
    out.push_str(&format!(
        "Latency in ms, {} iterations per row ({} edits in the session); targets: p50 < {TARGET_P50} ms and p99 < {TARGET_P99} ms on `envs`. CPU per iteration: the CPU time of the whole process (server and client) during the row, divided by its iterations.\n\n",
        settings.iterations, settings.session_edits
    ));
    out.push_str("| measurement |");
    for name in &names {
        out.push_str(&format!(" {name} p50 | p99 | max | CPU per iteration |"));
    }
    out.push_str(" `envs` targets |\n| --- |");
    for _ in &names {
        out.push_str(" ---: | ---: | ---: | ---: |");
    }
    out.push_str(" --- |\n");
    for (key, label, minus, targeted) in rows {
        out.push_str(&format!("| {label} |"));
        let mut verdict = "–".to_string();
        for report in reports {
            let found = &report["rows"][&key];
            match stats(found) {
                Some((p50, p99, max, _)) => {
                    let (p50, p99, max) = (p50 - minus, p99 - minus, max - minus);
                    let cpu = found["cpu_ms_per_iteration"].as_f64().unwrap_or(f64::NAN);
                    out.push_str(&format!(
                        " {} | {} | {} | {} |",
                        ms(p50),
                        ms(p99),
                        ms(max),
                        ms(cpu)
                    ));
                    if targeted && report["workspace"] == "envs" {
                        verdict = match (p50 < TARGET_P50, p99 < TARGET_P99) {
                            (true, true) => "met".into(),
                            (false, true) => "p50 not met".into(),
                            (true, false) => "p99 not met".into(),
                            (false, false) => "not met".into(),
                        };
                    }
                }
                None => out.push_str(" – | – | – | – |"),
            }
        }
        out.push_str(&format!(" {verdict} |\n"));
    }

    out.push_str(&format!(
        "\nMemory of the benchmark's process (server and in-process client); target: < {TARGET_RSS_MIB} MiB after a long editing session.\n\n"
    ));
    out.push_str("| workspace | edits in all (latency rows and session) | first diagnostics after `didOpen` | VmRSS after `didOpen` | VmRSS after the session | peak (VmHWM) | target |\n");
    out.push_str("| --- | ---: | ---: | ---: | ---: | ---: | --- |\n");
    for (report, name) in reports.iter().zip(&names) {
        let mib = |key: &str| report[key].as_f64().unwrap_or(0.0) / 1024.0;
        let after = mib("rss_after_kib");
        out.push_str(&format!(
            "| {name} | {} | {} ms | {:.1} MiB | {after:.1} MiB | {:.1} MiB | {} |\n",
            report["edits"],
            ms(report["open_ms"].as_f64().unwrap_or(0.0)),
            mib("rss_open_kib"),
            mib("hwm_kib"),
            if after < TARGET_RSS_MIB {
                "met"
            } else {
                "not met"
            },
        ));
    }
    out.push_str(&format!(
        "\nVmRSS in MiB during the session, every {RSS_EVERY} edits (after the diagnostics of that edit):\n\n"
    ));
    for (report, name) in reports.iter().zip(&names) {
        let curve: Vec<String> = report["rss_curve"]
            .as_array()
            .map(|points| {
                points
                    .iter()
                    .map(|point| {
                        format!(
                            "{}: {:.1}",
                            point[0],
                            point[1].as_f64().unwrap_or(0.0) / 1024.0
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        out.push_str(&format!("- {name}: {}\n", curve.join(", ")));
    }

    out.push_str("\nWhat the server answered (first requests):\n\n| workspace | request | answer |\n| --- | --- | --- |\n");
    for report in reports {
        if let Some(answers) = report["answers"].as_object() {
            for (key, answer) in answers {
                let shown = match answer.as_str() {
                    Some(text) => format!("`{}`", text.replace('`', "'").replace('|', "\\|")),
                    None => format!(
                        "{} items, first {}",
                        answer["count"],
                        answer["first"].to_string().replace('|', "\\|")
                    ),
                };
                out.push_str(&format!(
                    "| {} | {} | {shown} |\n",
                    report["workspace"].as_str().unwrap_or("?"),
                    key.replace('|', "\\|")
                ));
            }
        }
    }
    out
}

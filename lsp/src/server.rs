//! The protocol handlers. Notifications that edit (open, change, save, close) update
//! the session under its lock as soon as they arrive, then wake the diagnostics worker,
//! which waits for typing to pause before it compiles. Requests take a snapshot, work
//! on a blocking thread with panics caught, and retry when salsa cancels them because
//! an edit arrived meanwhile.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use ragc::diagnostics::FileId;
use ragc::ide::{self, Analysis};
use ragc::program::Program;
use ragc::schema::ProviderSchema;
use ragc::source::LineIndex;
use tokio::sync::watch;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

use crate::convert;
use crate::diagnostics;
use crate::session::{CachedProgram, Document, Layout, Session};

/// Settings of a server.
#[derive(Debug, Clone)]
pub struct Config {
    /// How long typing must pause before the workspace is compiled again.
    pub debounce: Duration,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            debounce: Duration::from_millis(150),
        }
    }
}

/// How many times a request is tried again when an edit cancels it.
const RETRIES: usize = 3;

/// The edits so far: each bumps `generation`; those that want diagnostics at once
/// (open, save) also move `immediate` up to their generation.
#[derive(Debug, Clone, Copy, Default)]
struct Trigger {
    generation: u64,
    immediate: u64,
}

pub struct Backend {
    client: Client,
    config: Config,
    session: Arc<Mutex<Session>>,
    trigger: watch::Sender<Trigger>,
    /// The receiving end, until `initialize` hands it to the worker.
    worker: Mutex<Option<watch::Receiver<Trigger>>>,
}

fn lock(session: &Mutex<Session>) -> MutexGuard<'_, Session> {
    session.lock().unwrap_or_else(PoisonError::into_inner)
}

fn schema() -> &'static ProviderSchema {
    ProviderSchema::embedded()
}

/// Runs `work` with panics turned into an internal error.
fn guarded<T>(what: &str, work: impl FnOnce() -> T) -> Result<T> {
    catch_unwind(AssertUnwindSafe(work)).map_err(|payload| {
        let reason = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let mut error = Error::internal_error();
        error.message = format!("{what} failed: {reason}").into();
        error
    })
}

/// The program of a snapshot, with what the editor features need beside it.
pub struct Loaded {
    pub program: Arc<Program>,
    pub layout: Layout,
    pub known_files: Vec<String>,
    pub notes: Arc<ide::ValueNotes>,
}

impl Loaded {
    pub fn analysis(&self) -> Analysis<'_> {
        Analysis {
            program: &self.program,
            schema: schema(),
            known_files: &self.known_files,
            values: Some(&self.notes),
            stdlib_editable: self.layout.stdlib_folder.is_some(),
        }
    }

    /// The file of `uri`, with its text and line index.
    pub fn file(&self, uri: &Uri) -> Option<(FileId, &str, &LineIndex)> {
        let path = self.layout.path_of(uri);
        let id = self.program.file_by_path(&path)?;
        let file = self.program.file(id);
        Some((id, &file.text, &file.line_index))
    }

    pub fn location(&self, file: FileId, span: ragc::source::Span) -> Option<Location> {
        let found = self.program.file(file);
        Some(Location {
            uri: self.layout.uri_of(&found.path)?,
            range: convert::range(&found.text, &found.line_index, span),
        })
    }
}

impl Backend {
    pub fn new(client: Client, config: Config) -> Backend {
        let (trigger, receiver) = watch::channel(Trigger::default());
        Backend {
            client,
            config,
            session: Arc::new(Mutex::new(Session::new(Layout::default()))),
            trigger,
            worker: Mutex::new(Some(receiver)),
        }
    }

    /// Files changed on disk (saved, or changed by another program): read them again
    /// and recompute diagnostics at once.
    fn reload_from_disk(&self, what: &str) {
        let _ = guarded(what, || {
            let mut state = lock(&self.session);
            state.db.refresh_from_disk();
            state.rescan();
            state.changed();
        });
        self.schedule(true);
    }

    fn schedule(&self, immediate: bool) {
        self.trigger.send_modify(|trigger| {
            trigger.generation += 1;
            if immediate {
                trigger.immediate = trigger.generation;
            }
        });
    }

    /// Runs `work` on the program of the current files, on a blocking thread, catching
    /// panics. The program is loaded from a snapshot of the database (and kept for the
    /// next requests until an edit); when an edit cancels the load, it is tried again.
    async fn read<T, F>(&self, uri: &Uri, work: F) -> Result<T>
    where
        T: Send + 'static,
        F: Fn(&Loaded) -> T + Send + Sync + 'static,
    {
        let work = Arc::new(work);
        for _ in 0..RETRIES {
            let (source, layout, known_files, notes) = {
                let state = lock(&self.session);
                let path = state.layout.path_of(uri);
                let mut roots = state.roots();
                if !roots.contains(&path) && !path.starts_with(ragc::program::STDLIB_PREFIX) {
                    roots.push(path);
                }
                let cached = state
                    .cache
                    .as_ref()
                    .filter(|cache| cache.edits == state.edits && cache.roots == roots)
                    .map(|cache| cache.program.clone());
                let source = match cached {
                    Some(program) => Err(program),
                    None => {
                        let mut snapshot = state.snapshot();
                        snapshot.roots = roots;
                        Ok(snapshot)
                    }
                };
                (
                    source,
                    state.layout.clone(),
                    state.all_known_files(),
                    state.notes.clone(),
                )
            };
            let work = work.clone();
            let outcome = tokio::task::spawn_blocking(move || {
                guarded("the request", move || {
                    let (program, fresh) = match source {
                        Err(program) => (program, None),
                        Ok(snapshot) => {
                            let program = Arc::new(diagnostics::load(&snapshot)?);
                            let fresh = (snapshot.edits, snapshot.roots.clone(), program.clone());
                            drop(snapshot);
                            (program, Some(fresh))
                        }
                    };
                    let loaded = Loaded {
                        program,
                        layout,
                        known_files,
                        notes,
                    };
                    Ok::<_, salsa::Cancelled>((work(&loaded), fresh))
                })
            })
            .await;
            match outcome {
                Ok(Ok(Ok((value, fresh)))) => {
                    if let Some((edits, roots, program)) = fresh {
                        let mut state = lock(&self.session);
                        if state.edits == edits {
                            state.cache = Some(CachedProgram {
                                edits,
                                roots,
                                program,
                            });
                        }
                    }
                    return Ok(value);
                }
                Ok(Ok(Err(_cancelled))) => tokio::task::yield_now().await,
                Ok(Err(error)) => return Err(error),
                Err(_join) => return Err(Error::internal_error()),
            }
        }
        Err(Error::content_modified())
    }

    /// Compiles the workspace and publishes every file's diagnostics.
    async fn publish_diagnostics(client: &Client, session: &Arc<Mutex<Session>>) {
        let mut attempts = 0;
        let outcome = loop {
            attempts += 1;
            let snapshot = {
                let mut state = lock(session);
                if state.db.refresh_from_disk() {
                    state.changed();
                }
                state.snapshot()
            };
            let result = tokio::task::spawn_blocking(move || {
                guarded("compiling", move || diagnostics::run(snapshot, schema()))
            })
            .await;
            match result {
                Ok(Ok(Ok(outcome))) => break outcome,
                // Edits keep cancelling the load: the compilation they trigger will run.
                Ok(Ok(Err(_cancelled))) if attempts >= RETRIES => return,
                Ok(Ok(Err(_cancelled))) => {
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
                Ok(Err(error)) => {
                    client.log_message(MessageType::ERROR, error.message).await;
                    return;
                }
                Err(_) => return,
            }
        };
        let mut publications = outcome.publications;
        let refresh_inlay_hints = {
            let mut state = lock(session);
            let now: std::collections::BTreeSet<String> = publications
                .iter()
                .filter(|p| !p.diagnostics.is_empty())
                .map(|p| p.uri.as_str().to_string())
                .collect();
            // Files that had diagnostics and are no longer compiled get an empty list.
            for stale in state.published.difference(&now) {
                if !publications.iter().any(|p| p.uri.as_str() == stale) {
                    if let Ok(uri) = stale.parse::<Uri>() {
                        publications.push(diagnostics::Publication {
                            uri,
                            version: None,
                            diagnostics: Vec::new(),
                        });
                    }
                }
            }
            // Open files always hear; others only when they have or had diagnostics.
            let open: std::collections::BTreeSet<String> = state
                .layout
                .open
                .values()
                .map(|uri| uri.as_str().to_string())
                .collect();
            publications.retain(|p| {
                let uri = p.uri.as_str();
                !p.diagnostics.is_empty() || state.published.contains(uri) || open.contains(uri)
            });
            state.published = now;
            state.fixes = outcome.fixes;
            state.notes = Arc::new(outcome.notes);
            state.refresh_inlay_hints
        };
        for publication in publications {
            client
                .publish_diagnostics(
                    publication.uri,
                    publication.diagnostics,
                    publication.version,
                )
                .await;
        }
        // The hints come from this compilation: the editor asks again for those shown.
        // Not awaited here, so that a client slow to answer holds up no compilation.
        if refresh_inlay_hints {
            let client = client.clone();
            tokio::spawn(async move { client.inlay_hint_refresh().await });
        }
    }

    /// Compiles after each pause in the edits, for as long as the server runs.
    async fn worker(
        client: Client,
        session: Arc<Mutex<Session>>,
        mut receiver: watch::Receiver<Trigger>,
        debounce: Duration,
    ) {
        let mut compiled = 0;
        while receiver.changed().await.is_ok() {
            let mut trigger = *receiver.borrow_and_update();
            // Wait until no edit came for `debounce`, unless one asks for diagnostics now.
            while trigger.immediate <= compiled {
                tokio::time::sleep(debounce).await;
                match receiver.has_changed() {
                    Ok(true) => trigger = *receiver.borrow_and_update(),
                    Ok(false) => break,
                    Err(_) => return,
                }
            }
            compiled = trigger.generation;
            Self::publish_diagnostics(&client, &session).await;
        }
    }

    fn edit(&self, uri: &Uri, version: i32, apply: impl FnOnce(&str) -> String) {
        let mut state = lock(&self.session);
        let path = state.layout.path_of(uri);
        let Some(document) = state.documents.get(&path) else {
            return;
        };
        // With whole-text changes, an older version arriving late is simply dropped.
        if version < document.version {
            return;
        }
        let text: Arc<str> = Arc::from(apply(&document.text));
        state.documents.insert(
            path.clone(),
            Document {
                text: text.clone(),
                version,
            },
        );
        state.db.set_file(&path, text);
        state.changed();
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        #[allow(deprecated)] // `root_uri` is what older clients send.
        let root = params
            .workspace_folders
            .as_ref()
            .and_then(|folders| folders.first())
            .map(|folder| folder.uri.clone())
            .or(params.root_uri.clone());
        let workspace: Option<PathBuf> = root
            .filter(|uri| uri.as_str().starts_with("file:"))
            .and_then(|uri| uri.to_file_path().map(|path| path.into_owned()));
        {
            let mut state = lock(&self.session);
            *state = Session::new(Layout::new(workspace));
            state.refresh_inlay_hints = params
                .capabilities
                .workspace
                .as_ref()
                .and_then(|workspace| workspace.inlay_hint.as_ref())
                .and_then(|hints| hints.refresh_support)
                .unwrap_or(false);
        }
        let receiver = self
            .worker
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(receiver) = receiver {
            tokio::spawn(Self::worker(
                self.client.clone(),
                self.session.clone(),
                receiver,
                self.config.debounce,
            ));
        }
        Ok(InitializeResult {
            server_info: Some(ServerInfo {
                name: "ragc".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
            capabilities: ServerCapabilities {
                position_encoding: Some(PositionEncodingKind::UTF16),
                text_document_sync: Some(TextDocumentSyncCapability::Options(
                    TextDocumentSyncOptions {
                        open_close: Some(true),
                        change: Some(TextDocumentSyncKind::FULL),
                        save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                            include_text: Some(false),
                        })),
                        ..TextDocumentSyncOptions::default()
                    },
                )),
                completion_provider: Some(CompletionOptions {
                    trigger_characters: Some(vec![".".into(), "\"".into(), "/".into()]),
                    ..CompletionOptions::default()
                }),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                inlay_hint_provider: Some(OneOf::Left(true)),
                definition_provider: Some(OneOf::Left(true)),
                references_provider: Some(OneOf::Left(true)),
                rename_provider: Some(OneOf::Right(RenameOptions {
                    prepare_provider: Some(true),
                    work_done_progress_options: WorkDoneProgressOptions::default(),
                })),
                document_symbol_provider: Some(OneOf::Left(true)),
                document_formatting_provider: Some(OneOf::Left(true)),
                code_action_provider: Some(CodeActionProviderCapability::Options(
                    CodeActionOptions {
                        code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
                        ..CodeActionOptions::default()
                    },
                )),
                ..ServerCapabilities::default()
            },
            ..InitializeResult::default()
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        // Diagnostics for the workspace's environments, before any file is opened.
        self.schedule(true);
    }

    async fn shutdown(&self) -> Result<()> {
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let document = params.text_document;
        let _ = guarded("opening a file", || {
            let mut state = lock(&self.session);
            let path = state.layout.path_of(&document.uri);
            let text: Arc<str> = Arc::from(document.text.as_str());
            state.db.set_file(&path, text.clone());
            state.documents.insert(
                path.clone(),
                Document {
                    text,
                    version: document.version,
                },
            );
            state.layout.open.insert(path.clone(), document.uri.clone());
            state.changed();
            if !state.known_files.contains(&path) {
                state.known_files.push(path);
            }
        });
        self.schedule(true);
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        let version = params.text_document.version;
        let changes = params.content_changes;
        let _ = guarded("applying an edit", || {
            self.edit(&uri, version, |old| {
                let mut text = old.to_string();
                for change in changes {
                    match change.range {
                        None => text = change.text,
                        Some(range) => {
                            let index = LineIndex::new(&text);
                            let span = convert::span(&text, &index, range);
                            text.replace_range(span.range(), &change.text);
                        }
                    }
                }
                text
            });
        });
        self.schedule(false);
    }

    async fn did_save(&self, _: DidSaveTextDocumentParams) {
        self.reload_from_disk("saving");
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let _ = guarded("closing a file", || {
            let mut state = lock(&self.session);
            let path = state.layout.path_of(&params.text_document.uri);
            state.documents.remove(&path);
            state.layout.open.remove(&path);
            state.db.release_file(&path);
            state.changed();
        });
        self.schedule(true);
    }

    async fn did_change_watched_files(&self, _: DidChangeWatchedFilesParams) {
        self.reload_from_disk("reading changed files");
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let uri = params.text_document_position.text_document.uri;
        let position = params.text_document_position.position;
        let target = uri.clone();
        self.read(&uri, move |loaded| {
            let (file, text, index) = loaded.file(&target)?;
            let offset = convert::offset(text, index, position);
            let completions = loaded.analysis().completions(file, offset);
            let items = completions
                .items
                .into_iter()
                .map(|item| convert::completion(text, index, item))
                .collect();
            Some(CompletionResponse::List(CompletionList {
                is_incomplete: completions.incomplete,
                items,
            }))
        })
        .await
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let uri = params.text_document_position_params.text_document.uri;
        let position = params.text_document_position_params.position;
        let target = uri.clone();
        self.read(&uri, move |loaded| {
            let (file, text, index) = loaded.file(&target)?;
            let offset = convert::offset(text, index, position);
            let hover = loaded.analysis().hover(file, offset)?;
            Some(Hover {
                contents: convert::hover_contents(hover.markdown),
                range: Some(convert::range(text, index, hover.span)),
            })
        })
        .await
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        let uri = params.text_document.uri;
        let range = params.range;
        let target = uri.clone();
        self.read(&uri, move |loaded| {
            let (file, text, index) = loaded.file(&target)?;
            let hints = loaded
                .analysis()
                .inlay_hints(file, convert::span(text, index, range));
            Some(
                hints
                    .into_iter()
                    .map(|hint| convert::inlay_hint(text, index, hint))
                    .collect(),
            )
        })
        .await
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        let uri = params.text_document_position_params.text_document.uri;
        let position = params.text_document_position_params.position;
        let target = uri.clone();
        self.read(&uri, move |loaded| {
            let (file, text, index) = loaded.file(&target)?;
            let offset = convert::offset(text, index, position);
            let locations: Vec<Location> = loaded
                .analysis()
                .definition(file, offset)
                .into_iter()
                .filter_map(|location| loaded.location(location.file, location.span))
                .collect();
            match locations.len() {
                0 => None,
                1 => locations
                    .into_iter()
                    .next()
                    .map(GotoDefinitionResponse::Scalar),
                _ => Some(GotoDefinitionResponse::Array(locations)),
            }
        })
        .await
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        let uri = params.text_document_position.text_document.uri;
        let position = params.text_document_position.position;
        let include_declaration = params.context.include_declaration;
        let target = uri.clone();
        self.read(&uri, move |loaded| {
            let (file, text, index) = loaded.file(&target)?;
            let offset = convert::offset(text, index, position);
            Some(
                loaded
                    .analysis()
                    .references(file, offset, include_declaration)
                    .into_iter()
                    .filter_map(|location| loaded.location(location.file, location.span))
                    .collect(),
            )
        })
        .await
    }

    async fn prepare_rename(
        &self,
        params: TextDocumentPositionParams,
    ) -> Result<Option<PrepareRenameResponse>> {
        let uri = params.text_document.uri;
        let position = params.position;
        let target = uri.clone();
        let outcome = self
            .read(&uri, move |loaded| -> std::result::Result<Range, String> {
                let (file, text, index) = loaded.file(&target).ok_or("the file is not loaded")?;
                let offset = convert::offset(text, index, position);
                loaded
                    .analysis()
                    .prepare_rename(file, offset)
                    .map(|span| convert::range(text, index, span))
                    .map_err(|error| error.0)
            })
            .await?;
        outcome
            .map(|range| Some(PrepareRenameResponse::Range(range)))
            .map_err(Error::invalid_params)
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        let uri = params.text_document_position.text_document.uri;
        let position = params.text_document_position.position;
        let new_name = params.new_name;
        let target = uri.clone();
        let outcome = self
            .read(
                &uri,
                move |loaded| -> std::result::Result<WorkspaceEdit, String> {
                    let (file, text, index) =
                        loaded.file(&target).ok_or("the file is not loaded")?;
                    let offset = convert::offset(text, index, position);
                    let edits = loaded
                        .analysis()
                        .rename(file, offset, &new_name)
                        .map_err(|error| error.0)?;
                    let mut changes: std::collections::HashMap<Uri, Vec<TextEdit>> =
                        Default::default();
                    for edit in edits {
                        let location = loaded
                            .location(edit.file, edit.span)
                            .ok_or("a file to edit has no path")?;
                        changes.entry(location.uri).or_default().push(TextEdit {
                            range: location.range,
                            new_text: edit.new_text,
                        });
                    }
                    Ok(WorkspaceEdit {
                        changes: Some(changes),
                        ..WorkspaceEdit::default()
                    })
                },
            )
            .await?;
        outcome.map(Some).map_err(Error::invalid_params)
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        let document = self.document(&params.text_document.uri);
        let Some(text) = document else {
            return Ok(None);
        };
        blocking("document symbols", move || {
            let parsed = ragc::syntax::parse(FileId(0), &text);
            let index = LineIndex::new(&text);
            let symbols = ide::document_symbols(&parsed.file)
                .into_iter()
                .map(|symbol| convert::symbol(&text, &index, symbol))
                .collect();
            Some(DocumentSymbolResponse::Nested(symbols))
        })
        .await
    }

    async fn formatting(&self, params: DocumentFormattingParams) -> Result<Option<Vec<TextEdit>>> {
        let document = self.document(&params.text_document.uri);
        let Some(text) = document else {
            return Ok(None);
        };
        blocking("formatting", move || {
            let formatted = ragc::syntax::format::format_source(&text)?;
            if formatted == *text {
                return Some(Vec::new());
            }
            let index = LineIndex::new(&text);
            Some(vec![TextEdit {
                range: convert::whole(&text, &index),
                new_text: formatted,
            }])
        })
        .await
        .map(|edits| edits.or(Some(Vec::new())))
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let uri = params.text_document.uri;
        let (source, current) = {
            let state = lock(&self.session);
            let path = state.layout.path_of(&uri);
            (
                state.fixes.get(uri.as_str()).cloned(),
                state
                    .documents
                    .get(&path)
                    .map(|document| document.text.clone()),
            )
        };
        let Some(source) = source else {
            return Ok(Some(Vec::new()));
        };
        // Fixes computed on another text would edit the wrong place.
        if current.as_ref().is_some_and(|text| **text != *source.text) {
            return Ok(Some(Vec::new()));
        }
        let range = params.range;
        blocking("code actions", move || {
            let span = convert::span(&source.text, &source.line_index, range);
            let actions = ide::quick_fixes(&source.diagnostics, source.file, span)
                .into_iter()
                .map(|fix| {
                    let edit_range = convert::range(&source.text, &source.line_index, fix.span);
                    let mut changes = std::collections::HashMap::new();
                    changes.insert(
                        uri.clone(),
                        vec![TextEdit {
                            range: edit_range,
                            new_text: fix.replacement.clone(),
                        }],
                    );
                    let diagnostic = &source.diagnostics[fix.diagnostic];
                    let range = diagnostic
                        .primary()
                        .map(|label| convert::range(&source.text, &source.line_index, label.span));
                    CodeActionOrCommand::CodeAction(CodeAction {
                        title: fix.title,
                        kind: Some(CodeActionKind::QUICKFIX),
                        diagnostics: range.map(|range| {
                            vec![Diagnostic {
                                range,
                                severity: None,
                                code: Some(NumberOrString::String(diagnostic.code.as_str().into())),
                                source: Some("ragc".into()),
                                message: diagnostic.message.clone(),
                                ..Diagnostic::default()
                            }]
                        }),
                        edit: Some(WorkspaceEdit {
                            changes: Some(changes),
                            ..WorkspaceEdit::default()
                        }),
                        is_preferred: Some(true),
                        ..CodeAction::default()
                    })
                })
                .collect();
            Some(actions)
        })
        .await
    }
}

impl Backend {
    fn document(&self, uri: &Uri) -> Option<Arc<str>> {
        let state = lock(&self.session);
        let path = state.layout.path_of(uri);
        state
            .documents
            .get(&path)
            .map(|document| document.text.clone())
    }
}

/// Runs `work` on a blocking thread with panics caught.
async fn blocking<T: Send + 'static>(
    what: &'static str,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T> {
    match tokio::task::spawn_blocking(move || guarded(what, work)).await {
        Ok(result) => result,
        Err(_) => Err(Error::internal_error()),
    }
}

//! The salsa database: one input per source file (`SourceFile`, its path and text) and
//! the queries over them, at the grain of one top-level item:
//!
//! - `parsed_item`: the tree of one item chunk, with spans counted from the chunk's
//!   start, keyed by the chunk's text (`ItemText`), so that an unchanged item is not
//!   parsed again however the items around it move;
//! - `parsed_file`: the file's tree, assembled from its items' trees;
//! - `declarations` and `scope`: what each file declares and what a file sees, without
//!   spans or bodies, so that they stay equal (and salsa backdates them) when an edit
//!   stays inside an item;
//! - `item_diagnostics`: the checks of one item (`check::check_item`), run again only
//!   when the item's text or its file's scope changed.
//!
//! The database is a `SourceProvider`: `Program::load` reads texts from it and gets
//! their parses from `parsed_file`, and `compile` gets the items' checks from
//! `item_diagnostics`. Files it has not seen yet are read from the disk or the standard
//! library and become inputs on first read; the language server sets the text of open
//! files itself (`set_file`), so unsaved buffers win over the disk.
//!
//! Clones of the database are snapshots for readers. Setting an input cancels the
//! queries running on snapshots (they unwind with `salsa::Cancelled`) and waits until
//! every snapshot is dropped, so readers should hold one only while they load.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

use salsa::Setter;

use crate::check::{check_file, check_item};
use crate::diagnostics::{Diagnostic, FileId};
use crate::parallel::map_in_order;
use crate::program::{normalize, parse_chunk, Program, SourceProvider, Stdlib, STDLIB_PREFIX};
use crate::schema::ProviderSchema;
use crate::scope::{Declarations, Scope};
use crate::syntax::{self, item_chunks, Parsed, ParsedItem, Shift};

/// The database's own queries need the provider schema, fixed for its whole life.
#[salsa::db]
pub trait Db: salsa::Database {
    fn schema(&self) -> &'static ProviderSchema;
}

/// A source file: its path as the program names it (`envs/prod.rag`,
/// `<stdlib>/vpc.rag`) and its text.
#[salsa::input(debug)]
pub struct SourceFile {
    #[returns(ref)]
    pub path: String,
    #[returns(ref)]
    pub text: Arc<str>,
}

/// The text of one item chunk (`syntax::item_chunks`): equal texts are one key.
#[salsa::interned(debug)]
pub struct ItemText<'db> {
    #[returns(ref)]
    pub text: String,
}

/// The files whose declarations a file sees, in order of precedence
/// (`Program::visible_files`).
#[salsa::interned(debug)]
pub struct Visibility<'db> {
    #[returns(ref)]
    pub files: Vec<SourceFile>,
}

/// The parse of one item chunk, with spans counted from its first byte. Its diagnostics
/// name the file `PARSED_FILE_ID`.
#[salsa::tracked(returns(ref))]
pub fn parsed_item<'db>(db: &'db dyn Db, chunk: ItemText<'db>) -> Arc<ParsedItem> {
    Arc::new(parse_chunk(PARSED_FILE_ID, chunk.text(db)))
}

/// The parse of a file, made of its items' parses. Its diagnostics name the file
/// `PARSED_FILE_ID`; the program gives each file its own id, and
/// `SourceProvider::parse` renames them.
#[salsa::tracked(returns(ref))]
pub fn parsed_file(db: &dyn Db, file: SourceFile) -> Arc<Parsed> {
    // An embedded standard-library file is stored whole: no chunks, no moves.
    if let Some(parsed) = crate::stdlib::stored_file(file.text(db)) {
        return Arc::new(parsed);
    }
    let items = file_chunks(db, file).iter().map(|(start, chunk)| {
        let item = ParsedItem::clone(parsed_item(db, *chunk));
        (*start as usize, item)
    });
    Arc::new(syntax::assemble(items))
}

/// Each item chunk of a file, with the byte it starts at.
#[salsa::tracked(returns(ref))]
pub fn file_chunks<'db>(db: &'db dyn Db, file: SourceFile) -> Vec<(u32, ItemText<'db>)> {
    let text = file.text(db);
    item_chunks(text)
        .into_iter()
        .map(|range| {
            let start = u32::try_from(range.start).unwrap_or(u32::MAX);
            (start, ItemText::new(db, text[range].to_string()))
        })
        .collect()
}

/// What a file declares.
#[salsa::tracked(returns(ref))]
pub fn declarations(db: &dyn Db, file: SourceFile) -> Arc<Declarations> {
    Arc::new(Declarations::of(parsed_file(db, file)))
}

/// The names seen by a file whose visible files are `visibility`.
#[salsa::tracked(returns(ref))]
pub fn scope<'db>(db: &'db dyn Db, visibility: Visibility<'db>) -> Arc<Scope> {
    let layers: Vec<&Arc<Declarations>> = visibility
        .files(db)
        .iter()
        .map(|file| declarations(db, *file))
        .collect();
    Arc::new(Scope::new(layers.into_iter().map(|layer| &**layer)))
}

/// The checks of one item seen from a file whose visible files are `visibility`, with
/// spans counted from the item's first byte, naming the file `PARSED_FILE_ID`.
#[salsa::tracked(returns(ref))]
pub fn item_diagnostics<'db>(
    db: &'db dyn Db,
    visibility: Visibility<'db>,
    chunk: ItemText<'db>,
) -> Arc<Vec<Diagnostic>> {
    let diagnostics = match &parsed_item(db, chunk).item {
        Some(item) => check_item(scope(db, visibility), db.schema(), PARSED_FILE_ID, item),
        None => Vec::new(),
    };
    Arc::new(diagnostics)
}

/// The file id inside the parses and diagnostics of these queries.
pub const PARSED_FILE_ID: FileId = FileId(0);

/// A hook called with every salsa event (tests count `WillExecute` events with it).
pub type EventCallback = Box<dyn Fn(salsa::Event) + Send + Sync + 'static>;

/// Where a file's text came from, so that disk files can be read again when they change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Set by the editor (an open buffer).
    Editor,
    /// Read from the disk or the standard library on first use.
    Disk,
    /// Neither the editor nor the disk has it (any more): reading it fails.
    Missing,
}

#[salsa::db]
#[derive(Clone)]
pub struct Database {
    storage: salsa::Storage<Self>,
    /// Every file the database knows, by path; shared by all snapshots.
    files: Arc<Mutex<BTreeMap<String, (SourceFile, Origin)>>>,
    stdlib: Stdlib,
    schema: &'static ProviderSchema,
}

#[salsa::db]
impl salsa::Database for Database {}

#[salsa::db]
impl Db for Database {
    fn schema(&self) -> &'static ProviderSchema {
        self.schema
    }
}

impl Database {
    /// A database that checks resources against the embedded provider schema.
    pub fn new(stdlib: Stdlib) -> Database {
        Database::with_events(stdlib, None)
    }

    /// A database that reports every salsa event to `callback`.
    pub fn with_events(stdlib: Stdlib, callback: Option<EventCallback>) -> Database {
        Database {
            storage: salsa::Storage::new(callback),
            files: Arc::default(),
            stdlib,
            schema: ProviderSchema::embedded(),
        }
    }

    /// The database checking resources against `schema` instead.
    pub fn with_schema(mut self, schema: &'static ProviderSchema) -> Database {
        self.schema = schema;
        self
    }

    pub fn stdlib(&self) -> &Stdlib {
        &self.stdlib
    }

    /// The input of `path`, if the database has one.
    pub fn file(&self, path: &str) -> Option<SourceFile> {
        self.files_lock().get(path).map(|(file, _)| *file)
    }

    /// Sets the text of `path` as the editor has it, creating the input if needed. The
    /// text is only replaced when it changed, so unchanged files keep their parses.
    pub fn set_file(&mut self, path: &str, text: Arc<str>) -> SourceFile {
        self.set_with_origin(path, text, Origin::Editor).0
    }

    /// Forgets the editor's text of `path`: the file is read from the disk again, or
    /// is missing when the disk has no such file.
    pub fn release_file(&mut self, path: &str) {
        if self.file(path).is_some() {
            self.reload(path);
        }
    }

    /// Reads every file that did not come from the editor again, and updates those that
    /// changed (or appeared, or disappeared). Returns whether any did.
    pub fn refresh_from_disk(&mut self) -> bool {
        let disk_files: Vec<String> = self
            .files_lock()
            .iter()
            .filter(|(path, (_, origin))| {
                // The embedded standard library never changes; a folder may.
                let fixed =
                    path.starts_with(STDLIB_PREFIX) && matches!(self.stdlib, Stdlib::Embedded);
                *origin != Origin::Editor && !fixed
            })
            .map(|(path, _)| path.clone())
            .collect();
        let mut changed = false;
        for path in disk_files {
            changed |= self.reload(&path);
        }
        changed
    }

    fn reload(&mut self, path: &str) -> bool {
        match self.read_source(path) {
            Some(text) => self.set_with_origin(path, text, Origin::Disk).1,
            None => self.set_with_origin(path, Arc::from(""), Origin::Missing).1,
        }
    }

    /// Sets a file's text and origin; returns its input and whether anything changed.
    fn set_with_origin(
        &mut self,
        path: &str,
        text: Arc<str>,
        origin: Origin,
    ) -> (SourceFile, bool) {
        let existing = self.files_lock().get(path).copied();
        match existing {
            Some((file, old_origin)) => {
                let text_changed = **file.text(self) != *text;
                if text_changed {
                    file.set_text(self).to(text);
                }
                self.files_lock().insert(path.to_string(), (file, origin));
                (file, text_changed || old_origin != origin)
            }
            None => {
                let file = SourceFile::new(self, path.to_string(), text);
                self.files_lock().insert(path.to_string(), (file, origin));
                (file, true)
            }
        }
    }

    fn files_lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, (SourceFile, Origin)>> {
        self.files.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The text of `path` on the disk or in the standard library.
    fn read_source(&self, path: &str) -> Option<Arc<str>> {
        match path.strip_prefix(STDLIB_PREFIX) {
            Some(name) => self.stdlib.read(name),
            None => std::fs::read_to_string(path).ok().map(Arc::from),
        }
    }
}

impl SourceProvider for Database {
    fn read(&self, path: &str) -> Option<Arc<str>> {
        let known = self.files_lock().get(path).copied();
        match known {
            Some((_, Origin::Missing)) => return None,
            Some((file, _)) => return Some(file.text(self).clone()),
            None => {}
        }
        let text = self.read_source(path)?;
        let mut files = self.files_lock();
        // Another snapshot may have read it meanwhile; keep the first input.
        let (file, _) = *files
            .entry(path.to_string())
            .or_insert_with(|| (SourceFile::new(self, path.to_string(), text), Origin::Disk));
        drop(files);
        Some(file.text(self).clone())
    }

    fn parse(&self, id: FileId, text: &str) -> Arc<Parsed> {
        match self.inputs_by_text().get(&text.as_ptr()).copied() {
            Some(file) => with_file_id(parsed_file(self, file), id),
            None => Arc::new(crate::program::parse_source(id, text)),
        }
    }

    /// Parses every item chunk of the files on `jobs` threads, each with its own handle
    /// of the database (a clone): `parsed_item` is computed once per chunk whichever
    /// thread asks, and `Program::load` then finds the parses done. Chunks, not files,
    /// are shared out, so that one large file is parsed on every thread too. The
    /// embedded standard library's trees are stored, not parsed, and small inputs are
    /// parsed faster than threads start: both are left to `Program::load`.
    fn parse_ahead(&self, stdlib: &Stdlib, roots: &[String], jobs: usize) {
        let stdlib_paths = match stdlib {
            Stdlib::Embedded => Vec::new(),
            Stdlib::Folder(_) => stdlib
                .file_names()
                .into_iter()
                .map(|name| format!("{STDLIB_PREFIX}{name}"))
                .collect(),
        };
        let paths = stdlib_paths
            .into_iter()
            .chain(roots.iter().map(|root| normalize(Path::new(root))));
        let mut chunks = Vec::new();
        let mut bytes = 0;
        for path in paths {
            if self.read(&path).is_none() {
                continue; // `Program::load` reports it.
            }
            if let Some(file) = self.file(&path) {
                bytes += file.text(self).len();
                chunks.extend(file_chunks(self, file).iter().map(|(_, chunk)| *chunk));
            }
        }
        if bytes >= PARALLEL_MIN_BYTES {
            self.on_threads(&chunks, jobs, |db, chunk| {
                parsed_item(db, *chunk);
            });
        }
    }

    /// The checks of every item, from the memos of `item_diagnostics`. With enough text
    /// in the users' files, the checks are first computed on `jobs` threads.
    fn item_diagnostics(
        &self,
        program: &Program,
        schema: &ProviderSchema,
        jobs: usize,
    ) -> Vec<Diagnostic> {
        if !std::ptr::eq(schema, self.schema) {
            return crate::check::check_items(program, schema);
        }
        // The input of each program file, found once.
        let by_text = self.inputs_by_text();
        let input_of = |id: FileId| by_text.get(&program.file(id).text.as_ptr()).copied();
        let mut found = Vec::new();
        let mut checked = Vec::new();
        // The embedded standard library sees only itself: against the embedded schema its
        // checks find nothing, in every compilation (`stdlib::tests` checks that once).
        let fixed_stdlib = matches!(self.stdlib, Stdlib::Embedded)
            && std::ptr::eq(schema, ProviderSchema::embedded());
        for file in &program.files {
            if fixed_stdlib && file.is_stdlib {
                continue;
            }
            let inputs: Option<Vec<SourceFile>> = program
                .visible_files(file.id)
                .iter()
                .map(|visible| input_of(*visible))
                .collect();
            match inputs {
                Some(inputs) => checked.push((file.id, inputs[0], Visibility::new(self, inputs))),
                None => found.extend(check_file(program, schema, file.id)),
            }
        }
        let user_bytes: usize = program
            .files
            .iter()
            .filter(|file| !file.is_stdlib)
            .map(|file| file.text.len())
            .sum();
        if user_bytes >= PARALLEL_MIN_BYTES {
            let items: Vec<(Visibility, ItemText)> = checked
                .iter()
                .flat_map(|&(_, input, visibility)| {
                    let chunks = file_chunks(self, input).iter();
                    chunks.map(move |(_, chunk)| (visibility, *chunk))
                })
                .collect();
            self.on_threads(&items, jobs, |db, (visibility, chunk)| {
                item_diagnostics(db, *visibility, *chunk);
            });
        }
        for (id, input, visibility) in checked {
            for (start, chunk) in file_chunks(self, input) {
                for diagnostic in item_diagnostics(self, visibility, *chunk).iter() {
                    let mut diagnostic = diagnostic.clone();
                    diagnostic.shift(*start);
                    rename_file(&mut diagnostic, id);
                    found.push(diagnostic);
                }
            }
        }
        found
    }
}

/// Below this much text to parse or check, starting threads costs more than it saves:
/// about 250 lines, a millisecond or two of work on one thread.
const PARALLEL_MIN_BYTES: usize = 8 * 1024;

impl Database {
    /// Runs `query` on every item from `jobs` threads, for the memos it leaves. Each
    /// thread has its own handle of the database: a handle can move to another thread
    /// but not be shared.
    fn on_threads<T: Sync>(&self, items: &[T], jobs: usize, query: impl Fn(&Database, &T) + Sync) {
        let threads = crate::parallel::threads(jobs);
        if threads == 1 {
            return;
        }
        let handles = Mutex::new(vec![self.clone(); threads]);
        let take_handle = || handles.lock().unwrap_or_else(PoisonError::into_inner).pop();
        map_in_order(items, threads, take_handle, |db, item| {
            if let Some(db) = db {
                query(db, item);
            }
        });
    }

    /// Each input by the address of its text. `read` hands out the inputs' own
    /// `Arc<str>`, so the program's texts are found by address.
    fn inputs_by_text(&self) -> HashMap<*const u8, SourceFile> {
        let inputs: Vec<SourceFile> = self.files_lock().values().map(|(file, _)| *file).collect();
        inputs
            .into_iter()
            .map(|file| (file.text(self).as_ptr(), file))
            .collect()
    }
}

/// The parse with its diagnostics naming `id`; the same `Arc` when nothing changes.
pub fn with_file_id(parsed: &Arc<Parsed>, id: FileId) -> Arc<Parsed> {
    let names_other = parsed.diagnostics.iter().any(|diagnostic| {
        diagnostic.labels.iter().any(|label| label.file != id)
            || diagnostic.fix.as_ref().is_some_and(|fix| fix.file != id)
    });
    if !names_other {
        return parsed.clone();
    }
    let mut renamed = Parsed::clone(parsed);
    for diagnostic in &mut renamed.diagnostics {
        rename_file(diagnostic, id);
    }
    Arc::new(renamed)
}

/// Makes every label and fix of `diagnostic` name the file `id`.
fn rename_file(diagnostic: &mut Diagnostic, id: FileId) {
    for label in &mut diagnostic.labels {
        label.file = id;
    }
    if let Some(fix) = &mut diagnostic.fix {
        fix.file = id;
    }
}

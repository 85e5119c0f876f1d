//! The salsa database: one input per source file (`SourceFile`, its path and text) and
//! the query `parsed_file`, so that a file is parsed again only when its text changed.
//!
//! The database is a `SourceProvider`: `Program::load` reads texts from it and gets
//! their parses from `parsed_file`. Files it has not seen yet are read from the disk or
//! the standard library and become inputs on first read; the language server sets the
//! text of open files itself (`set_file`), so unsaved buffers win over the disk.
//!
//! Clones of the database are snapshots for readers. Setting an input cancels the
//! queries running on snapshots (they unwind with `salsa::Cancelled`) and waits until
//! every snapshot is dropped, so readers should hold one only while they load.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};

use salsa::Setter;

use crate::diagnostics::FileId;
use crate::program::{parse_source, SourceProvider, Stdlib, STDLIB_PREFIX};
use crate::syntax::Parsed;

/// A source file: its path as the program names it (`envs/prod.rag`,
/// `<stdlib>/vpc.rag`) and its text.
#[salsa::input(debug)]
pub struct SourceFile {
    #[returns(ref)]
    pub path: String,
    #[returns(ref)]
    pub text: Arc<str>,
}

/// The parse of a file. Its diagnostics name the file `PARSED_FILE_ID`; the program
/// gives each file its own id, and `SourceProvider::parse` renames them.
#[salsa::tracked(returns(ref))]
pub fn parsed_file(db: &dyn salsa::Database, file: SourceFile) -> Arc<Parsed> {
    Arc::new(parse_source(PARSED_FILE_ID, file.path(db), file.text(db)))
}

/// The file id inside the parses `parsed_file` returns.
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
}

#[salsa::db]
impl salsa::Database for Database {}

impl Database {
    pub fn new(stdlib: Stdlib) -> Database {
        Database::with_events(stdlib, None)
    }

    /// A database that reports every salsa event to `callback`.
    pub fn with_events(stdlib: Stdlib, callback: Option<EventCallback>) -> Database {
        Database {
            storage: salsa::Storage::new(callback),
            files: Arc::default(),
            stdlib,
        }
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

    fn parse(&self, id: FileId, path: &str, text: &str) -> Arc<Parsed> {
        // `read` handed out the input's own `Arc<str>`, so the text is found by address.
        let inputs: Vec<SourceFile> = self.files_lock().values().map(|(file, _)| *file).collect();
        let found = inputs
            .into_iter()
            .find(|file| std::ptr::eq(file.text(self).as_ptr(), text.as_ptr()));
        match found {
            Some(file) => with_file_id(parsed_file(self, file), id),
            None => Arc::new(parse_source(id, path, text)),
        }
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
        for label in &mut diagnostic.labels {
            label.file = id;
        }
        if let Some(fix) = &mut diagnostic.fix {
            fix.file = id;
        }
    }
    Arc::new(renamed)
}

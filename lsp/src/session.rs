//! The server's state: the salsa database, the open documents (the source of truth for
//! their files), the workspace, and what the last compilation published. Edits change
//! it under a lock, in the order they arrive; readers take a `Snapshot` (a clone of the
//! database and of the few things they need) and let go of the lock at once.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use ragc::db::Database;
use ragc::diagnostics::{Diagnostic, FileId};
use ragc::ide::ValueNotes;
use ragc::program::{normalize, Stdlib, STDLIB_PREFIX};
use ragc::source::LineIndex;
use tower_lsp_server::ls_types::Uri;

/// An open document.
#[derive(Debug, Clone)]
pub struct Document {
    pub text: Arc<str>,
    pub version: i32,
}

/// Where files are: the workspace folder, and the standard library when the workspace
/// holds its sources (the ragc repository itself), so that its files can be edited.
#[derive(Debug, Clone, Default)]
pub struct Layout {
    pub workspace: Option<PathBuf>,
    pub stdlib_folder: Option<PathBuf>,
    /// The URIs of open documents as the editor spells them, by path.
    pub open: BTreeMap<String, Uri>,
}

impl Layout {
    pub fn new(workspace: Option<PathBuf>) -> Layout {
        let stdlib_folder = workspace
            .as_ref()
            .map(|root| root.join("stdlib"))
            .filter(|folder| {
                folder.join("prelude.rag").is_file() && folder.join("blueprint.rag").is_file()
            });
        Layout {
            workspace,
            stdlib_folder,
            open: BTreeMap::new(),
        }
    }

    pub fn stdlib(&self) -> Stdlib {
        match &self.stdlib_folder {
            Some(folder) => Stdlib::Folder(folder.clone()),
            None => Stdlib::Embedded,
        }
    }

    /// The path the program knows a document by: an absolute path, `<stdlib>/name` for
    /// the standard library's sources, or the URI itself for unsaved documents.
    pub fn path_of(&self, uri: &Uri) -> String {
        if !uri.as_str().starts_with("file:") {
            return uri.as_str().to_string();
        }
        let Some(path) = uri.to_file_path() else {
            return uri.as_str().to_string();
        };
        if let Some(folder) = &self.stdlib_folder {
            if let Ok(inside) = path.strip_prefix(folder) {
                return format!(
                    "{STDLIB_PREFIX}{}",
                    inside.to_string_lossy().replace('\\', "/")
                );
            }
        }
        normalize(&path)
    }

    /// The URI of a program path; `None` for the embedded standard library.
    pub fn uri_of(&self, path: &str) -> Option<Uri> {
        if let Some(uri) = self.open.get(path) {
            return Some(uri.clone());
        }
        if let Some(name) = path.strip_prefix(STDLIB_PREFIX) {
            return Uri::from_file_path(self.stdlib_folder.as_ref()?.join(name));
        }
        if Path::new(path).is_absolute() {
            return Uri::from_file_path(path);
        }
        path.parse().ok()
    }

    /// The `.rag` files of the workspace's `envs/` folder, compiled even when not open.
    pub fn environment_files(&self) -> Vec<String> {
        let Some(root) = &self.workspace else {
            return Vec::new();
        };
        let mut files: Vec<String> = std::fs::read_dir(root.join("envs"))
            .into_iter()
            .flatten()
            .flatten()
            .map(|entry| entry.path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "rag") && path.is_file())
            .map(|path| normalize(&path))
            .collect();
        files.sort();
        files
    }

    /// Every `.rag` file under the workspace (a few levels deep), for import completion.
    pub fn rag_files(&self) -> Vec<String> {
        let mut found = Vec::new();
        if let Some(root) = &self.workspace {
            collect_rag_files(root, 0, &mut found);
        }
        found.sort();
        found
    }
}

fn collect_rag_files(dir: &Path, depth: usize, found: &mut Vec<String>) {
    const SKIP: &[&str] = &["target", "node_modules", ".git", "build", ".terraform"];
    if depth > 4 || found.len() > 2000 {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if path.is_dir() {
            if !SKIP.iter().any(|skip| name == *skip) {
                collect_rag_files(&path, depth + 1, found);
            }
        } else if path.extension().is_some_and(|ext| ext == "rag") {
            found.push(normalize(&path));
        }
    }
}

/// What the last compilation said about one file, kept for quick fixes.
#[derive(Debug, Clone)]
pub struct FixSource {
    /// The text the diagnostics were computed on.
    pub text: Arc<str>,
    pub line_index: LineIndex,
    pub file: FileId,
    pub diagnostics: Vec<Diagnostic>,
}

pub struct Session {
    pub layout: Layout,
    pub db: Database,
    /// Open documents by program path.
    pub documents: BTreeMap<String, Document>,
    /// `.rag` files known in the workspace.
    pub known_files: Vec<String>,
    /// The workspace's `envs/*.rag`, read again when files change on the disk.
    pub environment_files: Vec<String>,
    /// URIs that were given diagnostics last time, to clear them when fixed.
    pub published: BTreeSet<String>,
    /// Diagnostics with quick fixes, by URI.
    pub fixes: BTreeMap<String, FixSource>,
    /// What the last evaluation found out about environments' fields.
    pub notes: Arc<ValueNotes>,
    /// The client asks again for inlay hints when told they changed.
    pub refresh_inlay_hints: bool,
    /// Counts the changes to the files, so that a loaded program can be reused until
    /// the next one.
    pub edits: u64,
    /// The program loaded for the last request, and at which count of edits.
    pub cache: Option<CachedProgram>,
}

/// A program loaded for a request, reused by the requests after it until an edit.
pub struct CachedProgram {
    pub edits: u64,
    pub roots: Vec<String>,
    pub program: Arc<ragc::program::Program>,
}

impl Session {
    pub fn new(layout: Layout) -> Session {
        let db = Database::new(layout.stdlib());
        let known_files = layout.rag_files();
        let environment_files = layout.environment_files();
        Session {
            layout,
            db,
            documents: BTreeMap::new(),
            known_files,
            environment_files,
            published: BTreeSet::new(),
            fixes: BTreeMap::new(),
            notes: Arc::default(),
            refresh_inlay_hints: false,
            edits: 0,
            cache: None,
        }
    }

    /// The files compiled: every open document and every environment of the workspace.
    pub fn roots(&self) -> Vec<String> {
        let mut roots: Vec<String> = self
            .documents
            .keys()
            .filter(|path| !path.starts_with(STDLIB_PREFIX))
            .cloned()
            .collect();
        for file in &self.environment_files {
            if !roots.contains(file) {
                roots.push(file.clone());
            }
        }
        roots
    }

    /// Lists the workspace's files again, after files changed on the disk.
    pub fn rescan(&mut self) {
        self.known_files = self.layout.rag_files();
        self.environment_files = self.layout.environment_files();
    }

    /// Records a change to the files: cached programs are out of date.
    pub fn changed(&mut self) {
        self.edits += 1;
        self.cache = None;
    }

    /// The `.rag` files known: those of the workspace and the open ones.
    pub fn all_known_files(&self) -> Vec<String> {
        let mut known_files = self.known_files.clone();
        for path in self.documents.keys() {
            if !known_files.contains(path) {
                known_files.push(path.clone());
            }
        }
        known_files
    }

    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            db: self.db.clone(),
            stdlib: self.layout.stdlib(),
            roots: self.roots(),
            layout: self.layout.clone(),
            edits: self.edits,
            versions: self
                .documents
                .iter()
                .map(|(path, document)| (path.clone(), document.version))
                .collect(),
        }
    }
}

/// What a reader needs, taken under the lock and used without it.
pub struct Snapshot {
    pub db: Database,
    pub stdlib: Stdlib,
    pub roots: Vec<String>,
    pub layout: Layout,
    /// The count of edits the snapshot was taken at.
    pub edits: u64,
    /// The version of each open document, by path.
    pub versions: BTreeMap<String, i32>,
}

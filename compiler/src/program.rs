//! A program: the files given on the command line, every file they import, and the
//! standard library, each parsed once; and the table of top-level names each file sees.
//!
//! A file sees its own declarations, those of the files it imports directly (an earlier
//! import before a later one), and the standard library's, in that order of precedence.

use std::collections::{BTreeMap, HashMap};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use crate::diagnostics::render::SourceLookup;
use crate::diagnostics::{Code, Diagnostic, FileId};
use crate::schema::ProviderSchema;
use crate::scope::{Declarations, Scope};
use crate::source::{LineIndex, Span};
use crate::syntax::ast::{Item, ItemKind};
use crate::syntax::{self, Parsed, ParsedItem};

/// Where the compiler reads sources from: the disk for the command line, the editor's
/// buffers for the language server.
pub trait SourceProvider {
    fn read(&self, path: &str) -> Option<Arc<str>>;
    /// Parses a file; the salsa database answers from its memos.
    fn parse(&self, file: FileId, text: &str) -> Arc<Parsed> {
        Arc::new(parse_source(file, text))
    }

    /// The diagnostics of the checks of one item at a time (`check::check_items`), which
    /// the salsa database keeps per item, and may compute on `jobs` threads.
    fn item_diagnostics(
        &self,
        program: &Program,
        schema: &ProviderSchema,
        _jobs: usize,
    ) -> Vec<Diagnostic> {
        crate::check::check_items(program, schema)
    }

    /// Parses the standard library and `roots` on `jobs` threads before `Program::load`
    /// reads them one by one, for providers that keep parses (the salsa database).
    fn parse_ahead(&self, _stdlib: &Stdlib, _roots: &[String], _jobs: usize) {}
}

/// Reads files from the disk and the standard library from `stdlib`.
pub struct DiskSources {
    pub stdlib: Stdlib,
}

impl SourceProvider for DiskSources {
    fn read(&self, path: &str) -> Option<Arc<str>> {
        match path.strip_prefix(STDLIB_PREFIX) {
            Some(name) => self.stdlib.read(name),
            None => std::fs::read_to_string(path).ok().map(Arc::from),
        }
    }
}

/// The parse of a file's text, item by item (`parse_chunk`); an embedded standard-library
/// file's is read whole from the store.
pub fn parse_source(file: FileId, text: &str) -> Parsed {
    crate::stdlib::stored_file(text)
        .unwrap_or_else(|| syntax::parse_with(text, |chunk| parse_chunk(file, chunk)))
}

/// The parse of one item chunk. The embedded standard library's items were parsed when
/// `ragc` was built, and are read from that store instead of being parsed again.
pub fn parse_chunk(file: FileId, chunk: &str) -> ParsedItem {
    crate::stdlib::stored_item(chunk).unwrap_or_else(|| syntax::parse_item(file, chunk))
}

/// Paths of standard-library files start with this, so they never clash with user paths.
pub const STDLIB_PREFIX: &str = "<stdlib>/";

/// The standard library: embedded in the binary, or read from a folder (`--stdlib DIR`).
#[derive(Debug, Clone)]
pub enum Stdlib {
    Embedded,
    Folder(PathBuf),
}

impl Stdlib {
    /// The standard library's `.rag` files, as names relative to its root, sorted.
    pub fn file_names(&self) -> Vec<String> {
        match self {
            Stdlib::Embedded => crate::stdlib::FILES
                .iter()
                .map(|file| file.name.to_string())
                .collect(),
            Stdlib::Folder(root) => {
                let mut names = Vec::new();
                collect_rag_files(root, root, &mut names);
                names.sort();
                names
            }
        }
    }

    /// The text of the standard-library file `name` (relative to its root).
    pub fn read(&self, name: &str) -> Option<Arc<str>> {
        match self {
            Stdlib::Embedded => crate::stdlib::file(name).map(|file| Arc::from(file.text)),
            Stdlib::Folder(root) => std::fs::read_to_string(root.join(name)).ok().map(Arc::from),
        }
    }
}

fn collect_rag_files(root: &Path, dir: &Path, names: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_rag_files(root, &path, names);
        } else if path.extension().is_some_and(|ext| ext == "rag") {
            if let Ok(relative) = path.strip_prefix(root) {
                names.push(relative.to_string_lossy().replace('\\', "/"));
            }
        }
    }
}

/// One loaded file.
#[derive(Debug)]
pub struct ProgramFile {
    pub id: FileId,
    pub path: String,
    pub text: Arc<str>,
    pub line_index: LineIndex,
    pub parsed: Arc<Parsed>,
    pub imports: Vec<FileId>,
    pub is_stdlib: bool,
}

/// A top-level declaration: which file, which item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ItemRef {
    pub file: FileId,
    pub index: usize,
}

#[derive(Debug, Default)]
pub struct Program {
    pub files: Vec<ProgramFile>,
    /// The files named by the user, in order.
    pub roots: Vec<FileId>,
    by_path: HashMap<String, FileId>,
    /// Each file's own top-level names.
    declared: Vec<BTreeMap<String, ItemRef>>,
    stdlib_names: BTreeMap<String, ItemRef>,
    /// Each file's scope: the names it sees and what they declare.
    scopes: Vec<Scope>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Program {
    /// Loads `roots` and everything they import, plus the standard library.
    pub fn load(sources: &dyn SourceProvider, stdlib: &Stdlib, roots: &[String]) -> Program {
        let mut program = Program::default();
        for name in stdlib.file_names() {
            let path = format!("{STDLIB_PREFIX}{name}");
            if let Some(text) = sources.read(&path) {
                program.add_file(sources, path, text, true);
            }
        }
        for root in roots {
            let path = normalize(Path::new(root));
            match program.by_path.get(&path) {
                Some(&id) => program.roots.push(id),
                None => match sources.read(&path) {
                    Some(text) => {
                        let id = program.add_file(sources, path, text, false);
                        program.roots.push(id);
                    }
                    None => program.diagnostics.push(
                        Diagnostic::new(
                            Code::UnresolvedImport,
                            FileId(u32::MAX),
                            Span::default(),
                            format!("cannot read `{root}`"),
                        )
                        .with_help("check the path; it is relative to the current folder"),
                    ),
                },
            }
        }
        program.check_import_cycles();
        program.index_names();
        program
    }

    fn add_file(
        &mut self,
        sources: &dyn SourceProvider,
        path: String,
        text: Arc<str>,
        is_stdlib: bool,
    ) -> FileId {
        let id = FileId(self.files.len() as u32);
        let parsed = sources.parse(id, &text);
        self.diagnostics.extend(parsed.diagnostics.iter().cloned());
        self.by_path.insert(path.clone(), id);
        self.files.push(ProgramFile {
            id,
            line_index: LineIndex::new(&text),
            path: path.clone(),
            text,
            parsed: parsed.clone(),
            imports: Vec::new(),
            is_stdlib,
        });
        let base = Path::new(&path).parent().map(Path::to_path_buf);
        for item in &parsed.file.items {
            let ItemKind::Import(import) = &item.kind else {
                continue;
            };
            let target = normalize(&base.clone().unwrap_or_default().join(&import.path));
            let imported = match self.by_path.get(&target) {
                Some(&existing) => Some(existing),
                None => match sources.read(&target) {
                    Some(text) => Some(self.add_file(sources, target, text, is_stdlib)),
                    None => {
                        self.diagnostics.push(
                            Diagnostic::new(
                                Code::UnresolvedImport,
                                id,
                                import.path_span,
                                format!("cannot read `{}`", import.path),
                            )
                            .with_label(format!("looked for `{target}`"))
                            .with_help("import paths are relative to the importing file"),
                        );
                        None
                    }
                },
            };
            if let Some(imported) = imported {
                self.files[id.0 as usize].imports.push(imported);
            }
        }
        id
    }

    fn check_import_cycles(&mut self) {
        // Depth-first search; a back edge closes a cycle, reported once at its first file.
        let count = self.files.len();
        let mut state = vec![0u8; count];
        let mut stack: Vec<usize> = Vec::new();
        let mut cycles = Vec::new();
        for start in 0..count {
            self.visit_imports(start, &mut state, &mut stack, &mut cycles);
        }
        for cycle in cycles {
            let names: Vec<&str> = cycle
                .iter()
                .map(|&at: &usize| self.files[at].path.as_str())
                .collect();
            let first = cycle[0];
            let span = self.import_span(first, cycle[1 % cycle.len()]);
            self.diagnostics.push(
                Diagnostic::new(
                    Code::ImportCycle,
                    FileId(first as u32),
                    span,
                    format!("import cycle: {} -> {}", names.join(" -> "), names[0]),
                )
                .with_help("move what the files share into a file that both import"),
            );
        }
    }

    fn visit_imports(
        &self,
        at: usize,
        state: &mut [u8],
        stack: &mut Vec<usize>,
        cycles: &mut Vec<Vec<usize>>,
    ) {
        if state[at] != 0 {
            return;
        }
        state[at] = 1;
        stack.push(at);
        for &next in &self.files[at].imports {
            let next = next.0 as usize;
            if state[next] == 1 {
                if let Some(position) = stack.iter().position(|&file| file == next) {
                    cycles.push(stack[position..].to_vec());
                }
            } else {
                self.visit_imports(next, state, stack, cycles);
            }
        }
        stack.pop();
        state[at] = 2;
    }

    fn import_span(&self, from: usize, to: usize) -> Span {
        let target = &self.files[to].path;
        self.files[from]
            .parsed
            .file
            .items
            .iter()
            .find_map(|item| match &item.kind {
                ItemKind::Import(import)
                    if target.ends_with(import.path.trim_start_matches("./")) =>
                {
                    Some(import.path_span)
                }
                _ => None,
            })
            .unwrap_or_default()
    }

    fn index_names(&mut self) {
        for file in &self.files {
            let mut names: BTreeMap<String, ItemRef> = BTreeMap::new();
            for (index, item) in file.parsed.file.items.iter().enumerate() {
                let Some(name) = item.name() else { continue };
                let reference = ItemRef {
                    file: file.id,
                    index,
                };
                if let Some(previous) = names.get(&name.name) {
                    let previous_span = self.item(*previous).name().map(|n| n.span);
                    self.diagnostics.push(
                        Diagnostic::new(
                            Code::DuplicateName,
                            file.id,
                            name.span,
                            format!("`{}` is declared twice in this file", name.name),
                        )
                        .with_label("declared again here")
                        .with_secondary(
                            file.id,
                            previous_span.unwrap_or_default(),
                            "first declared here",
                        )
                        .with_help("rename one of them"),
                    );
                    continue;
                }
                names.insert(name.name.clone(), reference);
                if file.is_stdlib {
                    self.stdlib_names
                        .entry(name.name.clone())
                        .or_insert(reference);
                }
            }
            self.declared.push(names);
        }
        let declarations: Vec<Declarations> = self
            .files
            .iter()
            .map(|file| Declarations::of(&file.parsed))
            .collect();
        self.scopes = (0..self.files.len())
            .map(|index| {
                let visible = self.visible_files(FileId(index as u32));
                Scope::new(visible.iter().map(|file| &declarations[file.0 as usize]))
            })
            .collect();
    }

    /// The files whose declarations `file` sees, in order of precedence: itself, the
    /// files it imports, the standard library's.
    pub fn visible_files(&self, file: FileId) -> Vec<FileId> {
        let stdlib = self.files.iter().filter(|found| found.is_stdlib);
        std::iter::once(file)
            .chain(self.file(file).imports.iter().copied())
            .chain(stdlib.map(|found| found.id))
            .collect()
    }

    /// The names `file` sees.
    pub fn scope(&self, file: FileId) -> &Scope {
        &self.scopes[file.0 as usize]
    }

    pub fn file(&self, id: FileId) -> &ProgramFile {
        &self.files[id.0 as usize]
    }

    pub fn file_by_path(&self, path: &str) -> Option<FileId> {
        self.by_path.get(&normalize(Path::new(path))).copied()
    }

    pub fn item(&self, reference: ItemRef) -> &Item {
        &self.file(reference.file).parsed.file.items[reference.index]
    }

    /// The top-level names `file` sees, layer by layer in order of precedence: its own,
    /// each file it imports in the order of its imports, the standard library's. Every
    /// lookup of a top-level name reads these layers, the first that has the name winning.
    fn layers(&self, file: FileId) -> impl Iterator<Item = &BTreeMap<String, ItemRef>> {
        let imports = self.file(file).imports.iter();
        std::iter::once(&self.declared[file.0 as usize])
            .chain(imports.map(|import| &self.declared[import.0 as usize]))
            .chain(std::iter::once(&self.stdlib_names))
    }

    /// The declaration `name` refers to in `file`'s top-level scope.
    pub fn lookup(&self, file: FileId, name: &str) -> Option<ItemRef> {
        self.layers(file).find_map(|layer| layer.get(name).copied())
    }

    /// The enum visible from `file` that has a variant `name`, if exactly one has.
    pub fn enum_of_variant(&self, file: FileId, name: &str) -> Option<ItemRef> {
        let enum_name = self.scope(file).enum_of_variant(name)?;
        self.lookup(file, enum_name)
    }

    /// Every top-level name `file` can see, each with the declaration `lookup` finds,
    /// for suggestions and completion.
    pub fn visible_names(&self, file: FileId) -> Vec<(&str, ItemRef)> {
        let mut names: BTreeMap<&str, ItemRef> = BTreeMap::new();
        for layer in self.layers(file) {
            for (name, item) in layer {
                names.entry(name).or_insert(*item);
            }
        }
        names.into_iter().collect()
    }

    /// Every item of every file, with its reference.
    pub fn all_items(&self) -> impl Iterator<Item = (ItemRef, &Item)> {
        self.files.iter().flat_map(|file| {
            file.parsed
                .file
                .items
                .iter()
                .enumerate()
                .map(move |(index, item)| {
                    (
                        ItemRef {
                            file: file.id,
                            index,
                        },
                        item,
                    )
                })
        })
    }
}

impl SourceLookup for Program {
    fn path(&self, file: FileId) -> Option<&str> {
        self.files
            .get(file.0 as usize)
            .map(|file| file.path.as_str())
    }

    fn text(&self, file: FileId) -> Option<&str> {
        self.files.get(file.0 as usize).map(|file| &*file.text)
    }

    fn line_index(&self, file: FileId) -> Option<&LineIndex> {
        self.files.get(file.0 as usize).map(|file| &file.line_index)
    }
}

/// Removes `.` and `a/..` from a path, without touching the disk, so that a file imported
/// by two routes is loaded once.
pub fn normalize(path: &Path) -> String {
    let mut parts: Vec<String> = Vec::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if parts
                    .last()
                    .is_some_and(|last| last != ".." && !last.ends_with('>'))
                {
                    parts.pop();
                } else {
                    parts.push("..".into());
                }
            }
            Component::RootDir => parts.push(String::new()),
            other => parts.push(other.as_os_str().to_string_lossy().into_owned()),
        }
    }
    parts.join("/")
}

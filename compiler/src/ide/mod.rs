//! Editor features — completion, hover, inlay hints, go to definition, find references,
//! rename, document symbols and quick fixes — computed from a loaded `Program` on byte
//! offsets and strings. Nothing here knows the Language Server Protocol (the `lsp` crate
//! turns these results into protocol messages), so every feature is testable on its own
//! with fixture files (`tests/cases/ide/`).
//!
//! Completion reads the text around the cursor (`context`), so it works in files that do
//! not parse; the other features read the syntax tree of what did parse, through one
//! index of every name and the declaration it refers to (`resolve`).

mod completion;
mod context;
mod fixes;
mod hover;
mod lexer;
mod navigation;
mod resolve;
mod resolved;
mod symbols;
mod types;
mod values;

use crate::diagnostics::FileId;
use crate::program::Program;
use crate::schema::ProviderSchema;
use crate::source::Span;

pub use fixes::{quick_fixes, QuickFix};
pub use resolved::InlayHint;
pub use symbols::{document_symbols, Symbol, SymbolKind};
pub use values::{value_notes, ValueNote, ValueNotes};

/// Everything the editor features read: the program (the open files, the files they
/// import and the standard library), the provider schema, the paths of the `.rag` files
/// around (for import completion) and, when an evaluation has run, what it found out
/// about values.
#[derive(Clone, Copy)]
pub struct Analysis<'a> {
    pub program: &'a Program,
    pub schema: &'a ProviderSchema,
    /// Paths of `.rag` files that may be imported, as the program names files.
    pub known_files: &'a [String],
    pub values: Option<&'a ValueNotes>,
    /// The standard library's sources are part of the workspace (the ragc repository),
    /// so renames may edit them.
    pub stdlib_editable: bool,
}

/// A place in a file of the program.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Location {
    pub file: FileId,
    pub span: Span,
}

/// A replacement of `span` in `file` by `new_text`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct FileEdit {
    pub file: FileId,
    pub span: Span,
    pub new_text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CompletionKind {
    Keyword,
    Module,
    Type,
    Enum,
    Variant,
    Function,
    Variable,
    Field,
    Parameter,
    Unit,
    ResourceType,
    Property,
    File,
}

impl CompletionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CompletionKind::Keyword => "keyword",
            CompletionKind::Module => "module",
            CompletionKind::Type => "type",
            CompletionKind::Enum => "enum",
            CompletionKind::Variant => "variant",
            CompletionKind::Function => "function",
            CompletionKind::Variable => "variable",
            CompletionKind::Field => "field",
            CompletionKind::Parameter => "parameter",
            CompletionKind::Unit => "unit",
            CompletionKind::ResourceType => "resource-type",
            CompletionKind::Property => "property",
            CompletionKind::File => "file",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompletionItem {
    pub label: String,
    pub kind: CompletionKind,
    /// A short line beside the label: a type, a signature.
    pub detail: Option<String>,
    /// Markdown shown beside the list.
    pub documentation: Option<String>,
    /// The text to insert, when it is not the label.
    pub insert_text: Option<String>,
    /// Items sort by this, then by label.
    pub sort_text: String,
    /// The text the item replaces: what was typed of the name before the cursor.
    pub replace: Span,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Completions {
    pub items: Vec<CompletionItem>,
    /// Some items were left out (resource types past a limit): ask again as the user
    /// types.
    pub incomplete: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HoverInfo {
    /// Markdown.
    pub markdown: String,
    /// What the hover is about.
    pub span: Span,
}

/// Why a rename cannot be done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenameError(pub String);

impl std::fmt::Display for RenameError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'a> Analysis<'a> {
    /// Completions at byte `offset` of `file`.
    pub fn completions(&self, file: FileId, offset: usize) -> Completions {
        completion::completions(self, file, offset)
    }

    pub fn hover(&self, file: FileId, offset: usize) -> Option<HoverInfo> {
        hover::hover(self, file, offset)
    }

    /// What the environments' fields within `range` of `file` resolved to, after the
    /// last evaluation (none when it found errors, or the file changed since).
    pub fn inlay_hints(&self, file: FileId, range: Span) -> Vec<InlayHint> {
        resolved::inlay_hints(self, file, range)
    }

    /// Where the name at `offset` is declared.
    pub fn definition(&self, file: FileId, offset: usize) -> Vec<Location> {
        navigation::definition(self, file, offset)
    }

    /// Every use of the name at `offset`, in every file of the program, sorted.
    pub fn references(
        &self,
        file: FileId,
        offset: usize,
        include_declaration: bool,
    ) -> Vec<Location> {
        navigation::references(self, file, offset, include_declaration)
    }

    /// The span of the name at `offset`, if it can be renamed.
    pub fn prepare_rename(&self, file: FileId, offset: usize) -> Result<Span, RenameError> {
        navigation::prepare_rename(self, file, offset)
    }

    /// The edits renaming the name at `offset` to `new_name` everywhere.
    pub fn rename(
        &self,
        file: FileId,
        offset: usize,
        new_name: &str,
    ) -> Result<Vec<FileEdit>, RenameError> {
        navigation::rename(self, file, offset, new_name)
    }
}

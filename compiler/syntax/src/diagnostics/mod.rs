//! Diagnostics as plain data: a code, a severity, a message, labelled spans in any
//! number of files, notes and a help line. Renderers (`ragc::diagnostics::render`) turn
//! them into terminal output or JSON; the language server turns them into LSP
//! diagnostics. Nothing here knows how a diagnostic was found.

mod codes;

pub use codes::{Code, CodeInfo};

use crate::source::Span;

/// Identifies a loaded source file; the driver's file table maps it to a path and text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Label {
    pub file: FileId,
    pub span: Span,
    pub message: String,
    pub primary: bool,
}

/// A text edit that fixes the diagnostic, offered as a quick fix by the editor.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Fix {
    pub title: String,
    pub file: FileId,
    pub span: Span,
    pub replacement: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    pub labels: Vec<Label>,
    pub notes: Vec<String>,
    pub help: Option<String>,
    pub fix: Option<Fix>,
}

impl Diagnostic {
    /// An error of `code`, with its severity, pointing at `span`.
    pub fn new(code: Code, file: FileId, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            severity: code.info().severity,
            message: message.into(),
            labels: vec![Label {
                file,
                span,
                message: String::new(),
                primary: true,
            }],
            notes: Vec::new(),
            help: None,
            fix: None,
        }
    }

    /// Sets the message under the primary label.
    pub fn with_label(mut self, message: impl Into<String>) -> Diagnostic {
        if let Some(primary) = self.labels.iter_mut().find(|label| label.primary) {
            primary.message = message.into();
        }
        self
    }

    pub fn with_secondary(mut self, file: FileId, span: Span, message: impl Into<String>) -> Self {
        self.labels.push(Label {
            file,
            span,
            message: message.into(),
            primary: false,
        });
        self
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Diagnostic {
        self.notes.push(note.into());
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// "did you mean `name`?", with the quick fix that writes it in place of the primary
    /// span: the answer to a misspelt name, field, argument or variant.
    pub fn with_suggestion(self, name: &str) -> Diagnostic {
        self.with_help(format!("did you mean `{name}`?"))
            .with_fix(format!("replace with `{name}`"), name)
    }

    /// A quick fix replacing the primary span with `replacement`.
    pub fn with_fix(mut self, title: impl Into<String>, replacement: impl Into<String>) -> Self {
        if let Some(primary) = self.primary() {
            self.fix = Some(Fix {
                title: title.into(),
                file: primary.file,
                span: primary.span,
                replacement: replacement.into(),
            });
        }
        self
    }

    pub fn primary(&self) -> Option<&Label> {
        self.labels.iter().find(|label| label.primary)
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Sorts diagnostics by file and position, and drops exact repeats, so that output is
/// deterministic whatever order the phases found them in.
pub fn sort_and_dedup(diagnostics: &mut Vec<Diagnostic>) {
    diagnostics.sort_by(|a, b| {
        let key = |d: &Diagnostic| d.primary().map(|label| (label.file, label.span));
        key(a)
            .cmp(&key(b))
            .then_with(|| a.code.cmp(&b.code))
            .then_with(|| a.message.cmp(&b.message))
    });
    diagnostics.dedup();
}

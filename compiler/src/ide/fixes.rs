//! Quick fixes: the edits diagnostics carry (`Diagnostic::fix`, such as "replace with
//! `aws_subnet`"), offered for the diagnostics that touch the editor's selection.

use crate::diagnostics::{Diagnostic, FileId};
use crate::source::Span;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuickFix {
    pub title: String,
    pub file: FileId,
    pub span: Span,
    pub replacement: String,
    /// Index of the diagnostic it fixes in the list given.
    pub diagnostic: usize,
}

/// The fixes of the diagnostics whose primary label in `file` touches `range`.
pub fn quick_fixes(diagnostics: &[Diagnostic], file: FileId, range: Span) -> Vec<QuickFix> {
    diagnostics
        .iter()
        .enumerate()
        .filter_map(|(index, diagnostic)| {
            let fix = diagnostic.fix.as_ref()?;
            let primary = diagnostic.primary()?;
            let touches = primary.file == file
                && primary.span.start <= range.end
                && range.start <= primary.span.end;
            (touches && fix.file == file).then(|| QuickFix {
                title: fix.title.clone(),
                file: fix.file,
                span: fix.span,
                replacement: fix.replacement.clone(),
                diagnostic: index,
            })
        })
        .collect()
}

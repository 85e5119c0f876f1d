//! Turns diagnostics into what people and tools read: codespan-reporting's terminal
//! output (with colour when asked) or one JSON object per diagnostic.

use std::ops::Range;

use codespan_reporting::diagnostic as cs;
use codespan_reporting::files::{self, Files};
use codespan_reporting::term::{self, termcolor::WriteColor};

use super::{Diagnostic, FileId, Severity};
use crate::source::LineIndex;

/// What a renderer needs to know about the files diagnostics point into.
pub trait SourceLookup {
    fn path(&self, file: FileId) -> Option<&str>;
    fn text(&self, file: FileId) -> Option<&str>;
    fn line_index(&self, file: FileId) -> Option<&LineIndex>;
}

struct Adapter<'a, S: ?Sized>(&'a S);

impl<'a, S: SourceLookup + ?Sized> Files<'a> for Adapter<'a, S> {
    type FileId = FileId;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: FileId) -> Result<&'a str, files::Error> {
        self.0.path(id).ok_or(files::Error::FileMissing)
    }

    fn source(&'a self, id: FileId) -> Result<&'a str, files::Error> {
        self.0.text(id).ok_or(files::Error::FileMissing)
    }

    fn line_index(&'a self, id: FileId, byte_index: usize) -> Result<usize, files::Error> {
        let text = self.source(id)?;
        let index = self.0.line_index(id).ok_or(files::Error::FileMissing)?;
        Ok(index.utf16_position(text, byte_index).line as usize)
    }

    fn line_range(&'a self, id: FileId, line_index: usize) -> Result<Range<usize>, files::Error> {
        let text = self.source(id)?;
        let starts: Vec<usize> = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(at, _)| at + 1))
            .collect();
        let start = *starts.get(line_index).ok_or(files::Error::LineTooLarge {
            given: line_index,
            max: starts.len().saturating_sub(1),
        })?;
        let end = starts.get(line_index + 1).copied().unwrap_or(text.len());
        Ok(start..end)
    }
}

fn to_codespan(diagnostic: &Diagnostic) -> cs::Diagnostic<FileId> {
    let severity = match diagnostic.severity {
        Severity::Error => cs::Severity::Error,
        Severity::Warning => cs::Severity::Warning,
    };
    let labels = diagnostic
        .labels
        .iter()
        .map(|label| {
            let style = if label.primary {
                cs::LabelStyle::Primary
            } else {
                cs::LabelStyle::Secondary
            };
            cs::Label::new(style, label.file, label.span.range()).with_message(&label.message)
        })
        .collect();
    let mut notes: Vec<String> = diagnostic
        .notes
        .iter()
        .map(|note| format!("note: {note}"))
        .collect();
    if let Some(help) = &diagnostic.help {
        notes.push(format!("help: {help}"));
    }
    cs::Diagnostic::new(severity)
        .with_code(diagnostic.code.as_str())
        .with_message(&diagnostic.message)
        .with_labels(labels)
        .with_notes(notes)
}

/// Writes every diagnostic as codespan-reporting renders it for a terminal.
pub fn to_terminal(
    out: &mut dyn WriteColor,
    sources: &dyn SourceLookup,
    diagnostics: &[Diagnostic],
) -> std::io::Result<()> {
    let config = term::Config::default();
    let files = Adapter(sources);
    for diagnostic in diagnostics {
        term::emit_to_write_style(out, &config, &files, &to_codespan(diagnostic))
            .map_err(std::io::Error::other)?;
    }
    Ok(())
}

/// The same diagnostics as plain text without colour, as the golden tests record them.
pub fn to_plain_text(sources: &dyn SourceLookup, diagnostics: &[Diagnostic]) -> String {
    let mut buffer = term::termcolor::NoColor::new(Vec::new());
    // Writing into a Vec cannot fail.
    let _ = to_terminal(&mut buffer, sources, diagnostics);
    String::from_utf8_lossy(&buffer.into_inner()).into_owned()
}

/// One JSON object per diagnostic, for `--message-format json`. Lines and columns are
/// one-based; columns count UTF-16 code units.
pub fn to_json(sources: &dyn SourceLookup, diagnostic: &Diagnostic) -> serde_json::Value {
    let position = |file: FileId, offset: usize| {
        let text = sources.text(file).unwrap_or_default();
        sources
            .line_index(file)
            .map(|index| index.utf16_position(text, offset))
            .map(|at| serde_json::json!({ "line": at.line + 1, "column": at.col + 1 }))
    };
    let labels: Vec<serde_json::Value> = diagnostic
        .labels
        .iter()
        .map(|label| {
            serde_json::json!({
                "file": sources.path(label.file),
                "start": position(label.file, label.span.start as usize),
                "end": position(label.file, label.span.end as usize),
                "message": label.message,
                "primary": label.primary,
            })
        })
        .collect();
    serde_json::json!({
        "code": diagnostic.code.as_str(),
        "name": diagnostic.code.info().name,
        "severity": match diagnostic.severity { Severity::Error => "error", Severity::Warning => "warning" },
        "message": diagnostic.message,
        "labels": labels,
        "notes": diagnostic.notes,
        "help": diagnostic.help,
    })
}

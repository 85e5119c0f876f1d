//! The formatter behind `ragc fmt`: prints a file in its one canonical layout.
//!
//! The layout is computed from the syntax tree, not from the text, so that two spellings
//! of the same file print the same. What the tree does not keep is taken from the source:
//! literals are printed as written, `//` comments are put back before the node that
//! followed them or at the end of the line they trailed, and a blank line the user left
//! between two statements or fields is kept (one at most).
//!
//! The formatter refuses (returns `None`) rather than guess: a file with syntax errors is
//! never rewritten, and neither is one whose output would lose a comment or read as a
//! different tree.

mod exprs;
mod items;
mod printer;
mod trivia;

#[cfg(test)]
mod tests;

use super::ast::File;
use super::Parsed;
use crate::diagnostics::{Code, FileId};

/// The canonical layout of a file, or None when the file has syntax errors (the formatter
/// never rewrites a file it cannot fully parse).
pub fn format_source(text: &str) -> Option<String> {
    let parsed = parse(text)?;
    let comments = trivia::comments(text);
    let mut printer = printer::Printer::new(text, &comments);
    printer.file(&parsed);
    let formatted = printer.finish();
    // Safety nets: a bug in the printer must cost a refusal, never a comment or a change
    // of meaning in the user's file.
    let keeps_comments = comment_texts(&comments) == comment_texts(&trivia::comments(&formatted));
    let keeps_meaning = parse(&formatted).is_some_and(|again| same_tree(&parsed, &again));
    (keeps_comments && keeps_meaning).then_some(formatted)
}

/// The tree of a file without syntax errors.
fn parse(text: &str) -> Option<File> {
    let Parsed {
        file, diagnostics, ..
    } = super::parse(FileId(0), text);
    let clean = diagnostics
        .iter()
        .all(|diagnostic| diagnostic.code != Code::SyntaxError);
    clean.then_some(file)
}

/// The comments' texts, sorted: the multiset that formatting must preserve.
fn comment_texts(comments: &[trivia::Comment]) -> Vec<&str> {
    let mut texts: Vec<&str> = comments
        .iter()
        .map(|comment| comment.text.as_str())
        .collect();
    texts.sort_unstable();
    texts
}

/// Whether two trees are equal but for where their nodes are.
fn same_tree(a: &File, b: &File) -> bool {
    without_spans(&format!("{a:?}")) == without_spans(&format!("{b:?}"))
}

/// A tree's debug print with every `Span { start: N, end: M }` replaced by `Span`.
fn without_spans(debug: &str) -> String {
    const SPAN: &str = "Span { start: ";
    let mut out = String::with_capacity(debug.len());
    let mut rest = debug;
    while let Some(at) = rest.find(SPAN) {
        let (before, span) = rest.split_at(at);
        out.push_str(before);
        out.push_str("Span");
        rest = span
            .find('}')
            .map_or("", |close| span.get(close + 1..).unwrap_or(""));
    }
    out.push_str(rest);
    out
}

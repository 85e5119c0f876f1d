//! The output buffer of the formatter: indentation, line breaks, comments put back
//! where they were, and the alignment of `=` in runs of `key = value` lines.

use super::trivia::{self, Comment};
use crate::source::Span;
use crate::syntax::ast::{
    Argument, BlockEntry, Expr, FieldDecl, FieldInit, MatchArm, Stmt, Variant,
};

/// Spaces per indentation level.
pub(super) const INDENT: usize = 2;
/// The line width that one-line forms must fit in.
pub(super) const WIDTH: usize = 100;

pub(super) struct Printer<'a> {
    pub(super) text: &'a str,
    comments: &'a [Comment],
    /// The first comment not yet printed; comments are printed in source order.
    next_comment: usize,
    out: String,
    /// The indentation of the lines of the body being printed.
    pub(super) indent: usize,
    /// Nothing has been written on the current line yet, not even its indentation.
    at_line_start: bool,
    /// The current line ends with a comment, so whatever comes next needs a new line.
    pending_newline: bool,
    /// Nothing was printed since a body opened: a blank line here would be noise.
    fresh_body: bool,
    /// How many comments were printed on lines of their own, to see where runs end.
    own_line_comments: usize,
}

/// Where to pad a `key = value` line so that its `=` lines up with its neighbours'.
#[derive(Debug, Clone, Copy)]
pub(super) struct Align {
    /// Offset in the output just after the key.
    pub(super) at: usize,
    /// The key's width in characters.
    pub(super) width: usize,
}

/// The runs of aligned lines of one body, padded once the body is complete.
#[derive(Default)]
struct Alignment {
    run: Vec<Align>,
    pads: Vec<(usize, usize)>,
}

impl Alignment {
    fn push(&mut self, align: Align) {
        self.run.push(align);
    }

    fn end_run(&mut self) {
        let widest = self.run.iter().map(|align| align.width).max().unwrap_or(0);
        for align in self.run.drain(..) {
            if align.width < widest {
                self.pads.push((align.at, widest - align.width));
            }
        }
    }

    /// Inserts the padding, last first so that earlier offsets stay valid. Bodies nested
    /// in a value were padded before the next key was printed, so every offset recorded
    /// here still points just after its key.
    fn apply(mut self, out: &mut String) {
        self.end_run();
        self.pads.sort_by_key(|&(at, _)| std::cmp::Reverse(at));
        for (at, width) in self.pads {
            if out.is_char_boundary(at) {
                out.insert_str(at, &" ".repeat(width));
            }
        }
    }
}

/// Something printed one per line in a body: a statement, a field, a list item...
pub(super) trait Element {
    /// Where its first token starts, after any doc comment.
    fn start(&self, text: &str) -> usize;

    fn doc(&self) -> Option<&str> {
        None
    }
}

impl Element for Stmt {
    fn start(&self, text: &str) -> usize {
        // A statement's span starts at its doc comment.
        trivia::skip_trivia(text, start(self.span))
    }

    fn doc(&self) -> Option<&str> {
        self.doc.as_deref()
    }
}

impl Element for BlockEntry {
    fn start(&self, _: &str) -> usize {
        start(self.name().span)
    }
}

impl Element for FieldInit {
    fn start(&self, _: &str) -> usize {
        start(self.key.span)
    }

    fn doc(&self) -> Option<&str> {
        self.doc.as_deref()
    }
}

impl Element for FieldDecl {
    fn start(&self, _: &str) -> usize {
        start(self.name.span)
    }

    fn doc(&self) -> Option<&str> {
        self.doc.as_deref()
    }
}

impl Element for Variant {
    fn start(&self, _: &str) -> usize {
        start(self.name.span)
    }

    fn doc(&self) -> Option<&str> {
        self.doc.as_deref()
    }
}

impl Element for Expr {
    fn start(&self, _: &str) -> usize {
        start(self.span)
    }
}

impl Element for Argument {
    fn start(&self, _: &str) -> usize {
        start(self.name.as_ref().map_or(self.value.span, |name| name.span))
    }
}

impl Element for MatchArm {
    fn start(&self, _: &str) -> usize {
        start(self.pattern_span)
    }
}

pub(super) fn start(span: Span) -> usize {
    span.start as usize
}

pub(super) fn end(span: Span) -> usize {
    span.end as usize
}

/// The offset of the closing bracket of a node that ends with one.
pub(super) fn closing(span: Span) -> usize {
    end(span).saturating_sub(1)
}

pub(super) fn width(text: &str) -> usize {
    text.chars().count()
}

impl<'a> Printer<'a> {
    pub(super) fn new(text: &'a str, comments: &'a [Comment]) -> Printer<'a> {
        Printer {
            text,
            comments,
            next_comment: 0,
            out: String::new(),
            indent: 0,
            at_line_start: true,
            pending_newline: false,
            fresh_body: false,
            own_line_comments: 0,
        }
    }

    /// Prints the comments left at the end of the file and returns the text.
    pub(super) fn finish(mut self) -> String {
        self.open_line(usize::MAX);
        self.newline();
        self.out
    }

    /// The source text of a node, for literals that are printed as written.
    pub(super) fn source(&self, span: Span) -> &'a str {
        self.text.get(span.range()).unwrap_or("")
    }

    /// Whether the node was written on one line.
    pub(super) fn one_line(&self, span: Span) -> bool {
        !self.source(span).contains('\n')
    }

    pub(super) fn write(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        if self.pending_newline {
            self.out.push('\n');
            self.push_spaces(self.indent + INDENT);
        } else if self.at_line_start {
            self.push_spaces(self.indent);
        }
        self.pending_newline = false;
        self.at_line_start = false;
        self.fresh_body = false;
        self.out.push_str(text);
    }

    fn push_spaces(&mut self, count: usize) {
        self.out.extend(std::iter::repeat_n(' ', count));
    }

    /// Ends the current line, if anything was written on it.
    pub(super) fn newline(&mut self) {
        if (self.pending_newline || !self.at_line_start) && !self.out.is_empty() {
            self.out.push('\n');
        }
        self.pending_newline = false;
        self.at_line_start = true;
    }

    /// Ends the current line and leaves one blank line, unless a body just opened.
    pub(super) fn blank_line(&mut self) {
        if self.fresh_body || self.out.is_empty() {
            return;
        }
        self.newline();
        if !self.out.ends_with("\n\n") {
            self.out.push('\n');
        }
    }

    /// The column where the next write lands.
    fn column(&self) -> usize {
        if self.pending_newline {
            self.indent + INDENT
        } else if self.at_line_start {
            self.indent
        } else {
            width(self.out.rsplit('\n').next().unwrap_or(""))
        }
    }

    /// Whether `extra` more characters fit on the current line.
    pub(super) fn fits(&self, extra: usize) -> bool {
        self.column() + extra <= WIDTH
    }

    /// Whether a comment starts in `start..end`.
    pub(super) fn has_comment_in(&self, start: usize, end: usize) -> bool {
        let first = self
            .comments
            .partition_point(|comment| comment.start < start);
        self.comments
            .get(first)
            .is_some_and(|comment| comment.start < end)
    }

    /// Whether a comment not yet printed starts before `before`.
    pub(super) fn comment_pending_before(&self, before: usize) -> bool {
        self.comments
            .get(self.next_comment)
            .is_some_and(|comment| comment.start < before)
    }

    /// Prints the comment that trails the code just printed, if it comes before `before`.
    pub(super) fn flush_trailing(&mut self, before: usize) {
        let comments = self.comments;
        if let Some(comment) = comments.get(self.next_comment) {
            if comment.start < before && comment.trailing && self.can_trail() {
                self.next_comment += 1;
                self.emit(comment);
            }
        }
    }

    /// Prints every comment that comes before `before` in the source.
    pub(super) fn flush_before(&mut self, before: usize) {
        let comments = self.comments;
        while let Some(comment) = comments.get(self.next_comment) {
            if comment.start >= before {
                break;
            }
            self.next_comment += 1;
            self.emit(comment);
        }
    }

    /// Marks the comments before `before` as printed: they are inside a string literal's
    /// interpolation, which is printed as written.
    pub(super) fn skip_comments_before(&mut self, before: usize) {
        let comments = self.comments;
        while comments
            .get(self.next_comment)
            .is_some_and(|comment| comment.start < before)
        {
            self.next_comment += 1;
        }
    }

    fn can_trail(&self) -> bool {
        !self.at_line_start && !self.pending_newline
    }

    /// Drops the spaces that end the current line (the one after `=` or `+`, say),
    /// before a comment or a line break is put there.
    fn trim_line_end(&mut self) {
        while self.out.ends_with(' ') {
            self.out.pop();
        }
    }

    fn emit(&mut self, comment: &Comment) {
        if comment.trailing && self.can_trail() {
            self.trim_line_end();
            self.out.push(' ');
            self.out.push_str(&comment.text);
            self.pending_newline = true;
        } else if self.at_line_start {
            // Between the elements of a body: a line of its own at the body's indentation.
            if comment.blank_before {
                self.blank_line();
            }
            self.write(&comment.text);
            self.newline();
            self.own_line_comments += 1;
        } else {
            // Inside an expression: a line of its own, indented as a continuation.
            self.trim_line_end();
            self.out.push('\n');
            self.push_spaces(self.indent + INDENT);
            self.out.push_str(&comment.text);
            self.pending_newline = true;
            self.own_line_comments += 1;
        }
        self.fresh_body = false;
    }

    /// Ends the current line (after the comment trailing it) and prints the comments
    /// that stand on their own lines before `start`.
    pub(super) fn open_line(&mut self, start: usize) {
        self.flush_trailing(start);
        self.newline();
        self.flush_before(start);
    }

    /// Prints a doc comment, one `///` line per line of text.
    pub(super) fn docs(&mut self, doc: &str) {
        for line in doc.split('\n') {
            if line.is_empty() {
                self.write("///");
            } else {
                self.write(&format!("/// {line}"));
            }
            self.newline();
        }
    }

    /// Prints `open`, then `items` one per line, indented, each followed by `separator`,
    /// then `close`, whose source offset is `close_at`. Empty bodies print as `open close`
    /// on one line unless they hold comments.
    pub(super) fn bracketed<T: Element>(
        &mut self,
        (open, close): (&str, &str),
        close_at: usize,
        items: &[T],
        separator: &str,
        print: impl FnMut(&mut Self, &T) -> Option<Align>,
    ) {
        if items.is_empty() && !self.comment_pending_before(close_at) {
            self.write(open);
            self.write(close);
            return;
        }
        self.write(open);
        self.elements(items, close_at, separator, print);
        self.write(close);
    }

    /// The body of `bracketed`. `print` returns where to pad an element that is a
    /// `key = value` line; one-line such elements with nothing between them form a run
    /// whose `=` are aligned.
    fn elements<T: Element>(
        &mut self,
        items: &[T],
        close_at: usize,
        separator: &str,
        mut print: impl FnMut(&mut Self, &T) -> Option<Align>,
    ) {
        self.indent += INDENT;
        self.fresh_body = true;
        let mut alignment = Alignment::default();
        for item in items {
            let start = item.start(self.text);
            let comments_before = self.own_line_comments;
            self.open_line(start);
            let mut ends_run = self.own_line_comments != comments_before;
            if trivia::blank_before_leading(self.text, start) {
                self.blank_line();
                ends_run = true;
            }
            if let Some(doc) = item.doc() {
                self.docs(doc);
                ends_run = true;
            }
            if ends_run {
                alignment.end_run();
            }
            let from = self.out.len();
            let align = print(self, item);
            let one_line = !self.out.get(from..).unwrap_or("").contains('\n');
            match align {
                Some(align) if one_line => alignment.push(align),
                _ => alignment.end_run(),
            }
            self.write(separator);
        }
        self.open_line(close_at);
        self.indent = self.indent.saturating_sub(INDENT);
        alignment.apply(&mut self.out);
    }

    /// Prints `key` and `separator` (` = `, ` => `) and says where to pad the key; the
    /// caller prints the value.
    pub(super) fn aligned_key(&mut self, key: &str, separator: &str) -> Align {
        self.write(key);
        let align = Align {
            at: self.out.len(),
            width: width(key),
        };
        self.write(separator);
        align
    }
}

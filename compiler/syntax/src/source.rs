//! Source positions: byte spans inside one file, and the line index that turns a byte
//! offset into a line and a column counted in characters or in UTF-16 code units (what
//! editors speak).

use serde::{Deserialize, Serialize};

/// A half-open byte range `[start, end)` in one file's text.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span {
            start: offset(start),
            end: offset(end),
        }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    pub fn shifted(self, by: usize) -> Span {
        Span::new(self.start as usize + by, self.end as usize + by)
    }

    pub fn contains(self, offset: usize) -> bool {
        self.start as usize <= offset && offset <= self.end as usize
    }

    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// Files larger than 4 GiB are rejected when read, so offsets always fit.
fn offset(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

/// Where every line starts, to convert offsets to line/column pairs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineIndex {
    line_starts: Vec<usize>,
}

/// A zero-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineCol {
    pub line: u32,
    pub col: u32,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut line_starts = vec![0];
        // memchr: `str::match_indices` sets up a search per line, which on lines of a
        // few dozen bytes costs more than the search.
        line_starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|at| at + 1));
        LineIndex { line_starts }
    }

    fn line_of(&self, offset: usize) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next - 1,
        }
    }

    /// Zero-based line and UTF-16 column of a byte offset, as the LSP counts them.
    pub fn utf16_position(&self, text: &str, offset: usize) -> LineCol {
        let offset = clamp_to_char_boundary(text, offset);
        let line = self.line_of(offset);
        let start = self.line_starts[line];
        let col = text[start..offset]
            .chars()
            .map(char::len_utf16)
            .sum::<usize>();
        LineCol {
            line: offset_u32(line),
            col: offset_u32(col),
        }
    }

    /// The byte offset of a zero-based line and UTF-16 column; positions past the end
    /// of a line or of the file are clamped, as the LSP asks.
    pub fn offset_of_utf16(&self, text: &str, position: LineCol) -> usize {
        let Some(&start) = self.line_starts.get(position.line as usize) else {
            return text.len();
        };
        let end = self
            .line_starts
            .get(position.line as usize + 1)
            .map_or(text.len(), |next| next - 1);
        let mut units = 0usize;
        for (at, ch) in text[start..end].char_indices() {
            if units >= position.col as usize {
                return start + at;
            }
            units += ch.len_utf16();
        }
        end
    }
}

fn offset_u32(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

fn clamp_to_char_boundary(text: &str, mut offset: usize) -> usize {
    offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_columns_count_surrogate_pairs() {
        let text = "let a = \"é😀\"\nlet b = 1";
        let index = LineIndex::new(text);
        let after_emoji = text.find("\"\n").unwrap_or_default();
        assert_eq!(
            index.utf16_position(text, after_emoji),
            LineCol { line: 0, col: 12 }
        );
        assert_eq!(
            index.offset_of_utf16(text, LineCol { line: 0, col: 12 }),
            after_emoji
        );
        let b = text.rfind('b').unwrap_or_default();
        assert_eq!(index.utf16_position(text, b), LineCol { line: 1, col: 4 });
    }
}

//! The syntax layer: the pest grammar (`rag.pest`), the typed tree (`ast`), the parser
//! and the formatter. Parsing never fails: it returns every item it could read and a
//! diagnostic for each chunk it could not. This layer knows nothing of names, types,
//! salsa or the language server.

pub mod ast;
mod errors;
pub mod format;
mod parser;
mod shift;
mod split;

pub use shift::Shift;
pub use split::item_chunks;

use crate::diagnostics::{Diagnostic, FileId};

/// What the parser read of a file, and what it could not read.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    pub file: ast::File,
    pub diagnostics: Vec<Diagnostic>,
    /// Names of the items that failed to parse: uses of them elsewhere are not
    /// reported again as unknown.
    pub broken_names: Vec<String>,
}

/// Parses a whole file, item by item.
pub fn parse(file: FileId, text: &str) -> Parsed {
    parse_with(text, |chunk| parse_item(file, chunk))
}

/// The parse of a file whose item chunks `parse_chunk` parses (or takes from a store of
/// earlier parses).
pub fn parse_with(text: &str, mut parse_chunk: impl FnMut(&str) -> ParsedItem) -> Parsed {
    assemble(item_chunks(text).into_iter().map(|range| {
        let item = parse_chunk(&text[range.clone()]);
        (range.start, item)
    }))
}

/// The parse of a file made of its items' parses, each with the byte its chunk starts at.
pub fn assemble(items: impl IntoIterator<Item = (usize, ParsedItem)>) -> Parsed {
    let mut parsed = Parsed {
        file: ast::File::default(),
        diagnostics: Vec::new(),
        broken_names: Vec::new(),
    };
    for (offset, item) in items {
        parsed.push(item, offset);
    }
    parsed
}

/// What the parser read of one item chunk (see `item_chunks`), with spans counted from
/// the chunk's first byte.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedItem {
    pub item: Option<ast::Item>,
    pub diagnostics: Vec<Diagnostic>,
    /// The name the chunk declares, when it did not parse.
    pub broken_name: Option<String>,
}

/// Parses one item chunk on its own: an unchanged item gives an equal tree wherever it
/// sits in its file.
pub fn parse_item(file: FileId, chunk: &str) -> ParsedItem {
    let mut diagnostics = Vec::new();
    let item = parser::parse_chunk(file, chunk, &mut diagnostics);
    let broken_name = if item.is_none() {
        split::declared_name(chunk)
    } else {
        None
    };
    ParsedItem {
        item,
        diagnostics,
        broken_name,
    }
}

impl Parsed {
    /// Appends an item chunk parsed on its own, which starts at byte `offset`.
    fn push(&mut self, item: ParsedItem, offset: usize) {
        let by = u32::try_from(offset).unwrap_or(u32::MAX);
        if let Some(mut tree) = item.item {
            tree.shift(by);
            self.file.items.push(tree);
        }
        for mut diagnostic in item.diagnostics {
            diagnostic.shift(by);
            self.diagnostics.push(diagnostic);
        }
        self.broken_names.extend(item.broken_name);
    }
}

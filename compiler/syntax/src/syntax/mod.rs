//! The syntax layer: the pest grammar (`rag.pest`), the typed tree (`ast`), the parser
//! and the formatter. Parsing never fails: it returns every item it could read and a
//! diagnostic for each chunk it could not. This layer knows nothing of names, types,
//! salsa or the language server.

pub mod ast;
mod errors;
pub mod format;
mod parser;
mod split;

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
    let mut diagnostics = Vec::new();
    let mut items = Vec::new();
    let mut broken_names = Vec::new();
    for range in split::item_chunks(text) {
        let chunk = &text[range.clone()];
        match parser::parse_chunk(file, chunk, range.start, &mut diagnostics) {
            Some(item) => items.push(item),
            None => broken_names.extend(split::declared_name(chunk)),
        }
    }
    Parsed {
        file: ast::File { items },
        diagnostics,
        broken_names,
    }
}

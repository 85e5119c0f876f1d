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
}

/// Parses a whole file, item by item.
pub fn parse(file: FileId, text: &str) -> Parsed {
    let mut diagnostics = Vec::new();
    let mut items = Vec::new();
    for range in split::item_chunks(text) {
        let chunk = &text[range.clone()];
        if let Some(item) = parser::parse_chunk(file, chunk, range.start, &mut diagnostics) {
            items.push(item);
        }
    }
    Parsed {
        file: ast::File { items },
        diagnostics,
    }
}

//! The standard library's `.rag` sources and the syntax trees of their items, embedded at
//! build time by `build.rs`.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::syntax::{ast, Parsed, ParsedItem};

/// One file of the standard library.
pub struct EmbeddedFile {
    /// The path relative to `stdlib/`, e.g. `vpc.rag`.
    pub name: &'static str,
    pub text: &'static str,
    /// The trees of the item chunks (`Option<Item>`: `None` for a chunk of comments),
    /// in postcard's form, one after the other.
    pub trees: &'static [u8],
    /// For each item chunk: where it is in `text` and its tree in `trees`
    /// (text start, text end, tree start, tree end).
    pub items: &'static [(usize, usize, usize, usize)],
    /// The tree of the whole file (`ast::File`) in postcard's form: the items' trees
    /// moved into place.
    pub file_tree: &'static [u8],
}

include!(concat!(env!("OUT_DIR"), "/stdlib_files.rs"));

/// The embedded file `name`.
pub fn file(name: &str) -> Option<&'static EmbeddedFile> {
    FILES.iter().find(|file| file.name == name)
}

/// The parse of a whole file of the standard library, read from the store when `text` is
/// the text of one. The standard library has no syntax errors (they fail the build), so
/// the parse has no diagnostics.
pub fn stored_file(text: &str) -> Option<Parsed> {
    let embedded = FILES.iter().find(|file| file.text == text)?;
    Some(Parsed {
        file: postcard::from_bytes(embedded.file_tree).ok()?,
        diagnostics: Vec::new(),
        broken_names: Vec::new(),
    })
}

/// The tree of an item chunk of the standard library, read from the store when `chunk`
/// is the text of one (in whichever file: the same text gives the same tree).
pub fn stored_item(chunk: &str) -> Option<ParsedItem> {
    static BY_TEXT: OnceLock<HashMap<&'static str, &'static [u8]>> = OnceLock::new();
    let by_text = BY_TEXT.get_or_init(|| {
        let mut by_text = HashMap::new();
        for file in FILES {
            for &(text_start, text_end, tree_start, tree_end) in file.items {
                let text = file.text.get(text_start..text_end).unwrap_or_default();
                let tree = file.trees.get(tree_start..tree_end).unwrap_or_default();
                by_text.insert(text, tree);
            }
        }
        by_text
    });
    let item: Option<ast::Item> = postcard::from_bytes(by_text.get(chunk)?).ok()?;
    Some(ParsedItem {
        item,
        diagnostics: Vec::new(),
        broken_name: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::FileId;
    use crate::syntax::{item_chunks, parse_item};

    #[test]
    fn stored_trees_are_the_parses_of_the_embedded_items() {
        assert!(!FILES.is_empty());
        for embedded in FILES {
            let chunks = item_chunks(embedded.text);
            assert_eq!(chunks.len(), embedded.items.len(), "{}", embedded.name);
            for range in chunks {
                let chunk = &embedded.text[range];
                assert_eq!(
                    stored_item(chunk),
                    Some(parse_item(FileId(0), chunk)),
                    "{}",
                    embedded.name
                );
            }
        }
    }

    #[test]
    fn stored_files_are_the_parses_of_the_embedded_files() {
        for file in FILES {
            let parsed = crate::syntax::parse_with(file.text, |chunk| parse_item(FileId(0), chunk));
            assert_eq!(stored_file(file.text), Some(parsed), "{}", file.name);
        }
        assert_eq!(stored_file("let a = 1\n"), None);
    }

    /// The database skips these checks (`db::Database::item_diagnostics`).
    #[test]
    fn embedded_items_pass_their_checks_against_the_embedded_schema() {
        let stdlib = crate::program::Stdlib::Embedded;
        let sources = crate::program::DiskSources {
            stdlib: stdlib.clone(),
        };
        let program = crate::program::Program::load(&sources, &stdlib, &[]);
        assert!(program.files.len() >= 8 && program.files.iter().all(|f| f.is_stdlib));
        let schema = crate::schema::ProviderSchema::embedded();
        let found = crate::check::check_items(&program, schema);
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn other_texts_are_not_in_the_store() {
        assert_eq!(stored_item("let answer = 42\n"), None);
    }
}

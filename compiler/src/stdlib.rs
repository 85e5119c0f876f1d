//! The standard library's `.rag` sources and their syntax trees, embedded at build time
//! by `build.rs`.

use crate::diagnostics::FileId;
use crate::syntax::{ast, Parsed};

/// One file of the standard library.
pub struct EmbeddedFile {
    /// The path relative to `stdlib/`, e.g. `vpc.rag`.
    pub name: &'static str,
    pub text: &'static str,
    /// The syntax tree of `text`, in postcard's form.
    pub tree: &'static [u8],
}

include!(concat!(env!("OUT_DIR"), "/stdlib_files.rs"));

/// The embedded file `name`.
pub fn file(name: &str) -> Option<&'static EmbeddedFile> {
    FILES.iter().find(|file| file.name == name)
}

/// The parse of `text` read from the tree stored at build time, when `text` is the text
/// of the embedded file `name` (a `--stdlib` folder may hold other texts). The build
/// script accepts only files without syntax errors, so the parse has no diagnostics.
pub fn stored_parse(name: &str, text: &str) -> Option<Parsed> {
    let embedded = file(name).filter(|embedded| embedded.text == text)?;
    let file: ast::File = postcard::from_bytes(embedded.tree).ok()?;
    Some(Parsed {
        file,
        diagnostics: Vec::new(),
        broken_names: Vec::new(),
    })
}

/// What `parse(file, text)` gives, for any file.
pub(crate) fn parse(file: FileId, path: &str, text: &str) -> Parsed {
    path.strip_prefix(crate::program::STDLIB_PREFIX)
        .and_then(|name| stored_parse(name, text))
        .unwrap_or_else(|| crate::syntax::parse(file, text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_trees_are_the_parses_of_the_embedded_texts() {
        assert!(!FILES.is_empty());
        for embedded in FILES {
            let fresh = crate::syntax::parse(FileId(0), embedded.text);
            assert_eq!(
                stored_parse(embedded.name, embedded.text),
                Some(fresh),
                "{}",
                embedded.name
            );
        }
    }

    #[test]
    fn other_texts_under_a_stdlib_name_are_parsed() {
        let text = "let answer = 42\n";
        assert_eq!(stored_parse("vpc.rag", text), None);
        let parsed = parse(FileId(3), "<stdlib>/vpc.rag", text);
        assert_eq!(parsed, crate::syntax::parse(FileId(3), text));
    }
}

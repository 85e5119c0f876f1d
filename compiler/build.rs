//! Embeds the standard library (`../stdlib/**/*.rag`) in the binary, so that `ragc` works
//! from any folder, together with its syntax trees: each item is parsed here, once, and
//! its tree stored in postcard's binary form, so that a compilation reads the standard
//! library's trees instead of parsing about a thousand lines every time. A syntax error
//! in the standard library therefore fails the build of `ragc`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use ragc_syntax::diagnostics::FileId;
use ragc_syntax::source::LineIndex;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../stdlib");
    println!("cargo:rerun-if-changed={}", root.display());
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_default());
    let mut files = Vec::new();
    collect(&root, &mut files);
    files.sort();
    let mut code = String::from("pub static FILES: &[EmbeddedFile] = &[\n");
    for path in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        let name = path
            .strip_prefix(&root)
            .map(|relative| relative.to_string_lossy().replace('\\', "/"))
            .unwrap_or_default();
        let text = std::fs::read_to_string(path)
            .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
        let trees_path = out_dir.join(format!("{}.ast", name.replace('/', "__")));
        let (trees, items) = syntax_trees(path, &text);
        write(&trees_path, &trees);
        let _ = writeln!(
            code,
            "    EmbeddedFile {{ name: {name:?}, text: include_str!({:?}), trees: include_bytes!({:?}), items: &{items:?} }},",
            path.display().to_string(),
            trees_path.display().to_string(),
        );
    }
    code.push_str("];\n");
    write(&out_dir.join("stdlib_files.rs"), code.as_bytes());
}

/// Where an item chunk's text and tree are: (text start, text end, tree start, tree end).
type ChunkPlace = (usize, usize, usize, usize);

/// The trees of the file's item chunks in postcard's form (`Option<Item>`), one after
/// the other, and where each chunk's text and tree are. Panics
/// (failing the build) with the standard library's syntax errors, if it has any.
fn syntax_trees(path: &Path, text: &str) -> (Vec<u8>, Vec<ChunkPlace>) {
    let mut trees = Vec::new();
    let mut items = Vec::new();
    let mut errors = String::new();
    for range in ragc_syntax::syntax::item_chunks(text) {
        let parsed = ragc_syntax::syntax::parse_item(FileId(0), &text[range.clone()]);
        for diagnostic in &parsed.diagnostics {
            let offset = range.start
                + diagnostic
                    .labels
                    .first()
                    .map_or(0, |label| label.span.start as usize);
            let at = LineIndex::new(text).utf16_position(text, offset);
            let _ = writeln!(
                errors,
                "{}:{}:{}: {}",
                path.display(),
                at.line + 1,
                at.col + 1,
                diagnostic.message
            );
        }
        // A chunk of comments only has no item; it is stored as such.
        let start = trees.len();
        let tree = postcard::to_allocvec(&parsed.item)
            .unwrap_or_else(|error| panic!("cannot serialize {}: {error}", path.display()));
        trees.extend_from_slice(&tree);
        items.push((range.start, range.end, start, trees.len()));
    }
    if !errors.is_empty() {
        panic!("the standard library does not parse:\n{errors}");
    }
    (trees, items)
}

fn write(path: &Path, bytes: &[u8]) {
    if let Err(error) = std::fs::write(path, bytes) {
        panic!("cannot write {}: {error}", path.display());
    }
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            println!("cargo:rerun-if-changed={}", path.display());
            collect(&path, files);
        } else if path.extension().is_some_and(|ext| ext == "rag") {
            files.push(path);
        }
    }
}

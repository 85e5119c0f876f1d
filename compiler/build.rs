//! Embeds the standard library (`../stdlib/**/*.rag`) in the binary, so that `ragc` works
//! from any folder, together with its syntax trees: each file is parsed here, once, and
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
        let tree = out_dir.join(format!("{}.ast", name.replace('/', "__")));
        write(&tree, &syntax_tree(path, &text));
        let _ = writeln!(
            code,
            "    EmbeddedFile {{ name: {name:?}, text: include_str!({:?}), tree: include_bytes!({:?}) }},",
            path.display().to_string(),
            tree.display().to_string(),
        );
    }
    code.push_str("];\n");
    write(&out_dir.join("stdlib_files.rs"), code.as_bytes());
}

/// The file's syntax tree in postcard's form; panics (failing the build) with the
/// standard library's syntax errors, if it has any.
fn syntax_tree(path: &Path, text: &str) -> Vec<u8> {
    let parsed = ragc_syntax::syntax::parse(FileId(0), text);
    if !parsed.diagnostics.is_empty() {
        let lines = LineIndex::new(text);
        let mut report = String::new();
        for diagnostic in &parsed.diagnostics {
            let at = diagnostic
                .labels
                .first()
                .map(|label| lines.utf16_position(text, label.span.start as usize));
            let (line, col) = at.map_or((0, 0), |at| (at.line + 1, at.col + 1));
            let _ = writeln!(
                report,
                "{}:{line}:{col}: {}",
                path.display(),
                diagnostic.message
            );
        }
        panic!("the standard library does not parse:\n{report}");
    }
    postcard::to_allocvec(&parsed.file)
        .unwrap_or_else(|error| panic!("cannot serialize {}: {error}", path.display()))
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

//! Embeds the standard library (`../stdlib/**/*.rag`) in the binary, so that `ragc` works
//! from any folder, together with its syntax trees: each item is parsed here, once, and
//! its tree stored in postcard's binary form, so that a compilation reads the standard
//! library's trees instead of parsing about a thousand lines every time. A syntax error
//! in the standard library therefore fails the build of `ragc`.
//!
//! The AWS provider schema (`../stdlib/aws/provider-schema.json`) is embedded the same
//! way: each resource and data source entry decoded here (`ragc_schema_model`) and stored,
//! so that a compilation reads the stored blocks it needs instead of decoding their JSON.
//! An entry that does not decode fails the build.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use ragc_schema_model::SchemaDocument;
use serde_json::value::RawValue;

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
        // The whole file's tree too: what the items' trees moved into place give.
        let file_tree_path = out_dir.join(format!("{}.file.ast", name.replace('/', "__")));
        let parsed = ragc_syntax::syntax::parse_with(&text, |chunk| {
            ragc_syntax::syntax::parse_item(FileId(0), chunk)
        });
        let file_tree = postcard::to_allocvec(&parsed.file)
            .unwrap_or_else(|error| panic!("cannot serialize {}: {error}", path.display()));
        write(&file_tree_path, &file_tree);
        let _ = writeln!(
            code,
            "    EmbeddedFile {{ name: {name:?}, text: include_str!({:?}), trees: include_bytes!({:?}), items: &{items:?}, file_tree: include_bytes!({:?}) }},",
            path.display().to_string(),
            trees_path.display().to_string(),
            file_tree_path.display().to_string(),
        );
    }
    code.push_str("];\n");
    write(&out_dir.join("stdlib_files.rs"), code.as_bytes());
    store_schema(&root.join("aws/provider-schema.json"), &out_dir);
}

/// Decodes and stores every entry of the AWS provider of the schema document at `path`:
/// writes the stored blocks one after the other (`schema.bin`) and `schema_store.rs`,
/// which says where each one is.
fn store_schema(path: &Path, out_dir: &Path) {
    println!("cargo:rerun-if-changed={}", path.display());
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
    let document: SchemaDocument = serde_json::from_str(&text)
        .unwrap_or_else(|error| panic!("{} is not a schema document: {error}", path.display()));
    let Some((source, provider)) = document
        .provider_schemas
        .iter()
        .find(|(source, _)| source.ends_with("/aws"))
    else {
        panic!("{} has no AWS provider", path.display());
    };
    let mut blob = Vec::new();
    let mut store = |name: &str, entry: &RawValue| -> (usize, usize) {
        let block = ragc_schema_model::decode_entry(entry.get())
            .and_then(|block| ragc_schema_model::store(&block))
            .unwrap_or_else(|error| panic!("{}: `{name}`: {error}", path.display()));
        let start = blob.len();
        blob.extend_from_slice(&block);
        (start, blob.len())
    };
    let mut code = format!("pub(super) const SOURCE: &str = {source:?};\n");
    let provider_place = provider.provider.map(|entry| store("provider", entry));
    let _ = writeln!(
        code,
        "pub(super) const PROVIDER: Option<(usize, usize)> = {provider_place:?};"
    );
    for (table, entries) in [
        ("RESOURCES", &provider.resource_schemas),
        ("DATA_SOURCES", &provider.data_source_schemas),
    ] {
        let _ = writeln!(
            code,
            "pub(super) const {table}: &[(&str, usize, usize)] = &["
        );
        for (name, entry) in entries {
            let (start, end) = store(name, entry);
            let _ = writeln!(code, "    ({name:?}, {start}, {end}),");
        }
        code.push_str("];\n");
    }
    let blob_path = out_dir.join("schema.bin");
    write(&blob_path, &blob);
    let _ = writeln!(
        code,
        "pub(super) static BLOB: &[u8] = include_bytes!({:?});",
        blob_path.display().to_string()
    );
    write(&out_dir.join("schema_store.rs"), code.as_bytes());
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

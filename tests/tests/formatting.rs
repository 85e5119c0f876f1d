//! The sources shipped with ragc are in the canonical layout of `ragc fmt`, and the
//! formatter leaves their meaning unchanged: the real stacks still equal their goldens
//! (checked by `stacks.rs`) after formatting.

use std::path::Path;

use ragc::syntax::format::format_source;

fn rag_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map(|entries| entries.flatten().map(|entry| entry.path()).collect())
        .unwrap_or_default();
    files.retain(|path| path.extension().is_some_and(|ext| ext == "rag"));
    files.sort();
    files
}

#[test]
fn standard_library_and_environments_are_formatted() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = rag_files(&root.join("stdlib"));
    files.extend(rag_files(&root.join("envs")));
    assert!(
        files.len() >= 10,
        "expected the stdlib and envs files, found {}",
        files.len()
    );
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        let formatted = format_source(&text);
        assert_eq!(
            formatted.as_deref(),
            Some(text.as_str()),
            "{} is not formatted: run `ragc fmt`",
            file.display()
        );
    }
}

//! Feature tests as data: every `tests/cases/ide/<feature>/<name>.rag` holds one or
//! more source files and a cursor (`$0`); `<name>.expected` beside it holds what the
//! feature answers there, rendered as text. The features are called directly
//! (`ragc::ide`), without a server.
//!
//! Layout of a case file:
//!
//! ```text
//! // Free text before the first file: what the case checks.
//! // rename: new_name            (options, as `// key: value` lines)
//! //- /ws/envs/prod.rag          (a file, by absolute path; the next `//-` starts another)
//! env prod = fargate_rag {
//!   nat = $0
//! }
//! ```
//!
//! To write or update the expected files: `RAGC_BLESS=1 cargo test -p ragc-lsp --test ide_cases`
//! (or `RAGC_BLESS=1 cargo test --workspace`, for every expected file), then review the diff.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use ragc::db::Database;
use ragc::diagnostics::FileId;
use ragc::ide::{Analysis, Location, Symbol};
use ragc::program::{Program, Stdlib};
use ragc::schema::ProviderSchema;
use ragc::source::LineIndex;

const CURSOR: &str = "$0";

struct Case {
    /// The header's `// key: value` options.
    options: Vec<(String, String)>,
    files: Vec<(String, String)>,
    /// The file holding the cursor, and the cursor's byte offset in it.
    cursor: Option<(String, usize)>,
}

fn parse_case(text: &str) -> Case {
    let mut options = Vec::new();
    let mut files: Vec<(String, String)> = Vec::new();
    for line in text.split_inclusive('\n') {
        if let Some(path) = line.strip_prefix("//- ") {
            files.push((path.trim().to_string(), String::new()));
            continue;
        }
        match files.last_mut() {
            Some((_, content)) => content.push_str(line),
            None => {
                let option = line.trim().strip_prefix("//").unwrap_or("").trim();
                if let Some((key, value)) = option.split_once(':') {
                    if !key.contains(' ') {
                        options.push((key.trim().to_string(), value.trim().to_string()));
                    }
                }
            }
        }
    }
    let mut cursor = None;
    for (path, content) in &mut files {
        if let Some(at) = content.find(CURSOR) {
            content.replace_range(at..at + CURSOR.len(), "");
            cursor = Some((path.clone(), at));
        }
    }
    Case {
        options,
        files,
        cursor,
    }
}

struct Loaded {
    program: Program,
    known_files: Vec<String>,
}

/// Loads a case's files. The database is shared by all cases, so the standard library
/// is parsed once; the files of the previous case are released first.
fn load(db: &mut Database, previous: &mut Vec<String>, case: &Case) -> Loaded {
    for path in previous.drain(..) {
        db.release_file(&path);
    }
    for (path, content) in &case.files {
        db.set_file(path, Arc::from(content.as_str()));
        previous.push(path.clone());
    }
    let roots: Vec<String> = case.files.iter().map(|(path, _)| path.clone()).collect();
    let program = Program::load(&*db, &Stdlib::Embedded, &roots);
    Loaded {
        program,
        known_files: roots,
    }
}

fn option<'c>(case: &'c Case, key: &str) -> Option<&'c str> {
    case.options
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, value)| value.as_str())
}

/// `path:line:column-line:column` (one-based) and the text there.
fn render_location(program: &Program, location: &Location) -> String {
    let file = program.file(location.file);
    let index = LineIndex::new(&file.text);
    let start = index.utf16_position(&file.text, location.span.start as usize);
    let end = index.utf16_position(&file.text, location.span.end as usize);
    let text = file.text.get(location.span.range()).unwrap_or("");
    format!(
        "{}:{}:{}-{}:{} `{}`",
        file.path,
        start.line + 1,
        start.col + 1,
        end.line + 1,
        end.col + 1,
        text.lines().next().unwrap_or("")
    )
}

fn render_symbols(symbols: &[Symbol], depth: usize, out: &mut String) {
    for symbol in symbols {
        let detail = symbol
            .detail
            .as_deref()
            .map(|d| format!(" : {d}"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "{}{:?} {}{detail}",
            "  ".repeat(depth),
            symbol.kind,
            symbol.name
        );
        render_symbols(&symbol.children, depth + 1, out);
    }
}

struct Runner {
    db: Database,
    previous: Vec<String>,
}

fn run_case(runner: &mut Runner, feature: &str, case: &Case) -> String {
    let loaded = load(&mut runner.db, &mut runner.previous, case);
    let schema = ProviderSchema::embedded();
    let analysis = Analysis {
        program: &loaded.program,
        schema,
        known_files: &loaded.known_files,
        values: None,
        stdlib_editable: false,
    };
    let cursor = case.cursor.as_ref().and_then(|(path, offset)| {
        loaded
            .program
            .file_by_path(path)
            .map(|file| (file, *offset))
    });
    let mut out = String::new();
    let need_cursor = || cursor.unwrap_or_else(|| panic!("the case has no cursor ({CURSOR})"));
    match feature {
        "completion" => {
            let (file, offset) = need_cursor();
            let completions = analysis.completions(file, offset);
            if completions.incomplete {
                out.push_str("(incomplete)\n");
            }
            for item in completions.items {
                let detail = item.detail.map(|d| format!(" — {d}")).unwrap_or_default();
                let _ = writeln!(out, "{} ({}){detail}", item.label, item.kind.as_str());
            }
        }
        "hover" => {
            let (file, offset) = need_cursor();
            match analysis.hover(file, offset) {
                Some(hover) => {
                    let location = Location {
                        file,
                        span: hover.span,
                    };
                    let _ = writeln!(
                        out,
                        "{}\n\n{}",
                        render_location(&loaded.program, &location),
                        hover.markdown
                    );
                }
                None => out.push_str("(no hover)\n"),
            }
        }
        "definition" => {
            let (file, offset) = need_cursor();
            for location in analysis.definition(file, offset) {
                let _ = writeln!(out, "{}", render_location(&loaded.program, &location));
            }
        }
        "references" => {
            let (file, offset) = need_cursor();
            let include = option(case, "include_declaration") != Some("false");
            for location in analysis.references(file, offset, include) {
                let _ = writeln!(out, "{}", render_location(&loaded.program, &location));
            }
        }
        "rename" => {
            let (file, offset) = need_cursor();
            let new_name = option(case, "rename").unwrap_or("renamed");
            match analysis.rename(file, offset, new_name) {
                Ok(edits) => {
                    // Each edited file, after the edits.
                    let mut by_file: Vec<(FileId, Vec<ragc::ide::FileEdit>)> = Vec::new();
                    for edit in edits {
                        match by_file.iter_mut().find(|(f, _)| *f == edit.file) {
                            Some((_, list)) => list.push(edit),
                            None => by_file.push((edit.file, vec![edit])),
                        }
                    }
                    for (file, mut edits) in by_file {
                        let mut text = loaded.program.file(file).text.to_string();
                        edits.sort_by_key(|edit| std::cmp::Reverse(edit.span.start));
                        for edit in &edits {
                            text.replace_range(edit.span.range(), &edit.new_text);
                        }
                        let _ = write!(
                            out,
                            "//- {} ({} edits)\n{text}",
                            loaded.program.file(file).path,
                            edits.len()
                        );
                    }
                }
                Err(error) => {
                    let _ = writeln!(out, "refused: {error}");
                }
            }
        }
        "symbols" => {
            let file = match &case.cursor {
                Some((path, _)) => loaded.program.file_by_path(path),
                None => case
                    .files
                    .first()
                    .and_then(|(path, _)| loaded.program.file_by_path(path)),
            };
            let file = file.unwrap_or_else(|| panic!("the case has a file"));
            let symbols = ragc::ide::document_symbols(&loaded.program.file(file).parsed.file);
            render_symbols(&symbols, 0, &mut out);
        }
        other => panic!("unknown feature folder `{other}`"),
    }
    if out.is_empty() {
        out.push_str("(nothing)\n");
    }
    out
}

fn cases_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/cases/ide")
}

#[test]
fn ide_cases_match_their_expected_files() {
    // The variable of every golden test of the workspace (`ragc_tests::BLESS_VARIABLE`).
    let update = std::env::var("RAGC_BLESS").is_ok_and(|value| value == "1");
    let mut runner = Runner {
        db: Database::new(Stdlib::Embedded),
        previous: Vec::new(),
    };
    let mut failures = Vec::new();
    let mut count = 0;
    let mut features: Vec<PathBuf> = std::fs::read_dir(cases_root())
        .expect("tests/cases/ide exists")
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.is_dir())
        .collect();
    features.sort();
    for feature_dir in features {
        let feature = feature_dir
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut inputs: Vec<PathBuf> = std::fs::read_dir(&feature_dir)
            .expect("a feature folder is readable")
            .flatten()
            .map(|entry| entry.path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "rag"))
            .collect();
        inputs.sort();
        for input in inputs {
            count += 1;
            let text = std::fs::read_to_string(&input).expect("a case is readable");
            let case = parse_case(&text);
            let actual = run_case(&mut runner, &feature, &case);
            assert!(
                !actual.contains("panicked"),
                "{}: {actual}",
                input.display()
            );
            let expected_path = input.with_extension("expected");
            let expected = std::fs::read_to_string(&expected_path).ok();
            if expected.as_deref() != Some(actual.as_str()) {
                let expected = expected.unwrap_or_default();
                if update {
                    std::fs::write(&expected_path, &actual).expect("the expected file is writable");
                } else {
                    failures.push(format!(
                        "{}:\n--- expected\n{expected}\n--- actual\n{actual}",
                        input.display()
                    ));
                }
            }
        }
    }
    assert!(count > 0, "no cases found under {}", cases_root().display());
    assert!(
        failures.is_empty(),
        "{} of {count} cases differ (RAGC_BLESS=1 rewrites them):\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

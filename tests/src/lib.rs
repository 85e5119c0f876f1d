//! Support for ragc's golden tests: compile a case the way `ragc build` does and render
//! what a user would see (diagnostics as the terminal shows them, stacks as written),
//! and compare it with the expected files, or rewrite them when `RAGC_BLESS=1`.

use std::path::{Path, PathBuf};

use ragc::compile::{compile, Compilation, Options};
use ragc::diagnostics::render;
use ragc::program::Stdlib;
use ragc::schema::ProviderSchema;

/// Set to `1` to rewrite expected files from the current output instead of comparing.
pub const BLESS_VARIABLE: &str = "RAGC_BLESS";

pub fn blessing() -> bool {
    std::env::var(BLESS_VARIABLE).is_ok_and(|value| value == "1")
}

/// Compiles `roots` with the embedded standard library and schema, evaluating on `jobs`
/// threads.
pub fn compile_files(roots: &[PathBuf], jobs: usize) -> Compilation {
    let stdlib = Stdlib::Embedded;
    // The salsa database, as `ragc` and the language server use it.
    let sources = ragc::db::Database::new(stdlib.clone());
    let options = Options {
        emit: true,
        jobs,
        ..Options::new(stdlib, ProviderSchema::embedded())
    };
    let roots: Vec<String> = roots
        .iter()
        .map(|path| path.to_string_lossy().replace('\\', "/"))
        .collect();
    compile(&sources, &options, &roots)
}

/// What `ragc check` prints for a compilation: every diagnostic, then the summary line.
pub fn rendered_diagnostics(compilation: &Compilation) -> String {
    let mut text = render::to_plain_text(&compilation.program, &compilation.diagnostics);
    let errors = compilation
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .count();
    if errors > 0 {
        text.push_str(&format!(
            "exit status 1: {errors} error(s), nothing written\n"
        ));
    } else {
        text.push_str("exit status 0\n");
    }
    text
}

/// Compares `actual` with the file at `expected`, or writes it when blessing. The
/// message of a mismatch shows a line diff.
pub fn check_golden(expected: &Path, actual: &str) -> Result<(), String> {
    if actual.contains("panicked") {
        return Err(format!(
            "{}: the output mentions a panic:\n{actual}",
            expected.display()
        ));
    }
    if blessing() {
        if let Some(parent) = expected.parent() {
            std::fs::create_dir_all(parent).map_err(|error| error.to_string())?;
        }
        return std::fs::write(expected, actual)
            .map_err(|error| format!("{}: {error}", expected.display()));
    }
    let wanted = std::fs::read_to_string(expected).map_err(|error| {
        format!(
            "{}: {error}; run with {BLESS_VARIABLE}=1 to create it, then read it",
            expected.display()
        )
    })?;
    if wanted.contains("panicked") {
        return Err(format!(
            "{}: the expected output mentions a panic",
            expected.display()
        ));
    }
    if wanted == actual {
        return Ok(());
    }
    Err(format!(
        "{} differs (- expected, + actual):\n{}",
        expected.display(),
        line_diff(&wanted, actual)
    ))
}

/// A minimal line diff: the first differing region with a few lines of context.
fn line_diff(expected: &str, actual: &str) -> String {
    let old: Vec<&str> = expected.lines().collect();
    let new: Vec<&str> = actual.lines().collect();
    let prefix = old.iter().zip(&new).take_while(|(a, b)| a == b).count();
    let suffix = old[prefix..]
        .iter()
        .rev()
        .zip(new[prefix..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let mut out = String::new();
    for line in &old[prefix.saturating_sub(3)..prefix] {
        out.push_str(&format!("  {line}\n"));
    }
    for line in &old[prefix..old.len() - suffix] {
        out.push_str(&format!("- {line}\n"));
    }
    for line in &new[prefix..new.len() - suffix] {
        out.push_str(&format!("+ {line}\n"));
    }
    out
}

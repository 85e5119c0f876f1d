//! The golden tests: every `.rag` file (or folder with a `main.rag`) under `cases/` is
//! compiled like `ragc build` would; its diagnostics, rendered exactly as the terminal
//! shows them, must equal `NAME.out` beside it, and each stack it builds must equal the
//! files under `NAME.stacks/ENV/`. `RAGC_BLESS=1 cargo test -p ragc-tests --test golden`
//! rewrites the expected files; read the diff before committing it.

use std::path::{Path, PathBuf};

use libtest_mimic::{Arguments, Failed, Trial};
use ragc_tests::{check_golden, compile_files, rendered_diagnostics};

fn main() {
    let arguments = Arguments::from_args();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut cases = Vec::new();
    collect_cases(&root.join("cases"), &mut cases);
    cases.sort();
    let trials = cases
        .into_iter()
        .map(|case| {
            let name = case
                .strip_prefix(root.join("cases"))
                .map(|relative| {
                    relative
                        .with_extension("")
                        .to_string_lossy()
                        .replace('\\', "/")
                })
                .unwrap_or_default();
            Trial::test(name, move || run_case(&case))
        })
        .collect();
    libtest_mimic::run(&arguments, trials).exit();
}

/// A case is a `.rag` file, or a folder holding `main.rag` (for several files).
fn collect_cases(dir: &Path, cases: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            // `cases/ide/` holds the language server's feature fixtures, run by the lsp crate.
            if path.file_name().is_some_and(|name| name == "ide") {
                continue;
            }
            if path.join("main.rag").is_file() {
                cases.push(path);
            } else if path.extension().is_none_or(|ext| ext != "stacks") {
                collect_cases(&path, cases);
            }
        } else if path.extension().is_some_and(|ext| ext == "rag") {
            cases.push(path);
        }
    }
}

fn run_case(case: &Path) -> Result<(), Failed> {
    let root_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let source = if case.is_dir() {
        case.join("main.rag")
    } else {
        case.to_path_buf()
    };
    // Paths relative to the tests package, so that goldens do not depend on the clone.
    let relative = source
        .strip_prefix(root_dir)
        .unwrap_or(&source)
        .to_path_buf();
    let compilation = std::env::set_current_dir(root_dir)
        .map(|()| compile_files(&[relative], 2))
        .map_err(|error| Failed::from(error.to_string()))?;
    let base = case.with_extension("");
    let out = PathBuf::from(format!("{}.out", base.display()));
    check_golden(&out, &rendered_diagnostics(&compilation))?;
    let stacks_dir = PathBuf::from(format!("{}.stacks", base.display()));
    if ragc_tests::blessing() && stacks_dir.exists() {
        // Rewritten from scratch, so that stacks the case no longer builds disappear.
        std::fs::remove_dir_all(&stacks_dir).map_err(|error| Failed::from(error.to_string()))?;
    }
    for stack in &compilation.stacks {
        for file in &stack.files {
            check_golden(
                &stacks_dir.join(&stack.name).join(file.name),
                &file.contents,
            )?;
        }
    }
    if compilation.stacks.is_empty() && stacks_dir.exists() {
        return Err(format!(
            "{} exists but the case built no stack",
            stacks_dir.display()
        )
        .into());
    }
    Ok(())
}

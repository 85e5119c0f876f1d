//! A compilation on several threads gives what one thread gives: the same stacks, byte
//! for byte, in the same order, and the same diagnostics in the same order. The workspace
//! is large enough for every part that `compile` shares out among threads (parsing ahead,
//! item checks, evaluation: each keeps small inputs on one thread), with errors found by
//! the parser and the checks, or by evaluation, the checks of one stack and the check
//! across stacks.

use std::path::{Path, PathBuf};

use ragc::compile::Compilation;
use ragc_tests::compile_files;

const APP: &str = include_str!("../../envs/app.rag");
const GLOBAL: &str = include_str!("../../envs/global.rag");

/// What is wrong in the workspace.
#[derive(Clone, Copy, PartialEq)]
enum Faults {
    None,
    /// A syntax error and an unknown name: evaluation does not run.
    Syntax,
    /// A Fargate size, a state bucket and a number of zones, found after evaluation.
    Evaluation,
}

const FILES: [&str; 4] = ["first.rag", "second.rag", "third.rag", "fourth.rag"];

/// 32 environments in four files (about 10 KiB) importing the real `app.rag` and
/// `global.rag`.
fn workspace(faults: Faults) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap_or_else(|error| panic!("no temporary folder: {error}"));
    let write = |name: &str, text: &str| {
        std::fs::write(dir.path().join(name), text)
            .unwrap_or_else(|error| panic!("cannot write {name}: {error}"));
    };
    write("app.rag", APP);
    write("global.rag", GLOBAL);
    let wrong = |at: usize| faults == Faults::Evaluation && at % 8 == 1;
    for (number, file) in FILES.iter().enumerate() {
        let mut text = String::from("import \"app.rag\"\nimport \"global.rag\"\n");
        if faults == Faults::Syntax && number == 2 {
            text.push_str("let broken = (\n\nlet unknown = rag_apii\n");
        }
        for at in number * 8..number * 8 + 8 {
            let cpu = if wrong(at) && at < 8 {
                "3 vcpu"
            } else {
                "1 vcpu"
            };
            let bucket = if wrong(at) && at > 8 {
                "\"no-such-bucket\""
            } else {
                "state_bucket"
            };
            let zones = if wrong(at) && at == 9 { 9 } else { 2 + at % 2 };
            text.push_str(&format!(
                "env env{at} = fargate_rag {{\n  service = rag_api\n  region = \"us-east-1\"\n  \
                 zones = {zones}\n  nat = single\n  capacity = fixed(1)\n  \
                 task = {{ cpu = {cpu}, memory = 8 GB }}\n  log_retention = 30 days\n  \
                 state = s3_state({bucket}, key = \"env{at}/terraform.tfstate\")\n}}\n"
            ));
        }
        write(file, &text);
    }
    dir
}

fn compile(dir: &Path, jobs: usize) -> Compilation {
    let roots: Vec<PathBuf> = FILES
        .iter()
        .chain(&["global.rag"])
        .map(|name| dir.join(name))
        .collect();
    compile_files(&roots, jobs)
}

fn assert_same(one: &Compilation, other: &Compilation, jobs: usize) {
    assert_eq!(
        one.diagnostics, other.diagnostics,
        "diagnostics with {jobs} threads"
    );
    let names = |c: &Compilation| c.stacks.iter().map(|s| s.name.clone()).collect::<Vec<_>>();
    assert_eq!(names(one), names(other), "stacks with {jobs} threads");
    for (a, b) in one.stacks.iter().zip(&other.stacks) {
        assert_eq!(a.files, b.files, "{} with {jobs} threads", a.name);
    }
}

#[test]
fn stacks_are_the_same_on_any_number_of_threads() {
    let dir = workspace(Faults::None);
    let one = compile(dir.path(), 1);
    assert!(!one.has_errors(), "{:?}", one.diagnostics);
    assert_eq!(one.stacks.len(), 33);
    for jobs in [2, 3, 8] {
        assert_same(&one, &compile(dir.path(), jobs), jobs);
    }
}

fn error_codes(compilation: &Compilation) -> Vec<String> {
    let errors = compilation.diagnostics.iter().filter(|d| d.is_error());
    errors.map(|d| format!("{:?}", d.code)).collect()
}

#[test]
fn diagnostics_are_the_same_on_any_number_of_threads() {
    for (faults, expected) in [
        (Faults::Syntax, ["SyntaxError", "UnknownName"].as_slice()),
        (
            Faults::Evaluation,
            ["FargateSize", "GlobalNameMismatch", "InvalidOperation"].as_slice(),
        ),
    ] {
        let dir = workspace(faults);
        let one = compile(dir.path(), 1);
        let mut codes = error_codes(&one);
        codes.sort();
        codes.dedup();
        assert_eq!(codes, expected);
        assert!(one.stacks.is_empty());
        for jobs in [2, 3, 8] {
            assert_same(&one, &compile(dir.path(), jobs), jobs);
        }
    }
}

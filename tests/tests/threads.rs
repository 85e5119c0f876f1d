//! Environments evaluated on several threads give what one thread gives: the same stacks,
//! byte for byte, in the same order, and the same diagnostics in the same order. The
//! workspace has enough environments for `compile` to share them out (it keeps a handful
//! on one thread), some with errors found by evaluation, the checks of one stack and
//! the check across stacks.

use std::path::{Path, PathBuf};

use ragc::compile::Compilation;
use ragc_tests::compile_files;

const APP: &str = include_str!("../../envs/app.rag");
const GLOBAL: &str = include_str!("../../envs/global.rag");

/// Eight environments in two files, importing the real `app.rag` and `global.rag`; with
/// `errors`, three of them are wrong in different ways.
fn workspace(errors: bool) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap_or_else(|error| panic!("no temporary folder: {error}"));
    let write = |name: &str, text: &str| {
        std::fs::write(dir.path().join(name), text)
            .unwrap_or_else(|error| panic!("cannot write {name}: {error}"));
    };
    write("app.rag", APP);
    write("global.rag", GLOBAL);
    for (file, first) in [("first.rag", 0), ("second.rag", 4)] {
        let mut text = String::from("import \"app.rag\"\nimport \"global.rag\"\n");
        for at in first..first + 4 {
            let cpu = if errors && at == 1 {
                "3 vcpu"
            } else {
                "1 vcpu"
            };
            let bucket = if errors && at == 5 {
                "\"no-such-bucket\""
            } else {
                "state_bucket"
            };
            let zones = if errors && at == 6 { 9 } else { 2 + at % 2 };
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
    let roots: Vec<PathBuf> = ["first.rag", "second.rag", "global.rag"]
        .iter()
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
    let dir = workspace(false);
    let one = compile(dir.path(), 1);
    assert!(!one.has_errors(), "{:?}", one.diagnostics);
    assert_eq!(one.stacks.len(), 9);
    for jobs in [2, 3, 8] {
        assert_same(&one, &compile(dir.path(), jobs), jobs);
    }
}

#[test]
fn diagnostics_are_the_same_on_any_number_of_threads() {
    let dir = workspace(true);
    let one = compile(dir.path(), 1);
    let codes: Vec<String> = one
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| format!("{:?}", d.code))
        .collect();
    assert!(codes.len() >= 3, "expected the three errors, got {codes:?}");
    assert!(one.stacks.is_empty());
    for jobs in [2, 3, 8] {
        assert_same(&one, &compile(dir.path(), jobs), jobs);
    }
}

//! The `ragc` command as users run it: the thread count does not change what is
//! written, a bad `-j` is a usage error, and a failed build leaves the previous output
//! as it was.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repository_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn ragc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ragc"))
        .args(args)
        .current_dir(repository_root())
        .output()
        .unwrap_or_else(|error| panic!("cannot run ragc: {error}"))
}

/// Every file under `dir`, relative to it, with its bytes.
fn files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        let entries = std::fs::read_dir(&folder)
            .unwrap_or_else(|error| panic!("cannot list {}: {error}", folder.display()));
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let bytes = std::fs::read(&path).unwrap_or_default();
                let relative = path.strip_prefix(dir).unwrap_or(&path).to_path_buf();
                found.push((relative, bytes));
            }
        }
    }
    found.sort();
    found
}

fn temporary() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|error| panic!("no temporary folder: {error}"))
}

const ENVS: [&str; 3] = ["envs/staging.rag", "envs/prod.rag", "envs/global.rag"];

#[test]
fn the_number_of_threads_does_not_change_the_output() {
    let outputs: Vec<tempfile::TempDir> = ["1", "3"]
        .iter()
        .map(|jobs| {
            let out = temporary();
            let dir = out.path().to_string_lossy().into_owned();
            let mut args = vec!["build", "-j", jobs];
            args.extend(ENVS);
            args.extend(["-o", &dir]);
            let output = ragc(&args);
            assert!(output.status.success(), "{output:?}");
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert_eq!(stderr.matches("wrote ").count(), 3, "{stderr}");
            out
        })
        .collect();
    let first = files(outputs[0].path());
    assert_eq!(
        first.len(),
        6,
        "backend and main for each of the three stacks"
    );
    assert_eq!(first, files(outputs[1].path()));
}

#[test]
fn zero_threads_is_a_usage_error() {
    let output = ragc(&["check", "-j", "0", "envs/prod.rag"]);
    assert_eq!(output.status.code(), Some(2), "{output:?}");
}

#[test]
fn a_failed_build_leaves_the_previous_output_as_it_was() {
    let out = temporary();
    let dir = out.path().to_string_lossy().into_owned();
    assert!(ragc(&["build", "envs/prod.rag", "-o", &dir])
        .status
        .success());
    let before = files(out.path());
    let broken = temporary();
    let source = broken.path().join("broken.rag");
    std::fs::write(
        &source,
        "env prod = fargate_rag {\n  zones = \"three\"\n}\n",
    )
    .unwrap_or_else(|error| panic!("cannot write {}: {error}", source.display()));
    let output = ragc(&["build", &source.to_string_lossy(), "-o", &dir]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert!(String::from_utf8_lossy(&output.stderr).contains("nothing was written"));
    assert_eq!(files(out.path()), before);
}

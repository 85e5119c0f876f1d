//! Incrementality: the salsa database parses a file again only when its text changed.
//! Executions of `parsed_file` are counted through salsa's event callback.

use std::sync::{Arc, Mutex};

use ragc::db::{parsed_file, Database, SourceFile};
use ragc::program::{Program, Stdlib};
use salsa::plumbing::AsId;

type Executions = Arc<Mutex<Vec<salsa::Id>>>;

/// A database recording the key of every query it executes.
fn counting_database() -> (Database, Executions) {
    let executions: Executions = Arc::default();
    let recorder = executions.clone();
    let db = Database::with_events(
        Stdlib::Embedded,
        Some(Box::new(move |event: salsa::Event| {
            if let salsa::EventKind::WillExecute { database_key } = event.kind {
                if let Ok(mut list) = recorder.lock() {
                    list.push(database_key.key_index());
                }
            }
        })),
    );
    (db, executions)
}

fn take(executions: &Executions) -> Vec<salsa::Id> {
    executions
        .lock()
        .map(|mut list| std::mem::take(&mut *list))
        .unwrap_or_default()
}

const A: &str = "/ws/a.rag";
const B: &str = "/ws/b.rag";

#[test]
fn editing_one_file_parses_only_that_file_again() {
    let (mut db, executions) = counting_database();
    let a = db.set_file(A, Arc::from("import \"b.rag\"\nlet a = b + 1\n"));
    let b = db.set_file(B, Arc::from("let b = 41\n"));
    let roots = vec![A.to_string()];

    let first = Program::load(&db, &Stdlib::Embedded, &roots);
    let parsed_first: Vec<salsa::Id> = take(&executions);
    // Both files and the standard library were parsed once each.
    assert!(parsed_first.contains(&a.as_id()) && parsed_first.contains(&b.as_id()));
    let b_parse = first
        .file(first.file_by_path(B).expect("b is loaded"))
        .parsed
        .clone();
    drop(first);

    // Loading again without changes parses nothing.
    let again = Program::load(&db, &Stdlib::Embedded, &roots);
    assert_eq!(take(&executions), Vec::<salsa::Id>::new());
    drop(again);

    // Editing A parses A, and only A.
    db.set_file(A, Arc::from("import \"b.rag\"\nlet a = b + 2\n"));
    let edited = Program::load(&db, &Stdlib::Embedded, &roots);
    assert_eq!(take(&executions), vec![a.as_id()]);
    let b_after = edited
        .file(edited.file_by_path(B).expect("b is loaded"))
        .parsed
        .clone();
    assert!(
        Arc::ptr_eq(&b_parse, &b_after),
        "B's parse is the same value, reused"
    );

    // Setting the same text again is not a change.
    db.set_file(B, Arc::from("let b = 41\n"));
    let _ = Program::load(&db, &Stdlib::Embedded, &roots);
    assert_eq!(take(&executions), Vec::<salsa::Id>::new());
}

#[test]
fn parse_diagnostics_name_the_file_that_asked() {
    let (mut db, _) = counting_database();
    let broken = db.set_file(A, Arc::from("let a = \n"));
    let parsed = parsed_file(&db, broken).clone();
    assert_eq!(parsed.diagnostics.len(), 1);
    let program = Program::load(&db, &Stdlib::Embedded, &[A.to_string()]);
    let id = program.file_by_path(A).expect("a is loaded");
    let labels: Vec<_> = program
        .diagnostics
        .iter()
        .flat_map(|d| d.labels.iter().map(|l| l.file))
        .collect();
    assert_eq!(labels, vec![id]);
    let _: SourceFile = broken;
}

#[test]
fn a_released_file_without_a_disk_copy_is_missing() {
    let (mut db, _) = counting_database();
    db.set_file(A, Arc::from("import \"b.rag\"\n"));
    db.set_file(B, Arc::from("let b = 1\n"));
    db.release_file(B);
    let program = Program::load(&db, &Stdlib::Embedded, &[A.to_string()]);
    assert!(program.file_by_path(B).is_none());
    let codes: Vec<&str> = program
        .diagnostics
        .iter()
        .map(|d| d.code.as_str())
        .collect();
    assert_eq!(codes, vec!["RAG0203"]);
}

//! Incrementality: the salsa database parses a file again only when its text changed,
//! and parses and checks an item again only when its text (or, for the checks, the names
//! its file sees) changed. Executions of the queries are recorded through salsa's event
//! callback.

use std::sync::{Arc, Mutex};

use ragc::check::check_items;
use ragc::db::{parsed_file, Database, SourceFile};
use ragc::diagnostics::Diagnostic;
use ragc::program::{Program, SourceProvider, Stdlib};
use ragc::schema::ProviderSchema;
use salsa::plumbing::AsId;

/// The query (`parsed_file`, `item_diagnostics`, ...) and key of each execution.
type Executions = Arc<Mutex<Vec<(String, salsa::Id)>>>;

/// A database recording every query it executes.
fn counting_database() -> (Database, Executions) {
    let executions: Executions = Arc::default();
    let recorder = executions.clone();
    let db = Database::with_events(
        Stdlib::Embedded,
        Some(Box::new(move |event: salsa::Event| {
            if let salsa::EventKind::WillExecute { database_key } = event.kind {
                // With the database attached, the key prints as `query(Id(..))`.
                let printed = format!("{database_key:?}");
                let query = printed.split('(').next().unwrap_or_default().to_string();
                if let Ok(mut list) = recorder.lock() {
                    list.push((query, database_key.key_index()));
                }
            }
        })),
    );
    (db, executions)
}

/// The keys of the executions of `query` since the last call, forgetting the others.
fn take(executions: &Executions, query: &str) -> Vec<salsa::Id> {
    let all = executions
        .lock()
        .map(|mut list| std::mem::take(&mut *list))
        .unwrap_or_default();
    all.into_iter()
        .filter(|(name, _)| name == query)
        .map(|(_, id)| id)
        .collect()
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
    let parsed_first: Vec<salsa::Id> = take(&executions, "parsed_file");
    // Both files and the standard library were parsed once each.
    assert!(parsed_first.contains(&a.as_id()) && parsed_first.contains(&b.as_id()));
    let b_parse = first
        .file(first.file_by_path(B).expect("b is loaded"))
        .parsed
        .clone();
    drop(first);

    // Loading again without changes parses nothing.
    let again = Program::load(&db, &Stdlib::Embedded, &roots);
    assert_eq!(take(&executions, "parsed_file"), Vec::<salsa::Id>::new());
    drop(again);

    // Editing A parses A, and only A.
    db.set_file(A, Arc::from("import \"b.rag\"\nlet a = b + 2\n"));
    let edited = Program::load(&db, &Stdlib::Embedded, &roots);
    assert_eq!(take(&executions, "parsed_file"), vec![a.as_id()]);
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
    assert_eq!(take(&executions, "parsed_file"), Vec::<salsa::Id>::new());
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

const ITEMS: &str = "let a = 1\n\nlet b = a + bb\n\nmodule m(x: Number) {\n  output y = x\n}\n";

/// The item checks of `roots` through the database, and the same checks run directly.
fn item_checks(db: &Database, roots: &[String]) -> (Vec<Diagnostic>, Vec<Diagnostic>) {
    let program = Program::load(db, &Stdlib::Embedded, roots);
    let schema = ProviderSchema::embedded();
    (
        db.item_diagnostics(&program, schema, 1),
        check_items(&program, schema),
    )
}

#[test]
fn editing_inside_one_item_checks_only_that_item_again() {
    let (mut db, executions) = counting_database();
    db.set_file(A, Arc::from(ITEMS));
    let roots = vec![A.to_string()];
    let (first, direct) = item_checks(&db, &roots);
    assert_eq!(first, direct);
    let codes: Vec<&str> = first.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, vec!["RAG0201"], "`bb` is unknown: {first:?}");
    // Each of the file's three items was checked once; the embedded standard library's
    // items are not checked in a compilation (their checks find nothing, see `stdlib`).
    assert_eq!(take(&executions, "item_diagnostics").len(), 3);

    // Nothing changed: nothing is checked again.
    assert_eq!(item_checks(&db, &roots).0, first);
    assert_eq!(
        take(&executions, "item_diagnostics"),
        Vec::<salsa::Id>::new()
    );

    // A longer value in `a` moves the other items, whose texts are unchanged: only `a`
    // is checked again, and `b`'s diagnostic moves with it.
    db.set_file(A, Arc::from(ITEMS.replace("let a = 1", "let a = 1000")));
    let (moved, direct) = item_checks(&db, &roots);
    assert_eq!(take(&executions, "item_diagnostics").len(), 1);
    assert_eq!(moved, direct);
    let span = |found: &[Diagnostic]| found[0].labels[0].span;
    assert_eq!(span(&moved).start, span(&first).start + 3);

    // Only the edited item is parsed again.
    db.set_file(
        A,
        Arc::from(ITEMS.replace("output y = x", "output y = x + 1")),
    );
    let _ = item_checks(&db, &roots);
    assert_eq!(take(&executions, "parsed_item").len(), 1);
}

#[test]
fn a_declaration_that_changes_checks_the_items_that_see_it_again() {
    let (mut db, executions) = counting_database();
    db.set_file(A, Arc::from(ITEMS));
    let roots = vec![A.to_string()];
    let _ = item_checks(&db, &roots);
    let _ = take(&executions, "item_diagnostics");

    // Declaring `bb` changes the file's scope: its items are checked again, and the
    // unknown name is gone.
    db.set_file(A, Arc::from(format!("{ITEMS}\nlet bb = 2\n")));
    let (after, direct) = item_checks(&db, &roots);
    assert_eq!(after, direct);
    assert_eq!(after, Vec::new());
    assert!(take(&executions, "item_diagnostics").len() >= 4);
}

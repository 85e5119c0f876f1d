//! The compilation behind the editor's diagnostics: load the workspace from a database
//! snapshot and run the checks of each item there (parses and item checks come from
//! salsa, so an edit re-runs only those of the items it touched), let the snapshot go,
//! run the rest of the pipeline (`compile_loaded`, as `ragc check` does: the checks
//! across items, evaluation, AWS and security checks, no Terraform JSON) and turn its
//! diagnostics into one list per file.
//!
//! A diagnostic is shown where its primary label is, when that file is shown to the
//! user; otherwise (an assertion of the standard library failing on an environment's
//! value) at its first label in a file of the user, with the standard-library location
//! as related information when that file can be opened.

use std::collections::BTreeMap;
use std::panic::AssertUnwindSafe;

use ragc::compile::{compile_loaded, Options};
use ragc::diagnostics::{Diagnostic, FileId, Severity};
use ragc::ide::{value_notes, ValueNotes};
use ragc::program::{Program, SourceProvider};
use ragc::schema::ProviderSchema;
use ragc::source::Span;
use ragc::syntax::ast::ItemKind;
use tower_lsp_server::ls_types::{
    self as lsp, DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString, Uri,
};

use crate::convert;
use crate::session::{FixSource, Layout, Snapshot};

/// The diagnostics of one file, ready to publish.
#[derive(Debug, Clone)]
pub struct Publication {
    pub uri: Uri,
    pub version: Option<i32>,
    pub diagnostics: Vec<lsp::Diagnostic>,
}

pub struct Outcome {
    pub publications: Vec<Publication>,
    pub fixes: BTreeMap<String, FixSource>,
    pub notes: ValueNotes,
}

/// Loads the program from the snapshot's database, under salsa's cancellation.
pub fn load(snapshot: &Snapshot) -> Result<Program, salsa::Cancelled> {
    salsa::Cancelled::catch(AssertUnwindSafe(|| {
        Program::load(&snapshot.db, &snapshot.stdlib, &snapshot.roots)
    }))
}

/// Compiles the snapshot's workspace and plans what to publish.
pub fn run(snapshot: Snapshot, schema: &ProviderSchema) -> Result<Outcome, salsa::Cancelled> {
    let (program, item_diagnostics) = salsa::Cancelled::catch(AssertUnwindSafe(|| {
        let program = Program::load(&snapshot.db, &snapshot.stdlib, &snapshot.roots);
        let item_diagnostics = snapshot.db.item_diagnostics(&program, schema, 1);
        (program, item_diagnostics)
    }))?;
    let Snapshot {
        db,
        stdlib,
        layout,
        versions,
        ..
    } = snapshot;
    // The rest of the compilation needs no database, and holds up no edit while it runs.
    drop(db);
    // Hovers show values of the evaluated stacks.
    let options = Options {
        keep_evaluated: true,
        ..Options::new(stdlib, schema)
    };
    let compilation = compile_loaded(program, item_diagnostics, &options);
    let notes = value_notes(&compilation);
    let program = &compilation.program;
    let shown = |file: FileId| -> bool {
        let Some(found) = program.files.get(file.0 as usize) else {
            return false;
        };
        !found.is_stdlib || versions.contains_key(&found.path)
    };

    let mut lists: BTreeMap<FileId, Vec<lsp::Diagnostic>> = BTreeMap::new();
    let mut fixes: BTreeMap<FileId, Vec<Diagnostic>> = BTreeMap::new();
    for file in &program.files {
        if shown(file.id) {
            lists.insert(file.id, Vec::new());
        }
    }
    for diagnostic in &compilation.diagnostics {
        for (file, span) in targets(program, diagnostic, &shown) {
            let converted = to_lsp(program, &layout, diagnostic, file, span);
            lists.entry(file).or_default().push(converted);
            let fixable = diagnostic.fix.as_ref().is_some_and(|fix| fix.file == file)
                && diagnostic
                    .primary()
                    .is_some_and(|primary| primary.file == file);
            if fixable {
                fixes.entry(file).or_default().push(diagnostic.clone());
            }
        }
    }

    let mut publications = Vec::new();
    let mut fix_sources = BTreeMap::new();
    for (file, diagnostics) in lists {
        let found = program.file(file);
        let Some(uri) = layout.uri_of(&found.path) else {
            continue;
        };
        if let Some(with_fixes) = fixes.remove(&file) {
            fix_sources.insert(
                uri.as_str().to_string(),
                FixSource {
                    text: found.text.clone(),
                    line_index: found.line_index.clone(),
                    file,
                    diagnostics: with_fixes,
                },
            );
        }
        publications.push(Publication {
            uri,
            version: versions.get(&found.path).copied(),
            diagnostics,
        });
    }
    Ok(Outcome {
        publications,
        fixes: fix_sources,
        notes,
    })
}

/// Where to show a diagnostic: its primary label if that file is shown, else its first
/// label in a shown file; an evaluation error with no such label goes on the
/// environments of the compiled files.
fn targets(
    program: &Program,
    diagnostic: &Diagnostic,
    shown: &dyn Fn(FileId) -> bool,
) -> Vec<(FileId, Span)> {
    let primary = diagnostic.primary();
    if let Some(primary) = primary.filter(|label| shown(label.file)) {
        return vec![(primary.file, primary.span)];
    }
    if let Some(label) = diagnostic.labels.iter().find(|label| shown(label.file)) {
        return vec![(label.file, label.span)];
    }
    let code = diagnostic.code.as_str();
    let evaluation = code.starts_with("RAG04") || code.starts_with("RAG05");
    if !evaluation || primary.is_none_or(|label| program.files.get(label.file.0 as usize).is_none())
    {
        return Vec::new();
    }
    let mut found = Vec::new();
    for root in &program.roots {
        for item in &program.file(*root).parsed.file.items {
            if let ItemKind::Env(decl) = &item.kind {
                found.push((*root, decl.name.span));
            }
        }
    }
    found
}

fn to_lsp(
    program: &Program,
    layout: &Layout,
    diagnostic: &Diagnostic,
    file: FileId,
    span: Span,
) -> lsp::Diagnostic {
    let shown_file = program.file(file);
    let mut message = diagnostic.message.clone();
    if let Some(help) = &diagnostic.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    for note in &diagnostic.notes {
        message.push_str("\nnote: ");
        message.push_str(note);
    }
    let mut related = Vec::new();
    for label in &diagnostic.labels {
        let at_target = label.file == file && label.span == span;
        if at_target {
            continue;
        }
        let Some(label_file) = program.files.get(label.file.0 as usize) else {
            continue;
        };
        let text = if label.message.is_empty() {
            if label.primary {
                "the error is reported here".to_string()
            } else {
                "related".to_string()
            }
        } else {
            label.message.clone()
        };
        match layout.uri_of(&label_file.path) {
            Some(uri) => related.push(DiagnosticRelatedInformation {
                location: Location {
                    uri,
                    range: convert::range(&label_file.text, &label_file.line_index, label.span),
                },
                message: text,
            }),
            None => {
                let at = label_file
                    .line_index
                    .utf16_position(&label_file.text, label.span.start as usize);
                message.push_str(&format!(
                    "\nnote: {text} ({}:{})",
                    label_file.path,
                    at.line + 1
                ));
            }
        }
    }
    lsp::Diagnostic {
        range: convert::range(&shown_file.text, &shown_file.line_index, span),
        severity: Some(match diagnostic.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(diagnostic.code.as_str().to_string())),
        code_description: None,
        source: Some("ragc".into()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    }
}

//! Go to definition, find references and rename, all read from the name index of
//! `resolve`: a reference is any name whose declaration is the same.

use super::lexer::{tokenize, TokenKind};
use super::resolve::{index_file, DeclKind, Def};
use super::{Analysis, FileEdit, Location, RenameError};
use crate::diagnostics::FileId;
use crate::source::Span;
use crate::syntax::ast::{ItemKind, StmtKind};

/// What the name at `offset` refers to, falling back to a top-level name where the file
/// does not parse.
fn def_at(analysis: &Analysis<'_>, file: FileId, offset: usize) -> Option<(Span, Def)> {
    let index = index_file(analysis.program, analysis.schema, file);
    if let Some(occurrence) = index.at(offset) {
        return Some((occurrence.span, occurrence.def.clone()));
    }
    let text = &analysis.program.file(file).text;
    let token = tokenize(text).into_iter().find(|token| {
        token.kind == TokenKind::Ident && token.start <= offset && offset <= token.end
    })?;
    let item = analysis.program.lookup(file, token.text)?;
    let name = analysis.program.item(item).name()?;
    let kind = match analysis.program.item(item).kind {
        crate::syntax::ast::ItemKind::Let(_) => DeclKind::Let,
        crate::syntax::ast::ItemKind::Fn(_) => DeclKind::Fn,
        crate::syntax::ast::ItemKind::Enum(_) => DeclKind::Enum,
        crate::syntax::ast::ItemKind::Type(_) => DeclKind::Type,
        crate::syntax::ast::ItemKind::Module(_) => DeclKind::Module,
        crate::syntax::ast::ItemKind::Env(_) => DeclKind::Env,
        crate::syntax::ast::ItemKind::Import(_) => return None,
    };
    Some((
        Span::new(token.start, token.end),
        Def::Source {
            file: item.file,
            span: name.span,
            kind,
        },
    ))
}

pub(crate) fn definition(analysis: &Analysis<'_>, file: FileId, offset: usize) -> Vec<Location> {
    match def_at(analysis, file, offset) {
        Some((_, Def::Source { file, span, .. })) => vec![Location { file, span }],
        Some((_, Def::File(target))) => vec![Location {
            file: target,
            span: Span::default(),
        }],
        _ => Vec::new(),
    }
}

pub(crate) fn references(
    analysis: &Analysis<'_>,
    file: FileId,
    offset: usize,
    include_declaration: bool,
) -> Vec<Location> {
    let Some((_, def)) = def_at(analysis, file, offset) else {
        return Vec::new();
    };
    uses(analysis, &def, include_declaration)
}

/// Every name in the program that refers to `def`, sorted by file and position.
fn uses(analysis: &Analysis<'_>, def: &Def, include_declaration: bool) -> Vec<Location> {
    let mut found = Vec::new();
    for program_file in &analysis.program.files {
        let index = index_file(analysis.program, analysis.schema, program_file.id);
        for occurrence in &index.occurrences {
            if occurrence.def == *def && (include_declaration || !occurrence.is_decl) {
                found.push(Location {
                    file: program_file.id,
                    span: occurrence.span,
                });
            }
        }
    }
    // A declaration the index did not reach (its item no longer parses) still counts.
    if include_declaration {
        if let Def::Source { file, span, .. } = def {
            let declaration = Location {
                file: *file,
                span: *span,
            };
            if !found.contains(&declaration) {
                found.push(declaration);
            }
        }
    }
    found.sort();
    found.dedup();
    found
}

const KEYWORDS: &[&str] = &[
    "import", "let", "fn", "enum", "type", "module", "resource", "data", "provider", "backend",
    "for", "in", "if", "else", "match", "assert", "output", "variable", "env", "true", "false",
    "null",
];

pub(crate) fn prepare_rename(
    analysis: &Analysis<'_>,
    file: FileId,
    offset: usize,
) -> Result<Span, RenameError> {
    let (span, def) = def_at(analysis, file, offset)
        .ok_or_else(|| RenameError("there is no name here to rename".into()))?;
    renamable(analysis, &def)?;
    Ok(span)
}

fn renamable(analysis: &Analysis<'_>, def: &Def) -> Result<(), RenameError> {
    let Def::Source { file, kind, .. } = def else {
        return Err(RenameError(
            "only names declared in .rag files can be renamed".into(),
        ));
    };
    if analysis.program.file(*file).is_stdlib && !analysis.stdlib_editable {
        return Err(RenameError(
            "this name is declared in the standard library, which cannot be edited".into(),
        ));
    }
    if *kind == DeclKind::Param {
        // A blueprint learns the environment's name through this parameter by name.
        let span_text = match def {
            Def::Source { span, .. } => analysis.program.file(*file).text.get(span.range()),
            _ => None,
        };
        if span_text == Some(crate::eval::ENVIRONMENT_PARAM) {
            return Err(RenameError(
                "the parameter `environment` receives the environment's name by name".into(),
            ));
        }
    }
    Ok(())
}

pub(crate) fn rename(
    analysis: &Analysis<'_>,
    file: FileId,
    offset: usize,
    new_name: &str,
) -> Result<Vec<FileEdit>, RenameError> {
    let valid = new_name
        .chars()
        .next()
        .is_some_and(|ch| ch.is_ascii_alphabetic() || ch == '_')
        && new_name
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || ch == '_');
    if !valid || KEYWORDS.contains(&new_name) {
        return Err(RenameError(format!("`{new_name}` is not a valid name")));
    }
    let (_, def) = def_at(analysis, file, offset)
        .ok_or_else(|| RenameError("there is no name here to rename".into()))?;
    renamable(analysis, &def)?;
    let locations = uses(analysis, &def, true);
    let stdlib_use = locations
        .iter()
        .find(|location| analysis.program.file(location.file).is_stdlib);
    if let Some(stdlib_use) = stdlib_use.filter(|_| !analysis.stdlib_editable) {
        return Err(RenameError(format!(
            "the standard library uses this name ({}), and it cannot be edited",
            analysis.program.file(stdlib_use.file).path
        )));
    }
    if let Some(clash) = clash(analysis, &def, &locations, new_name) {
        return Err(RenameError(clash));
    }
    Ok(locations
        .into_iter()
        .map(|location| FileEdit {
            file: location.file,
            span: location.span,
            new_text: new_name.to_string(),
        })
        .collect())
}

/// Why renaming `def` to `new_name` would make a name mean something else, if it would:
/// a top-level name already visible where the name is used, or a parameter or `let` of
/// the same module.
fn clash(
    analysis: &Analysis<'_>,
    def: &Def,
    locations: &[Location],
    new_name: &str,
) -> Option<String> {
    let Def::Source { file, span, kind } = def else {
        return None;
    };
    let program = analysis.program;
    let taken = match kind {
        DeclKind::Let
        | DeclKind::Fn
        | DeclKind::Enum
        | DeclKind::Type
        | DeclKind::Module
        | DeclKind::Env => locations
            .iter()
            .any(|location| program.lookup(location.file, new_name).is_some()),
        DeclKind::Param | DeclKind::ModuleLet | DeclKind::Variable => program
            .file(*file)
            .parsed
            .file
            .items
            .iter()
            .any(|item| match &item.kind {
                ItemKind::Module(module)
                    if item.span.start <= span.start && span.end <= item.span.end =>
                {
                    module
                        .params
                        .iter()
                        .any(|param| param.name.name == new_name)
                        || module.body.iter().any(|stmt| match &stmt.kind {
                            StmtKind::Let(decl) => decl.name.name == new_name,
                            StmtKind::Variable(decl) => decl.name.name == new_name,
                            _ => false,
                        })
                }
                _ => false,
            }),
        _ => false,
    };
    taken.then(|| format!("`{new_name}` is already declared where this name is used"))
}

//! The top-level names a file sees, and what kind of declaration each is: what the checks
//! of one item need to know about every other item. Nothing here holds a span or an item
//! body, so editing inside an item, or moving it, leaves every file's `Declarations` and
//! `Scope` equal, and the salsa database keeps the checks of the other items.

use std::collections::{BTreeMap, BTreeSet};

use crate::syntax::ast::ItemKind;
use crate::syntax::Parsed;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeclKind {
    Let,
    Fn,
    Enum,
    Type,
    Module,
    Env,
}

/// A declared name: its kind, and the variants when it is an enum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Declared {
    pub kind: DeclKind,
    pub variants: Vec<String>,
}

/// What one file declares. A name declared twice counts once, as first declared (the
/// second is reported by `Program::load`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Declarations {
    names: BTreeMap<String, Declared>,
    /// Names of the items that did not parse.
    broken: Vec<String>,
}

impl Declarations {
    pub fn of(parsed: &Parsed) -> Declarations {
        let mut names = BTreeMap::new();
        for item in &parsed.file.items {
            let Some(name) = item.name() else { continue };
            let (kind, variants) = match &item.kind {
                ItemKind::Import(_) => continue,
                ItemKind::Let(_) => (DeclKind::Let, Vec::new()),
                ItemKind::Fn(_) => (DeclKind::Fn, Vec::new()),
                ItemKind::Enum(decl) => (
                    DeclKind::Enum,
                    decl.variants
                        .iter()
                        .map(|variant| variant.name.name.clone())
                        .collect(),
                ),
                ItemKind::Type(_) => (DeclKind::Type, Vec::new()),
                ItemKind::Module(_) => (DeclKind::Module, Vec::new()),
                ItemKind::Env(_) => (DeclKind::Env, Vec::new()),
            };
            names
                .entry(name.name.clone())
                .or_insert(Declared { kind, variants });
        }
        Declarations {
            names,
            broken: parsed.broken_names.clone(),
        }
    }
}

/// The names one file sees: its own declarations, then those of the files it imports
/// (in import order), then the standard library's.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    names: BTreeMap<String, Declared>,
    broken: BTreeSet<String>,
}

impl Scope {
    /// The scope made of `layers`, the first layer that declares a name winning.
    pub fn new<'d>(layers: impl IntoIterator<Item = &'d Declarations>) -> Scope {
        let mut scope = Scope::default();
        for layer in layers {
            for (name, declared) in &layer.names {
                if !scope.names.contains_key(name) {
                    scope.names.insert(name.clone(), declared.clone());
                }
            }
            scope.broken.extend(layer.broken.iter().cloned());
        }
        scope
    }

    pub fn get(&self, name: &str) -> Option<&Declared> {
        self.names.get(name)
    }

    pub fn kind_of(&self, name: &str) -> Option<DeclKind> {
        self.get(name).map(|declared| declared.kind)
    }

    /// Every visible name, sorted.
    pub fn names(&self) -> impl Iterator<Item = (&str, &Declared)> {
        self.names
            .iter()
            .map(|(name, declared)| (name.as_str(), declared))
    }

    /// The visible enums that have a variant `variant`, sorted.
    pub fn enums_of_variant<'s>(&'s self, variant: &'s str) -> impl Iterator<Item = &'s str> {
        self.names()
            .filter(move |(_, declared)| declared.variants.iter().any(|known| known == variant))
            .map(|(name, _)| name)
    }

    /// The visible enum that has a variant `variant`, if exactly one has: a bare variant
    /// means that enum's, and is ambiguous when several have it.
    pub fn enum_of_variant<'s>(&'s self, variant: &'s str) -> Option<&'s str> {
        let mut enums = self.enums_of_variant(variant);
        let first = enums.next()?;
        enums.next().is_none().then_some(first)
    }

    /// True when a visible item named `name` failed to parse: its uses are not reported
    /// again.
    pub fn is_broken(&self, name: &str) -> bool {
        self.broken.contains(name)
    }
}

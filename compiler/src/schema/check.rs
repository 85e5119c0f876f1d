//! Checks the names written in one block body against that block's schema:
//! unknown, missing, computed-only, wrong-syntax and wrongly-counted items.
//! Plain data in, plain data out, independent of the compiler's AST.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use super::suggest::suggest;
use super::BlockSchema;

/// How an item was written in the block body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Written {
    /// `name = value`
    Attribute,
    /// `name { ... }`
    Block,
}

/// One item the user wrote in a block body. Write one entry per occurrence:
/// a nested block written three times is three entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct WrittenItem<'a> {
    pub name: &'a str,
    pub kind: Written,
}

impl<'a> WrittenItem<'a> {
    pub fn attribute(name: &'a str) -> Self {
        WrittenItem {
            name,
            kind: Written::Attribute,
        }
    }

    pub fn block(name: &'a str) -> Self {
        WrittenItem {
            name,
            kind: Written::Block,
        }
    }
}

/// A problem found by [`BlockSchema::check_block`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum BlockProblem {
    /// Neither an attribute nor a block type of this schema.
    UnknownArgument {
        name: String,
        suggestion: Option<String>,
    },
    /// A required attribute, or a block type with `min_items >= 1`, was not
    /// written at all.
    MissingRequired { name: String },
    /// A computed-only attribute (readable, not settable) was written.
    ComputedOnly { name: String },
    /// A nested block type was written as `name = ...`.
    BlockWrittenAsAttribute { name: String },
    /// A settable attribute was written as `name { ... }`.
    AttributeWrittenAsBlock { name: String },
    /// More blocks of this type than the schema allows.
    TooManyBlocks { name: String, max: u64 },
    /// Some, but fewer than `min_items`, blocks of this type were written.
    TooFewBlocks { name: String, min: u64 },
}

impl BlockProblem {
    /// The attribute or block name the problem is about.
    pub fn name(&self) -> &str {
        match self {
            BlockProblem::UnknownArgument { name, .. }
            | BlockProblem::MissingRequired { name }
            | BlockProblem::ComputedOnly { name }
            | BlockProblem::BlockWrittenAsAttribute { name }
            | BlockProblem::AttributeWrittenAsBlock { name }
            | BlockProblem::TooManyBlocks { name, .. }
            | BlockProblem::TooFewBlocks { name, .. } => name,
        }
    }
}

impl fmt::Display for BlockProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BlockProblem::UnknownArgument { name, suggestion } => {
                write!(f, "unknown argument `{name}`")?;
                if let Some(s) = suggestion {
                    write!(f, "; did you mean `{s}`?")?;
                }
                Ok(())
            }
            BlockProblem::MissingRequired { name } => {
                write!(f, "missing required argument `{name}`")
            }
            BlockProblem::ComputedOnly { name } => {
                write!(f, "`{name}` is computed by the provider and cannot be set")
            }
            BlockProblem::BlockWrittenAsAttribute { name } => write!(
                f,
                "`{name}` is a block; write `{name} {{ ... }}` instead of `{name} = ...`"
            ),
            BlockProblem::AttributeWrittenAsBlock { name } => write!(
                f,
                "`{name}` is an argument; write `{name} = ...` instead of `{name} {{ ... }}`"
            ),
            BlockProblem::TooManyBlocks { name, max } => {
                let s = if *max == 1 { "" } else { "s" };
                write!(
                    f,
                    "too many `{name}` blocks; at most {max} block{s} allowed"
                )
            }
            BlockProblem::TooFewBlocks { name, min } => {
                let s = if *min == 1 { "" } else { "s" };
                write!(
                    f,
                    "too few `{name}` blocks; at least {min} block{s} required"
                )
            }
        }
    }
}

/// Checking what is written in a block body against the block's schema (a trait, as the
/// model is another crate's).
pub trait CheckBlock {
    fn check_block(&self, written: &[WrittenItem<'_>]) -> Vec<BlockProblem>;
}

impl CheckBlock for BlockSchema {
    /// Checks the items written in one block body against this schema.
    ///
    /// Problems come in a stable order: first one per offending written item
    /// (in the order given), then block-count problems, then missing required
    /// attributes, then missing required blocks (each group sorted by name).
    /// A name written with the wrong syntax is not also reported as missing.
    /// Nested blocks are not descended into: check each nested body with its
    /// own `NestedBlockSchema::block`.
    fn check_block(&self, written: &[WrittenItem<'_>]) -> Vec<BlockProblem> {
        let mut problems = Vec::new();
        let mut seen: BTreeSet<&str> = BTreeSet::new();
        let mut block_counts: BTreeMap<&str, u64> = BTreeMap::new();

        for item in written {
            seen.insert(item.name);
            let name = item.name.to_owned();
            let attr = self.attributes.get(item.name);
            let is_block = self.blocks.contains_key(item.name);
            let problem = match (item.kind, attr, is_block) {
                (Written::Attribute, Some(a), _) if a.is_argument() => None,
                (Written::Attribute, Some(_), _) => Some(BlockProblem::ComputedOnly { name }),
                (Written::Attribute, None, true) => {
                    Some(BlockProblem::BlockWrittenAsAttribute { name })
                }
                (Written::Block, _, true) => {
                    *block_counts.entry(item.name).or_insert(0) += 1;
                    None
                }
                (Written::Block, Some(a), false) if a.is_argument() => {
                    Some(BlockProblem::AttributeWrittenAsBlock { name })
                }
                (Written::Block, Some(_), false) => Some(BlockProblem::ComputedOnly { name }),
                (_, None, false) => Some(BlockProblem::UnknownArgument {
                    suggestion: suggest(item.name, self.writable_names()).map(str::to_owned),
                    name,
                }),
            };
            problems.extend(problem);
        }

        let mut missing_blocks = Vec::new();
        for (name, nested) in &self.blocks {
            let count = block_counts.get(name.as_str()).copied().unwrap_or(0);
            let max = nested.effective_max_items();
            if max > 0 && count > max {
                problems.push(BlockProblem::TooManyBlocks {
                    name: name.clone(),
                    max,
                });
            }
            if count > 0 && count < nested.min_items {
                problems.push(BlockProblem::TooFewBlocks {
                    name: name.clone(),
                    min: nested.min_items,
                });
            } else if count == 0 && nested.min_items >= 1 && !seen.contains(name.as_str()) {
                missing_blocks.push(BlockProblem::MissingRequired { name: name.clone() });
            }
        }
        for (name, _) in self.required_attributes() {
            if !seen.contains(name) {
                problems.push(BlockProblem::MissingRequired {
                    name: name.to_owned(),
                });
            }
        }
        problems.extend(missing_blocks);
        problems
    }
}

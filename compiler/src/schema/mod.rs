//! Terraform provider schema: loads `terraform providers schema -json` output
//! (the AWS provider schema is embedded in the binary) and answers typed
//! questions about resource and data-source arguments.
//!
//! Loading is lazy. [`ProviderSchema::from_json`] scans the document once
//! and records the byte span of each resource / data-source entry; a type's
//! block is decoded into [`BlockSchema`] the first time it is looked up, and
//! cached. For the embedded schema even that scan is skipped: the spans come
//! from the generated `embedded_index.rs`, checked against the document.
//!
//! Also here: [`suggest`] ("did you mean"), [`BlockSchema::check_block`]
//! (names written in a block body vs. its schema) and [`TfType`].

mod check;
mod embedded_index;
mod model;
mod suggest;
mod types;

#[cfg(test)]
mod tests;

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;
use std::sync::OnceLock;

use serde::de::IgnoredAny;
use serde::Deserialize;
use serde_json::value::RawValue;

pub use check::{BlockProblem, Written, WrittenItem};
pub use model::{AttributeSchema, BlockSchema, NestedAttributes, NestedBlockSchema, Nesting};
pub use suggest::suggest;
pub use types::TfType;

/// The AWS provider schema (`terraform providers schema -json` output) that
/// ships inside the binary.
pub const EMBEDDED_SCHEMA_JSON: &str = include_str!("../../../stdlib/aws/provider-schema.json");

/// Which kind of schema entry a lookup or an error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SchemaKind {
    Resource,
    DataSource,
    Provider,
}

impl fmt::Display for SchemaKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SchemaKind::Resource => "resource type",
            SchemaKind::DataSource => "data source",
            SchemaKind::Provider => "provider configuration",
        })
    }
}

/// Why a schema document or one of its entries could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemaError {
    /// The document is not valid JSON or not shaped like schema output.
    Json(String),
    /// The document has no entry under `provider_schemas`.
    NoProviders,
    /// The requested provider source is not in the document.
    ProviderNotFound {
        requested: String,
        available: Vec<String>,
    },
    /// One entry (decoded lazily) is malformed.
    InvalidEntry {
        kind: SchemaKind,
        name: String,
        message: String,
    },
}

impl fmt::Display for SchemaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SchemaError::Json(msg) => write!(f, "invalid provider schema JSON: {msg}"),
            SchemaError::NoProviders => {
                f.write_str("the provider schema document has no `provider_schemas` entries")
            }
            SchemaError::ProviderNotFound {
                requested,
                available,
            } => write!(
                f,
                "provider `{requested}` is not in the schema document (it has: {})",
                available.join(", ")
            ),
            SchemaError::InvalidEntry {
                kind,
                name,
                message,
            } => write!(f, "invalid schema for {kind} `{name}`: {message}"),
        }
    }
}

impl std::error::Error for SchemaError {}

/// One provider's schema, decoded on demand.
pub struct ProviderSchema {
    /// The whole schema document; entries are byte ranges into it.
    text: Cow<'static, str>,
    source: String,
    provider: Option<LazyBlock>,
    resources: BTreeMap<String, LazyBlock>,
    data_sources: BTreeMap<String, LazyBlock>,
}

/// Where one `{"version": N, "block": {...}}` entry sits in the document
/// and, once asked for, its decoded block.
struct LazyBlock {
    span: Range<usize>,
    decoded: OnceLock<Result<BlockSchema, SchemaError>>,
}

impl LazyBlock {
    fn new(span: Range<usize>) -> Self {
        LazyBlock {
            span,
            decoded: OnceLock::new(),
        }
    }

    fn get(&self, text: &str, kind: SchemaKind, name: &str) -> Result<&BlockSchema, &SchemaError> {
        self.decoded
            .get_or_init(|| {
                let decoded = match text.get(self.span.clone()) {
                    Some(json) => model::decode_entry(json),
                    None => Err("entry lies outside the schema document".to_owned()),
                };
                decoded.map_err(|message| SchemaError::InvalidEntry {
                    kind,
                    name: name.to_owned(),
                    message,
                })
            })
            .as_ref()
    }
}

#[derive(Deserialize)]
struct RawDocument<'a> {
    #[serde(borrow, default)]
    provider_schemas: BTreeMap<String, RawProvider<'a>>,
}

#[derive(Deserialize)]
struct RawProvider<'a> {
    #[serde(borrow, default)]
    provider: Option<&'a RawValue>,
    #[serde(borrow, default)]
    resource_schemas: BTreeMap<String, &'a RawValue>,
    #[serde(borrow, default)]
    data_source_schemas: BTreeMap<String, &'a RawValue>,
}

#[derive(Deserialize)]
struct RawProviderList {
    #[serde(default)]
    provider_schemas: BTreeMap<String, IgnoredAny>,
}

/// Byte spans of one provider's entries: what the lazy loader needs to know
/// about a document. Also the content of the generated `embedded_index`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct DocumentIndex {
    source: String,
    provider: Option<Range<usize>>,
    resources: BTreeMap<String, Range<usize>>,
    data_sources: BTreeMap<String, Range<usize>>,
}

impl ProviderSchema {
    /// Loads a provider from `terraform providers schema -json` output: the
    /// AWS provider (source address ending in `/aws`) if present, otherwise
    /// the first provider (by source address).
    pub fn from_json(text: &str) -> Result<ProviderSchema, SchemaError> {
        let index = index_document(text, None)?;
        Ok(Self::from_index(Cow::Owned(text.to_owned()), index))
    }

    /// Like [`ProviderSchema::from_json`], taking ownership of the text (no
    /// copy), e.g. straight from `std::fs::read_to_string`.
    pub fn from_json_string(text: String) -> Result<ProviderSchema, SchemaError> {
        let index = index_document(&text, None)?;
        Ok(Self::from_index(Cow::Owned(text), index))
    }

    /// Loads the provider whose source address is `source`, or ends with
    /// `/source` (so `hashicorp/aws` and `aws` both select
    /// `registry.terraform.io/hashicorp/aws`).
    pub fn from_json_for(text: &str, source: &str) -> Result<ProviderSchema, SchemaError> {
        let index = index_document(text, Some(source))?;
        Ok(Self::from_index(Cow::Owned(text.to_owned()), index))
    }

    /// The provider source addresses in a schema document, sorted.
    pub fn provider_sources(text: &str) -> Result<Vec<String>, SchemaError> {
        let doc: RawProviderList =
            serde_json::from_str(text).map_err(|e| SchemaError::Json(e.to_string()))?;
        Ok(doc.provider_schemas.into_keys().collect())
    }

    /// The AWS provider schema compiled into the binary, loaded once per
    /// process. Uses the pre-computed `embedded_index` (no JSON scan) when it
    /// matches the embedded document, and indexes the document otherwise.
    ///
    /// # Panics
    /// If the embedded document is malformed: a build defect, caught by this
    /// module's tests.
    pub fn embedded() -> &'static ProviderSchema {
        static EMBEDDED: OnceLock<ProviderSchema> = OnceLock::new();
        EMBEDDED.get_or_init(|| {
            let text = EMBEDDED_SCHEMA_JSON;
            let index = match load_embedded_index(text) {
                Some(index) => index,
                None => match index_document(text, None) {
                    Ok(index) => index,
                    Err(e) => panic!("the embedded AWS provider schema is malformed: {e}"),
                },
            };
            ProviderSchema::from_index(Cow::Borrowed(text), index)
        })
    }

    fn from_index(text: Cow<'static, str>, index: DocumentIndex) -> ProviderSchema {
        let lazy = |m: BTreeMap<String, Range<usize>>| {
            m.into_iter()
                .map(|(name, span)| (name, LazyBlock::new(span)))
                .collect()
        };
        ProviderSchema {
            text,
            source: index.source,
            provider: index.provider.map(LazyBlock::new),
            resources: lazy(index.resources),
            data_sources: lazy(index.data_sources),
        }
    }

    /// The provider's source address, e.g. `registry.terraform.io/hashicorp/aws`.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The schema of resource type `type_name`; `None` if unknown (or if its
    /// entry is malformed — see [`ProviderSchema::try_resource`]).
    pub fn resource(&self, type_name: &str) -> Option<&BlockSchema> {
        self.try_resource(type_name).ok().flatten()
    }

    /// The schema of data source `type_name`; `None` if unknown (or if its
    /// entry is malformed — see [`ProviderSchema::try_data_source`]).
    pub fn data_source(&self, type_name: &str) -> Option<&BlockSchema> {
        self.try_data_source(type_name).ok().flatten()
    }

    /// The provider configuration block (`provider "aws" { ... }`), when the
    /// document includes it.
    pub fn provider_config(&self) -> Option<&BlockSchema> {
        self.provider
            .as_ref()
            .and_then(|p| p.get(&self.text, SchemaKind::Provider, &self.source).ok())
    }

    /// Like [`ProviderSchema::resource`], but reports a malformed entry.
    pub fn try_resource(&self, type_name: &str) -> Result<Option<&BlockSchema>, SchemaError> {
        lookup(&self.text, &self.resources, SchemaKind::Resource, type_name)
    }

    /// Like [`ProviderSchema::data_source`], but reports a malformed entry.
    pub fn try_data_source(&self, type_name: &str) -> Result<Option<&BlockSchema>, SchemaError> {
        lookup(
            &self.text,
            &self.data_sources,
            SchemaKind::DataSource,
            type_name,
        )
    }

    /// Whether the resource type exists, without decoding its schema.
    pub fn has_resource(&self, type_name: &str) -> bool {
        self.resources.contains_key(type_name)
    }

    /// Whether the data source exists, without decoding its schema.
    pub fn has_data_source(&self, type_name: &str) -> bool {
        self.data_sources.contains_key(type_name)
    }

    /// All resource type names, sorted.
    pub fn resource_type_names(&self) -> impl Iterator<Item = &str> + '_ {
        self.resources.keys().map(String::as_str)
    }

    /// All data source names, sorted.
    pub fn data_source_names(&self) -> impl Iterator<Item = &str> + '_ {
        self.data_sources.keys().map(String::as_str)
    }

    /// The resource type most likely meant by an unknown `type_name`.
    pub fn suggest_resource(&self, type_name: &str) -> Option<&str> {
        suggest(type_name, self.resource_type_names())
    }

    /// The data source most likely meant by an unknown `type_name`.
    pub fn suggest_data_source(&self, type_name: &str) -> Option<&str> {
        suggest(type_name, self.data_source_names())
    }

    /// Decodes every entry now, returning the first error. Useful to reject a
    /// user-supplied schema file up front instead of at first use.
    pub fn validate_all(&self) -> Result<(), SchemaError> {
        if let Some(p) = &self.provider {
            p.get(&self.text, SchemaKind::Provider, &self.source)
                .map_err(Clone::clone)?;
        }
        for (name, entry) in &self.resources {
            entry
                .get(&self.text, SchemaKind::Resource, name)
                .map_err(Clone::clone)?;
        }
        for (name, entry) in &self.data_sources {
            entry
                .get(&self.text, SchemaKind::DataSource, name)
                .map_err(Clone::clone)?;
        }
        Ok(())
    }
}

impl fmt::Debug for ProviderSchema {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProviderSchema")
            .field("source", &self.source)
            .field("resources", &self.resources.len())
            .field("data_sources", &self.data_sources.len())
            .finish_non_exhaustive()
    }
}

/// Scans a schema document once and records where each entry of the chosen
/// provider is (`wanted` = a source address or suffix; `None` = AWS if
/// present, else the first provider).
fn index_document(text: &str, wanted: Option<&str>) -> Result<DocumentIndex, SchemaError> {
    let mut doc: RawDocument<'_> =
        serde_json::from_str(text).map_err(|e| SchemaError::Json(e.to_string()))?;
    let sources = || doc.provider_schemas.keys();
    let chosen = match wanted {
        None => sources()
            .find(|s| source_matches(s, "aws"))
            .or_else(|| sources().next()),
        Some(wanted) => sources()
            .find(|s| s.as_str() == wanted)
            .or_else(|| sources().find(|s| source_matches(s, wanted))),
    }
    .cloned();
    let Some(source) = chosen else {
        if doc.provider_schemas.is_empty() {
            return Err(SchemaError::NoProviders);
        }
        return Err(SchemaError::ProviderNotFound {
            requested: wanted.unwrap_or("aws").to_owned(),
            available: doc.provider_schemas.into_keys().collect(),
        });
    };
    let raw = doc
        .provider_schemas
        .remove(&source)
        .ok_or(SchemaError::NoProviders)?;
    let spans =
        |m: BTreeMap<String, &RawValue>| -> Result<BTreeMap<String, Range<usize>>, SchemaError> {
            m.into_iter()
                .map(|(name, raw)| Ok((name, span_of(text, raw)?)))
                .collect()
        };
    Ok(DocumentIndex {
        provider: raw.provider.map(|p| span_of(text, p)).transpose()?,
        resources: spans(raw.resource_schemas)?,
        data_sources: spans(raw.data_source_schemas)?,
        source,
    })
}

/// The pre-computed index of the embedded document, if it still matches
/// `text`: same length, and every recorded span is a `{...}` value right after
/// its `"name":` key. A stale table yields `None` (and fails a unit test).
fn load_embedded_index(text: &str) -> Option<DocumentIndex> {
    if text.len() != embedded_index::DOCUMENT_LEN {
        return None;
    }
    let spans = |table: &[(&str, usize, usize)]| -> Option<BTreeMap<String, Range<usize>>> {
        table
            .iter()
            .map(|&(name, start, end)| {
                entry_span_ok(text, name, start, end).then(|| (name.to_owned(), start..end))
            })
            .collect()
    };
    let provider = match embedded_index::PROVIDER {
        None => None,
        Some((start, end)) => {
            if !entry_span_ok(text, "provider", start, end) {
                return None;
            }
            Some(start..end)
        }
    };
    Some(DocumentIndex {
        source: embedded_index::SOURCE.to_owned(),
        provider,
        resources: spans(embedded_index::RESOURCES)?,
        data_sources: spans(embedded_index::DATA_SOURCES)?,
    })
}

fn entry_span_ok(text: &str, name: &str, start: usize, end: usize) -> bool {
    let bytes = text.as_bytes();
    let braces = start < end
        && bytes.get(start) == Some(&b'{')
        && end.checked_sub(1).and_then(|last| bytes.get(last)) == Some(&b'}');
    braces
        && text
            .get(..start)
            .and_then(|head| head.trim_end().strip_suffix(':'))
            .and_then(|head| head.trim_end().strip_suffix('"'))
            .and_then(|head| head.strip_suffix(name))
            .is_some_and(|head| head.ends_with('"'))
}

/// The byte range of `raw` (borrowed from `text` by serde_json) in `text`.
fn span_of(text: &str, raw: &RawValue) -> Result<Range<usize>, SchemaError> {
    let slice = raw.get();
    let start = (slice.as_ptr() as usize).wrapping_sub(text.as_ptr() as usize);
    let span = start..start.wrapping_add(slice.len());
    match text.get(span.clone()) {
        Some(found) if std::ptr::eq(found, slice) => Ok(span),
        _ => Err(SchemaError::Json(
            "schema entry is not a slice of the document".to_owned(),
        )),
    }
}

/// `registry.terraform.io/hashicorp/aws` matches `aws`, `hashicorp/aws` and
/// itself.
fn source_matches(source: &str, wanted: &str) -> bool {
    source == wanted
        || source
            .strip_suffix(wanted)
            .is_some_and(|head| head.ends_with('/'))
}

fn lookup<'s>(
    text: &str,
    map: &'s BTreeMap<String, LazyBlock>,
    kind: SchemaKind,
    name: &str,
) -> Result<Option<&'s BlockSchema>, SchemaError> {
    match map.get(name) {
        None => Ok(None),
        Some(entry) => entry.get(text, kind, name).map(Some).map_err(Clone::clone),
    }
}

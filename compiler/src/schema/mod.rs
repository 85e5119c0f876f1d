//! Terraform provider schema: loads `terraform providers schema -json` output
//! (the AWS provider schema is embedded in the binary) and answers typed
//! questions about resource and data-source arguments.
//!
//! Loading is lazy. [`ProviderSchema::from_json`] scans the document once
//! and records the byte span of each resource / data-source entry; a type's
//! block is decoded into [`BlockSchema`] the first time it is looked up, and
//! cached. The embedded schema's entries were decoded when `ragc` was built
//! (`compiler/build.rs`) and are stored in postcard's form: a lookup reads the
//! stored block, and no JSON is read at run time.
//!
//! Also here: [`suggest`] ("did you mean"), [`CheckBlock::check_block`]
//! (names written in a block body vs. its schema). The model itself ([`BlockSchema`],
//! [`TfType`], ...) is the crate `ragc-schema-model`, which the build script shares.

mod check;
mod suggest;

#[cfg(test)]
mod tests;

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;
use std::sync::OnceLock;

use ragc_schema_model::SchemaDocument;
use serde::de::IgnoredAny;
use serde::Deserialize;
use serde_json::value::RawValue;

pub use check::{BlockProblem, CheckBlock, Written, WrittenItem};
pub use ragc_schema_model::{
    AttributeSchema, BlockSchema, CtyType, NestedAttributes, NestedBlockSchema, Nesting, TfType,
};
pub use suggest::suggest;

/// The embedded schema's entries, stored by `compiler/build.rs`: where each is in `BLOB`.
mod stored {
    include!(concat!(env!("OUT_DIR"), "/schema_store.rs"));
}

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
    /// The schema document the entries' spans point into (empty for the embedded
    /// schema, whose entries are stored).
    text: Cow<'static, str>,
    source: String,
    provider: Option<LazyBlock>,
    resources: BTreeMap<String, LazyBlock>,
    data_sources: BTreeMap<String, LazyBlock>,
}

/// One entry of the schema and, once asked for, its decoded block.
struct LazyBlock {
    entry: Entry,
    decoded: OnceLock<Result<BlockSchema, SchemaError>>,
}

/// Where an entry's block comes from.
enum Entry {
    /// A `{"version": N, "block": {...}}` entry: its span in the document.
    Json(Range<usize>),
    /// A block stored by the build script (`ragc_schema_model::store`).
    Stored(&'static [u8]),
}

impl LazyBlock {
    fn new(entry: Entry) -> Self {
        LazyBlock {
            entry,
            decoded: OnceLock::new(),
        }
    }

    fn get(&self, text: &str, kind: SchemaKind, name: &str) -> Result<&BlockSchema, &SchemaError> {
        self.decoded
            .get_or_init(|| {
                let decoded = match &self.entry {
                    Entry::Json(span) => match text.get(span.clone()) {
                        Some(json) => ragc_schema_model::decode_entry(json),
                        None => Err("entry lies outside the schema document".to_owned()),
                    },
                    Entry::Stored(bytes) => ragc_schema_model::load_stored(bytes),
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
struct RawProviderList {
    #[serde(default)]
    provider_schemas: BTreeMap<String, IgnoredAny>,
}

/// Byte spans of one provider's entries: what the lazy loader needs to know
/// about a document.
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
    /// process from the blocks the build script stored.
    pub fn embedded() -> &'static ProviderSchema {
        static EMBEDDED: OnceLock<ProviderSchema> = OnceLock::new();
        EMBEDDED.get_or_init(|| {
            let block = |(start, end): (usize, usize)| {
                LazyBlock::new(Entry::Stored(
                    stored::BLOB.get(start..end).unwrap_or_default(),
                ))
            };
            let table = |entries: &[(&str, usize, usize)]| {
                entries
                    .iter()
                    .map(|&(name, start, end)| (name.to_owned(), block((start, end))))
                    .collect()
            };
            ProviderSchema {
                text: Cow::Borrowed(""),
                source: stored::SOURCE.to_owned(),
                provider: stored::PROVIDER.map(block),
                resources: table(stored::RESOURCES),
                data_sources: table(stored::DATA_SOURCES),
            }
        })
    }

    fn from_index(text: Cow<'static, str>, index: DocumentIndex) -> ProviderSchema {
        let lazy = |m: BTreeMap<String, Range<usize>>| {
            m.into_iter()
                .map(|(name, span)| (name, LazyBlock::new(Entry::Json(span))))
                .collect()
        };
        ProviderSchema {
            text,
            source: index.source,
            provider: index.provider.map(|span| LazyBlock::new(Entry::Json(span))),
            resources: lazy(index.resources),
            data_sources: lazy(index.data_sources),
        }
    }

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
    let mut doc: SchemaDocument<'_> =
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

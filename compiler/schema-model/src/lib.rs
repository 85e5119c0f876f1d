//! The typed model of a Terraform provider schema: blocks, attributes, nested blocks and
//! value types ([`TfType`]), decoded from one entry of `terraform providers schema -json`
//! ([`decode_entry`]).
//!
//! A crate of its own so that `ragc`'s build script can use it: the embedded AWS schema's
//! entries are decoded when `ragc` is built and stored in postcard's binary form
//! ([`store`]); a compilation reads the few it needs with [`load_stored`], about ten
//! times cheaper than decoding their JSON.

mod model;
mod types;

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::value::RawValue;

pub use model::{
    decode_entry, AttributeSchema, BlockSchema, NestedAttributes, NestedBlockSchema, Nesting,
};
pub use types::{CtyType, TfType};

/// A schema document (`terraform providers schema -json`) read down to each provider's
/// entries, which are left undecoded (borrowed from the text) until one is needed.
#[derive(Deserialize)]
pub struct SchemaDocument<'a> {
    #[serde(borrow, default)]
    pub provider_schemas: BTreeMap<String, ProviderEntries<'a>>,
}

/// One provider's entries: `{"version": N, "block": {...}}` each, for [`decode_entry`].
#[derive(Deserialize)]
pub struct ProviderEntries<'a> {
    #[serde(borrow, default)]
    pub provider: Option<&'a RawValue>,
    #[serde(borrow, default)]
    pub resource_schemas: BTreeMap<String, &'a RawValue>,
    #[serde(borrow, default)]
    pub data_source_schemas: BTreeMap<String, &'a RawValue>,
}

/// The stored form of a decoded block.
pub fn store(block: &BlockSchema) -> Result<Vec<u8>, String> {
    postcard::to_allocvec(block).map_err(|error| error.to_string())
}

/// A block from its stored form ([`store`]).
pub fn load_stored(bytes: &[u8]) -> Result<BlockSchema, String> {
    postcard::from_bytes(bytes).map_err(|error| error.to_string())
}

//! The typed schema model (blocks, attributes, nested blocks) and its decoding
//! from one `{"version": N, "block": {...}}` entry of the provider schema JSON.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::types::{CtyType, TfType};

/// The schema of one block: a resource or data source body, the provider
/// configuration block, or a nested block inside one of those.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockSchema {
    /// Attributes by name (arguments and/or exported values).
    pub attributes: BTreeMap<String, AttributeSchema>,
    /// Nested block types by name (`block_types` in the JSON).
    pub blocks: BTreeMap<String, NestedBlockSchema>,
    /// Human documentation of the block, when the provider gives one.
    pub description: Option<String>,
    /// The whole block is deprecated.
    pub deprecated: bool,
}

/// The schema of one attribute.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttributeSchema {
    /// The attribute's value type. For protocol-6 `nested_type` attributes
    /// this is the implied type (`object({...})`, `list(object({...}))`, ...).
    pub ty: TfType,
    pub required: bool,
    pub optional: bool,
    pub computed: bool,
    pub sensitive: bool,
    pub deprecated: bool,
    /// Write-only attributes (`*_wo`) are accepted in configuration but never
    /// stored in state, so they cannot be read back after apply.
    pub write_only: bool,
    pub description: Option<String>,
    /// The nested attribute schema of a protocol-6 `nested_type` attribute.
    pub nested: Option<NestedAttributes>,
}

impl Default for AttributeSchema {
    fn default() -> Self {
        AttributeSchema {
            ty: TfType::Dynamic,
            required: false,
            optional: false,
            computed: false,
            sensitive: false,
            deprecated: false,
            write_only: false,
            description: None,
            nested: None,
        }
    }
}

impl AttributeSchema {
    /// Can be set in configuration (required or optional).
    pub fn is_argument(&self) -> bool {
        self.required || self.optional
    }

    /// Can be read after apply (`aws_vpc.main.arn`): every attribute except
    /// write-only ones, which Terraform never stores in state.
    pub fn is_exported(&self) -> bool {
        !self.write_only
    }

    /// Computed by the provider and not settable in configuration.
    pub fn is_computed_only(&self) -> bool {
        self.computed && !self.is_argument()
    }
}

/// A protocol-6 `nested_type`: an attribute whose value is structured like a
/// block but written with attribute syntax.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NestedAttributes {
    pub nesting: Nesting,
    pub min_items: u64,
    /// 0 = unlimited.
    pub max_items: u64,
    pub attributes: BTreeMap<String, AttributeSchema>,
}

/// A nested block type inside a block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NestedBlockSchema {
    pub nesting: Nesting,
    pub min_items: u64,
    /// 0 = unlimited.
    pub max_items: u64,
    pub block: BlockSchema,
}

impl NestedBlockSchema {
    /// The largest number of blocks of this type that may be written, or 0
    /// for unlimited. `single` and `group` blocks may appear at most once.
    pub fn effective_max_items(&self) -> u64 {
        match self.nesting {
            Nesting::Single | Nesting::Group => 1,
            Nesting::List | Nesting::Set | Nesting::Map => self.max_items,
        }
    }

    /// The type of the value this block type contributes to its parent:
    /// `object({...})` for single/group, `list(object(...))` for list, etc.
    pub fn implied_type(&self) -> TfType {
        self.nesting.wrap(self.block.implied_type())
    }
}

/// How a nested block (or nested attribute type) repeats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Nesting {
    Single,
    Group,
    List,
    Set,
    Map,
}

impl Nesting {
    /// Wraps the type of one element in the collection this nesting implies.
    pub fn wrap(self, element: TfType) -> TfType {
        match self {
            Nesting::Single | Nesting::Group => element,
            Nesting::List => TfType::List(Box::new(element)),
            Nesting::Set => TfType::Set(Box::new(element)),
            Nesting::Map => TfType::Map(Box::new(element)),
        }
    }
}

impl BlockSchema {
    pub fn attribute(&self, name: &str) -> Option<&AttributeSchema> {
        self.attributes.get(name)
    }

    pub fn block(&self, name: &str) -> Option<&NestedBlockSchema> {
        self.blocks.get(name)
    }

    /// Attributes settable in configuration, sorted by name.
    pub fn arguments(&self) -> impl Iterator<Item = (&str, &AttributeSchema)> + '_ {
        self.attributes
            .iter()
            .filter(|(_, a)| a.is_argument())
            .map(|(n, a)| (n.as_str(), a))
    }

    /// Required attributes, sorted by name.
    pub fn required_attributes(&self) -> impl Iterator<Item = (&str, &AttributeSchema)> + '_ {
        self.attributes
            .iter()
            .filter(|(_, a)| a.required)
            .map(|(n, a)| (n.as_str(), a))
    }

    /// Attributes readable after apply, sorted by name.
    pub fn exported_attributes(&self) -> impl Iterator<Item = (&str, &AttributeSchema)> + '_ {
        self.attributes
            .iter()
            .filter(|(_, a)| a.is_exported())
            .map(|(n, a)| (n.as_str(), a))
    }

    /// Every name that may be written in the block body (settable attributes,
    /// then nested block types): the candidate list for "did you mean".
    pub fn writable_names(&self) -> impl Iterator<Item = &str> + '_ {
        self.arguments()
            .map(|(n, _)| n)
            .chain(self.blocks.keys().map(String::as_str))
    }

    /// The object type of a value of this block: every exported attribute and
    /// every nested block type (with its [`NestedBlockSchema::implied_type`]).
    pub fn implied_type(&self) -> TfType {
        let mut attrs: BTreeMap<String, TfType> = self
            .exported_attributes()
            .map(|(n, a)| (n.to_owned(), a.ty.clone()))
            .collect();
        for (name, nested) in &self.blocks {
            attrs.insert(name.clone(), nested.implied_type());
        }
        TfType::Object(attrs)
    }
}

// ---------------------------------------------------------------------------
// Decoding. The JSON is first decoded into these private mirror structs and
// then converted, so the public model stays independent of the wire format.

#[derive(Deserialize)]
struct RawEntry {
    block: RawBlock,
}

#[derive(Deserialize, Default)]
struct RawBlock {
    #[serde(default)]
    attributes: BTreeMap<String, RawAttribute>,
    #[serde(default)]
    block_types: BTreeMap<String, RawBlockType>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    deprecated: bool,
}

#[derive(Deserialize)]
struct RawAttribute {
    #[serde(default, rename = "type")]
    ty: Option<CtyType>,
    #[serde(default)]
    nested_type: Option<RawNestedType>,
    #[serde(default)]
    required: bool,
    #[serde(default)]
    optional: bool,
    #[serde(default)]
    computed: bool,
    #[serde(default)]
    sensitive: bool,
    #[serde(default)]
    deprecated: bool,
    #[serde(default)]
    write_only: bool,
    #[serde(default)]
    description: Option<String>,
}

#[derive(Deserialize)]
struct RawNestedType {
    #[serde(default)]
    attributes: BTreeMap<String, RawAttribute>,
    nesting_mode: Nesting,
    #[serde(default)]
    min_items: u64,
    #[serde(default)]
    max_items: u64,
}

#[derive(Deserialize)]
struct RawBlockType {
    nesting_mode: Nesting,
    #[serde(default)]
    min_items: u64,
    #[serde(default)]
    max_items: u64,
    #[serde(default)]
    block: RawBlock,
}

/// Decodes one schema entry (`{"version": N, "block": {...}}`). The error is
/// a plain message; the caller adds which type it was decoding.
pub fn decode_entry(json: &str) -> Result<BlockSchema, String> {
    let raw: RawEntry = serde_json::from_str(json).map_err(|e| e.to_string())?;
    convert_block(raw.block, "")
}

fn convert_block(raw: RawBlock, path: &str) -> Result<BlockSchema, String> {
    let attributes = convert_attributes(raw.attributes, path)?;
    let mut blocks = BTreeMap::new();
    for (name, bt) in raw.block_types {
        let child = join(path, &name);
        let block = convert_block(bt.block, &child)?;
        blocks.insert(
            name,
            NestedBlockSchema {
                nesting: bt.nesting_mode,
                min_items: bt.min_items,
                max_items: bt.max_items,
                block,
            },
        );
    }
    Ok(BlockSchema {
        attributes,
        blocks,
        description: raw.description.filter(|d| !d.is_empty()),
        deprecated: raw.deprecated,
    })
}

fn convert_attributes(
    raw: BTreeMap<String, RawAttribute>,
    path: &str,
) -> Result<BTreeMap<String, AttributeSchema>, String> {
    let mut out = BTreeMap::new();
    for (name, attr) in raw {
        let child = join(path, &name);
        let converted = convert_attribute(attr, &child)?;
        out.insert(name, converted);
    }
    Ok(out)
}

fn convert_attribute(raw: RawAttribute, path: &str) -> Result<AttributeSchema, String> {
    let (ty, nested) = match (raw.ty, raw.nested_type) {
        (Some(ty), _) => (ty.0, None),
        (None, Some(nt)) => {
            let attributes = convert_attributes(nt.attributes, path)?;
            let object = TfType::Object(
                attributes
                    .iter()
                    .map(|(n, a)| (n.clone(), a.ty.clone()))
                    .collect(),
            );
            let nested = NestedAttributes {
                nesting: nt.nesting_mode,
                min_items: nt.min_items,
                max_items: nt.max_items,
                attributes,
            };
            (nt.nesting_mode.wrap(object), Some(nested))
        }
        (None, None) => {
            return Err(format!(
                "attribute `{path}` has neither `type` nor `nested_type`"
            ))
        }
    };
    Ok(AttributeSchema {
        ty,
        required: raw.required,
        optional: raw.optional,
        computed: raw.computed,
        sensitive: raw.sensitive,
        deprecated: raw.deprecated,
        write_only: raw.write_only,
        description: raw.description.filter(|d| !d.is_empty()),
        nested,
    })
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_owned()
    } else {
        format!("{path}.{name}")
    }
}

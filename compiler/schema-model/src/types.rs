//! Terraform value types (`TfType`): decoding from the cty JSON type encoding
//! used by `terraform providers schema -json`, and printing in Terraform's own
//! type-constraint syntax (`list(string)`, `object({a = string})`, ...).

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, Deserializer, IgnoredAny, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};

/// A Terraform (cty) type.
///
/// `Dynamic` is cty's dynamic pseudo-type: the provider accepts a value of any
/// type there. It prints as `any`, the keyword Terraform uses for it in type
/// constraints.
/// Its serde form is the stored one (`postcard`, see the crate's documentation); the cty
/// JSON encoding of schema documents is read through [`CtyType`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TfType {
    String,
    Number,
    Bool,
    Dynamic,
    List(Box<TfType>),
    Set(Box<TfType>),
    Map(Box<TfType>),
    Object(BTreeMap<String, TfType>),
    Tuple(Vec<TfType>),
}

impl TfType {
    /// `string`, `number` or `bool`.
    pub fn is_primitive(&self) -> bool {
        matches!(self, TfType::String | TfType::Number | TfType::Bool)
    }

    /// `list(T)`, `set(T)` or `map(T)`.
    pub fn is_collection(&self) -> bool {
        matches!(self, TfType::List(_) | TfType::Set(_) | TfType::Map(_))
    }

    /// The element type of a `list`, `set` or `map`; `None` for anything else.
    pub fn element_type(&self) -> Option<&TfType> {
        match self {
            TfType::List(t) | TfType::Set(t) | TfType::Map(t) => Some(t),
            _ => None,
        }
    }

    /// The attribute types of an `object`; `None` for anything else.
    pub fn object_attributes(&self) -> Option<&BTreeMap<String, TfType>> {
        match self {
            TfType::Object(attrs) => Some(attrs),
            _ => None,
        }
    }
}

impl fmt::Display for TfType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TfType::String => f.write_str("string"),
            TfType::Number => f.write_str("number"),
            TfType::Bool => f.write_str("bool"),
            TfType::Dynamic => f.write_str("any"),
            TfType::List(t) => write!(f, "list({t})"),
            TfType::Set(t) => write!(f, "set({t})"),
            TfType::Map(t) => write!(f, "map({t})"),
            TfType::Object(attrs) => {
                f.write_str("object({")?;
                for (i, (name, t)) in attrs.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{name} = {t}")?;
                }
                f.write_str("})")
            }
            TfType::Tuple(elems) => {
                f.write_str("tuple([")?;
                for (i, t) in elems.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{t}")?;
                }
                f.write_str("])")
            }
        }
    }
}

const PRIMITIVES: &[&str] = &["string", "number", "bool", "dynamic"];
const KINDS: &[&str] = &["list", "set", "map", "object", "tuple"];

/// A type in cty's JSON encoding: `"string"`, `["list", T]`, `["object", {name: T}]` (an
/// optional third element listing optional attributes is accepted and ignored),
/// `["tuple", [T, ...]]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CtyType(pub TfType);

impl<'de> Deserialize<'de> for CtyType {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(TfTypeVisitor).map(CtyType)
    }
}

struct TfTypeVisitor;

impl<'de> Visitor<'de> for TfTypeVisitor {
    type Value = TfType;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a cty type (a primitive type name or a [kind, element] array)")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<TfType, E> {
        match v {
            "string" => Ok(TfType::String),
            "number" => Ok(TfType::Number),
            "bool" => Ok(TfType::Bool),
            "dynamic" => Ok(TfType::Dynamic),
            other => Err(E::unknown_variant(other, PRIMITIVES)),
        }
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<TfType, A::Error> {
        let kind: String = seq
            .next_element()?
            .ok_or_else(|| de::Error::invalid_length(0, &self))?;
        let ty = match kind.as_str() {
            "list" => TfType::List(Box::new(element_type(&mut seq, &self)?)),
            "set" => TfType::Set(Box::new(element_type(&mut seq, &self)?)),
            "map" => TfType::Map(Box::new(element_type(&mut seq, &self)?)),
            "object" => {
                let attrs: BTreeMap<String, CtyType> = required_element(&mut seq, &self)?;
                // cty type constraints may carry a list of optional attribute names.
                let _optional: Option<IgnoredAny> = seq.next_element()?;
                TfType::Object(attrs.into_iter().map(|(name, ty)| (name, ty.0)).collect())
            }
            "tuple" => {
                let elements: Vec<CtyType> = required_element(&mut seq, &self)?;
                TfType::Tuple(elements.into_iter().map(|ty| ty.0).collect())
            }
            other => return Err(de::Error::unknown_variant(other, KINDS)),
        };
        if seq.next_element::<IgnoredAny>()?.is_some() {
            return Err(de::Error::custom(format!(
                "too many elements in cty `{kind}` type"
            )));
        }
        Ok(ty)
    }
}

fn element_type<'de, A: SeqAccess<'de>>(
    seq: &mut A,
    visitor: &TfTypeVisitor,
) -> Result<TfType, A::Error> {
    required_element::<A, CtyType>(seq, visitor).map(|ty| ty.0)
}

fn required_element<'de, A, T>(seq: &mut A, visitor: &TfTypeVisitor) -> Result<T, A::Error>
where
    A: SeqAccess<'de>,
    T: Deserialize<'de>,
{
    seq.next_element()?
        .ok_or_else(|| de::Error::invalid_length(1, visitor))
}

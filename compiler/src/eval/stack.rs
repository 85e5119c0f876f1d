//! The result of evaluating an environment: a Terraform root module described as data
//! (resources, data sources, providers, backend, variables, outputs), with every value
//! still carrying its origin so that the AWS and security checks can point at sources.

use std::collections::BTreeMap;
use std::rc::Rc;

use super::value::{Origin, ResourceAddress, Value};

/// The arguments and nested blocks of a resource, provider or backend.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Body {
    pub entries: BTreeMap<Rc<str>, Entry>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Entry {
    Value(Value),
    Blocks(Vec<Body>),
}

impl Body {
    pub fn value(&self, name: &str) -> Option<&Value> {
        match self.entries.get(name) {
            Some(Entry::Value(value)) => Some(value),
            _ => None,
        }
    }

    pub fn blocks(&self, name: &str) -> &[Body] {
        match self.entries.get(name) {
            Some(Entry::Blocks(blocks)) => blocks,
            _ => &[],
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Resource {
    /// The same address as the stack's key for the resource and every reference to it.
    pub address: Rc<ResourceAddress>,
    pub body: Body,
    /// `lifecycle { ... }`, a Terraform meta-argument block.
    pub lifecycle: Option<Body>,
    /// `depends_on`, as addresses.
    pub depends_on: Vec<Rc<ResourceAddress>>,
    /// The `resource` declaration that produced it.
    pub origin: Origin,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Variable {
    pub type_constraint: String,
    pub default: Option<Value>,
    pub description: Option<String>,
    pub origin: Origin,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Output {
    pub value: Value,
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub name: String,
    pub body: Body,
    pub origin: Origin,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Stack {
    /// The environment's name: `prod`.
    pub name: String,
    /// The file that declares the environment, for the `"//"` comment.
    pub source_path: String,
    pub origin: Origin,
    pub resources: BTreeMap<Rc<ResourceAddress>, Resource>,
    pub providers: Vec<Config>,
    pub backend: Option<Config>,
    pub variables: BTreeMap<String, Variable>,
    pub outputs: BTreeMap<String, Output>,
}

impl Stack {
    pub fn of_type<'s>(&'s self, type_name: &'s str) -> impl Iterator<Item = &'s Resource> {
        // Addresses order by data-or-not, then type, then name: the resources of one
        // type are adjacent, and no name sorts before the empty one.
        let first = ResourceAddress {
            data: false,
            type_name: type_name.to_string(),
            name: String::new(),
        };
        self.resources
            .range::<ResourceAddress, _>(&first..)
            .map(|(_, resource)| resource)
            .take_while(move |resource| {
                !resource.address.data && resource.address.type_name == type_name
            })
    }

    pub fn managed_count(&self) -> usize {
        self.resources
            .keys()
            .filter(|address| !address.data)
            .count()
    }
}

//! The resource dependency graph of an evaluated environment, as Terraform will build it:
//! a node for every resource and data source of the stack, and an edge from a resource to
//! every resource or data source its arguments refer to (`${aws_vpc.network_main.id}`,
//! also inside JSON documents) or that it lists in `depends_on`. `reduced` keeps only the
//! edges `terraform graph` draws: the transitive reduction.

use std::collections::{BTreeMap, BTreeSet};

use petgraph::algo::toposort;
use petgraph::algo::tred::{dag_to_toposorted_adjacency_list, dag_transitive_reduction_closure};
use petgraph::graph::{DiGraph, NodeIndex};
use serde::Serialize;

use crate::eval::stack::{Body, Entry, Stack};
use crate::eval::value::{TemplatePart, Value, ValueKind};
use crate::program::Program;
use crate::syntax::ast::ItemKind;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Graph {
    /// By address.
    pub nodes: Vec<Node>,
    /// By dependent, then dependency.
    pub edges: Vec<Edge>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Node {
    /// `aws_vpc.network_main`, `data.aws_ecr_repository.app`.
    pub address: String,
    /// The module whose body declares the resource (`vpc`), or "" for none.
    pub module: String,
}

/// `from` depends on `to`: Terraform creates `to` first.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Edge {
    pub from: String,
    pub to: String,
}

/// The graph of `stack`; with `reduced`, without the edges that other paths imply.
pub fn graph(program: &Program, stack: &Stack, reduced: bool) -> Graph {
    let addresses: BTreeMap<String, String> = stack
        .resources
        .values()
        .map(|resource| {
            let module = declaring_module(
                program,
                resource.origin.file,
                resource.origin.span.range().start,
            );
            (resource.address.to_string(), module)
        })
        .collect();
    let mut edges = BTreeSet::new();
    for resource in stack.resources.values() {
        let from = resource.address.to_string();
        let mut targets = BTreeSet::new();
        body_references(&resource.body, &mut targets);
        targets.extend(resource.depends_on.iter().map(ToString::to_string));
        for to in targets {
            // Terraform rejects a reference to an undeclared resource; what is left out
            // here is a variable, a local, a function or the resource itself.
            if to != from && addresses.contains_key(&to) {
                edges.insert(Edge {
                    from: from.clone(),
                    to,
                });
            }
        }
    }
    let mut edges: Vec<Edge> = edges.into_iter().collect();
    if reduced {
        edges = transitive_reduction(&addresses, edges);
    }
    Graph {
        nodes: addresses
            .into_iter()
            .map(|(address, module)| Node { address, module })
            .collect(),
        edges,
    }
}

/// The name of the module item of `file` whose text holds `offset`.
fn declaring_module(program: &Program, file: crate::diagnostics::FileId, offset: usize) -> String {
    program
        .file(file)
        .parsed
        .file
        .items
        .iter()
        .find_map(|item| match &item.kind {
            ItemKind::Module(module) if item.span.contains(offset) => {
                Some(module.name.name.clone())
            }
            _ => None,
        })
        .unwrap_or_default()
}

fn body_references(body: &Body, into: &mut BTreeSet<String>) {
    for entry in body.entries.values() {
        match entry {
            Entry::Value(value) => value_references(value, into),
            Entry::Blocks(blocks) => blocks.iter().for_each(|block| body_references(block, into)),
        }
    }
}

fn value_references(value: &Value, into: &mut BTreeSet<String>) {
    match &value.kind {
        ValueKind::Deferred(deferred) => {
            for part in &deferred.parts {
                if let TemplatePart::Interpolation(expression) = part {
                    into.extend(expression_references(expression));
                }
            }
        }
        ValueKind::Resource(address) => {
            into.insert(address.to_string());
        }
        ValueKind::List(items) => items.iter().for_each(|item| value_references(item, into)),
        ValueKind::Record { fields, .. } => fields
            .values()
            .for_each(|field| value_references(field, into)),
        ValueKind::Json(inner) => value_references(inner, into),
        _ => {}
    }
}

/// The resource and data source addresses a Terraform expression may refer to: every
/// `TYPE.NAME` and `data.TYPE.NAME` traversal outside string literals, whatever follows
/// it. The caller keeps those the stack declares.
pub fn expression_references(expression: &str) -> Vec<String> {
    let mut references = Vec::new();
    let bytes = expression.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        let byte = bytes[at];
        if byte == b'"' {
            at = after_string_literal(bytes, at);
        } else if byte.is_ascii_alphabetic() || byte == b'_' {
            let preceded_by_dot = at > 0 && bytes[at - 1] == b'.';
            let (parts, end) = traversal(expression, at);
            if !preceded_by_dot {
                match parts.as_slice() {
                    ["data", type_name, name, ..] => {
                        references.push(format!("data.{type_name}.{name}"))
                    }
                    [type_name, name, ..] => references.push(format!("{type_name}.{name}")),
                    _ => {}
                }
            }
            at = end;
        } else {
            at += 1;
        }
    }
    references
}

/// The dot-separated names starting at `start`, and where they end.
fn traversal(expression: &str, start: usize) -> (Vec<&str>, usize) {
    let bytes = expression.as_bytes();
    let is_name = |byte: u8| byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'-';
    let mut parts = Vec::new();
    let mut at = start;
    loop {
        let name_start = at;
        while at < bytes.len() && is_name(bytes[at]) {
            at += 1;
        }
        parts.push(&expression[name_start..at]);
        let next_is_name = bytes
            .get(at + 1)
            .is_some_and(|&byte| byte.is_ascii_alphabetic() || byte == b'_');
        if bytes.get(at) == Some(&b'.') && next_is_name {
            at += 1;
        } else {
            return (parts, at);
        }
    }
}

/// The offset after the string literal opening at `start`.
fn after_string_literal(bytes: &[u8], start: usize) -> usize {
    let mut at = start + 1;
    while at < bytes.len() {
        match bytes[at] {
            b'\\' => at += 2,
            b'"' => return at + 1,
            _ => at += 1,
        }
    }
    at
}

/// The edges of `edges` that no longer path between the same two nodes implies. A
/// cycle has no reduction: the edges are then kept as they are (Terraform reports it).
fn transitive_reduction(nodes: &BTreeMap<String, String>, edges: Vec<Edge>) -> Vec<Edge> {
    let index: BTreeMap<&str, usize> = nodes
        .keys()
        .enumerate()
        .map(|(i, a)| (a.as_str(), i))
        .collect();
    let mut graph: DiGraph<(), ()> = DiGraph::new();
    let ids: Vec<NodeIndex> = (0..nodes.len()).map(|_| graph.add_node(())).collect();
    for edge in &edges {
        graph.add_edge(
            ids[index[edge.from.as_str()]],
            ids[index[edge.to.as_str()]],
            (),
        );
    }
    let Ok(order) = toposort(&graph, None) else {
        return edges;
    };
    // The algorithm wants the nodes numbered in topological order.
    let (sorted, _) = dag_to_toposorted_adjacency_list::<_, u32>(&graph, &order);
    let (reduction, _closure) = dag_transitive_reduction_closure(&sorted);
    let names: Vec<&str> = nodes.keys().map(String::as_str).collect();
    let mut kept: Vec<Edge> = reduction
        .edge_indices()
        .filter_map(|edge| reduction.edge_endpoints(edge))
        .map(|(from, to)| Edge {
            from: names[order[from as usize].index()].to_string(),
            to: names[order[to as usize].index()].to_string(),
        })
        .collect();
    kept.sort();
    kept
}

impl Graph {
    /// Graphviz, one cluster per module, edges from dependent to dependency as
    /// `terraform graph` draws them.
    pub fn to_dot(&self, title: &str) -> String {
        let mut out = format!(
            "digraph {} {{\n  rankdir = \"RL\";\n  node [shape = rect, fontname = \"sans-serif\"];\n",
            quoted(title)
        );
        for (module, nodes) in self.by_module() {
            let indent = if module.is_empty() { "  " } else { "    " };
            if !module.is_empty() {
                out.push_str(&format!(
                    "  subgraph {} {{\n    label = {};\n",
                    quoted(&format!("cluster_{module}")),
                    quoted(module)
                ));
            }
            for node in nodes {
                out.push_str(&format!("{indent}{};\n", quoted(&node.address)));
            }
            if !module.is_empty() {
                out.push_str("  }\n");
            }
        }
        for edge in &self.edges {
            out.push_str(&format!(
                "  {} -> {};\n",
                quoted(&edge.from),
                quoted(&edge.to)
            ));
        }
        out.push_str("}\n");
        out
    }

    /// A Mermaid flowchart (GitHub renders it in Markdown), one subgraph per module.
    pub fn to_mermaid(&self) -> String {
        let id: BTreeMap<&str, usize> = self
            .nodes
            .iter()
            .enumerate()
            .map(|(at, node)| (node.address.as_str(), at))
            .collect();
        let mut out = String::from("flowchart RL\n");
        for (module, nodes) in self.by_module() {
            let indent = if module.is_empty() { "  " } else { "    " };
            if !module.is_empty() {
                out.push_str(&format!("  subgraph {module}\n"));
            }
            for node in nodes {
                out.push_str(&format!(
                    "{indent}n{}[\"{}\"]\n",
                    id[node.address.as_str()],
                    node.address
                ));
            }
            if !module.is_empty() {
                out.push_str("  end\n");
            }
        }
        for edge in &self.edges {
            out.push_str(&format!(
                "  n{} --> n{}\n",
                id[edge.from.as_str()],
                id[edge.to.as_str()]
            ));
        }
        out
    }

    /// `{"nodes": [{"address", "module"}], "edges": [{"from", "to"}]}`, pretty-printed.
    pub fn to_json(&self) -> String {
        super::pretty_json(self)
    }

    /// The nodes grouped by module, modules by name ("" first), nodes by address.
    fn by_module(&self) -> BTreeMap<&str, Vec<&Node>> {
        let mut groups: BTreeMap<&str, Vec<&Node>> = BTreeMap::new();
        for node in &self.nodes {
            groups.entry(node.module.as_str()).or_default().push(node);
        }
        groups
    }
}

/// A DOT identifier in double quotes.
fn quoted(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_traversals_outside_string_literals() {
        assert_eq!(expression_references("aws_vpc.main.id"), ["aws_vpc.main"]);
        assert_eq!(
            expression_references("data.aws_ecr_repository.app.repository_url"),
            ["data.aws_ecr_repository.app"]
        );
        assert_eq!(
            expression_references(r#"format("%s.x", aws_subnet.a-b["k"].id, var.tag)"#),
            ["aws_subnet.a-b", "var.tag"]
        );
        assert_eq!(
            expression_references("jsonencode(aws_lb.main)"),
            ["aws_lb.main"]
        );
        assert!(expression_references("\"aws_vpc.main\"").is_empty());
    }
}

//! The dependency graph of a module body (petgraph): one node per statement, an edge
//! wherever a statement refers to a `let`, a variable or a resource declared by another.
//! It gives the evaluation order, the cycles (each with its whole path), and which
//! bindings are used.

use std::collections::{BTreeSet, HashMap};

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use petgraph::algo::tarjan_scc;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::Direction;

use crate::syntax::ast::*;

/// What a module body's statements refer to.
pub struct ModuleGraph {
    /// Statement indices in an order where each comes after what it depends on, or the
    /// cycles (statement indices in reference order) that prevent such an order.
    pub order: Result<Vec<usize>, Vec<Vec<usize>>>,
    /// Every plain name the body refers to (after removing loop variables).
    pub used_names: BTreeSet<String>,
}

/// The evaluation order of a module body; `None` when the body has a cycle.
pub fn statement_order(
    body: &[Stmt],
    is_resource_type: impl Fn(&str) -> bool,
) -> Option<Vec<usize>> {
    module_graph(body, &[], is_resource_type).order.ok()
}

pub fn module_graph(
    body: &[Stmt],
    params: &[FieldDecl],
    is_resource_type: impl Fn(&str) -> bool,
) -> ModuleGraph {
    let mut declared = Declarations::default();
    for (index, stmt) in body.iter().enumerate() {
        declared.collect(stmt, index, true);
    }
    let mut graph: DiGraph<usize, ()> = DiGraph::new();
    let nodes: Vec<NodeIndex> = (0..body.len()).map(|index| graph.add_node(index)).collect();
    let mut used_names = BTreeSet::new();
    for (index, stmt) in body.iter().enumerate() {
        let mut references = References::new(&is_resource_type);
        references.stmt(stmt);
        for name in &references.names {
            if let Some(&target) = declared.names.get(name) {
                graph.update_edge(nodes[target], nodes[index], ());
            }
        }
        // Resources of one `for` or `if` body may refer to each other; only a single
        // statement referring to itself is a cycle.
        let compound = matches!(stmt.kind, StmtKind::For(_) | StmtKind::If(_));
        for (data, type_name, name) in &references.resources {
            for target in declared.resource_statements(*data, type_name, name.as_deref()) {
                if !(compound && target == index) {
                    graph.update_edge(nodes[target], nodes[index], ());
                }
            }
        }
        used_names.extend(references.names);
    }
    for param in params {
        if let Some(default) = &param.default {
            let mut references = References::new(&is_resource_type);
            references.expr(default);
            used_names.extend(references.names);
        }
    }
    let order = match source_ordered_toposort(&graph) {
        Some(order) => Ok(order),
        None => Err(tarjan_scc(&graph)
            .into_iter()
            .filter(|component| {
                component.len() > 1 || graph.contains_edge(component[0], component[0])
            })
            .map(|component| {
                // Edges point from what is used to its user, so follow them backwards.
                let uses = |node| {
                    graph
                        .neighbors_directed(node, Direction::Incoming)
                        .collect()
                };
                let path = cycle_order(&component, |node| graph[node], uses);
                path.into_iter().map(|node| graph[node]).collect()
            })
            .collect()),
    };
    ModuleGraph { order, used_names }
}

/// A topological order that, among the statements ready at each step, takes the one
/// written first: evaluation follows the source wherever dependencies allow, so
/// diagnostics come in reading order. `None` when the graph has a cycle.
fn source_ordered_toposort(graph: &DiGraph<usize, ()>) -> Option<Vec<usize>> {
    let mut waiting: Vec<usize> = graph
        .node_indices()
        .map(|node| graph.neighbors_directed(node, Direction::Incoming).count())
        .collect();
    let mut ready: BinaryHeap<Reverse<usize>> = graph
        .node_indices()
        .filter(|node| waiting[node.index()] == 0)
        .map(|node| Reverse(node.index()))
        .collect();
    let mut order = Vec::with_capacity(waiting.len());
    while let Some(Reverse(index)) = ready.pop() {
        order.push(graph[NodeIndex::new(index)]);
        for next in graph.neighbors_directed(NodeIndex::new(index), Direction::Outgoing) {
            waiting[next.index()] -= 1;
            if waiting[next.index()] == 0 {
                ready.push(Reverse(next.index()));
            }
        }
    }
    (order.len() == waiting.len()).then_some(order)
}

/// The nodes of a cycle in the order they refer to each other, starting with the one
/// whose `key` is smallest (the one written first): `a -> c -> b` when `a` uses `c`,
/// which uses `b`, which uses `a`.
pub fn cycle_order<N: Copy + PartialEq, K: Ord>(
    component: &[N],
    key: impl Fn(N) -> K,
    uses: impl Fn(N) -> Vec<N>,
) -> Vec<N> {
    let Some(&start) = component.iter().min_by_key(|node| key(**node)) else {
        return Vec::new();
    };
    let mut path = vec![start];
    let mut current = start;
    while let Some(next) = uses(current)
        .into_iter()
        .filter(|node| component.contains(node) && !path.contains(node))
        .min_by_key(|node| key(*node))
    {
        path.push(next);
        current = next;
    }
    path
}

/// Which statement declares each name and resource of a module body.
#[derive(Default)]
struct Declarations {
    names: HashMap<String, usize>,
    /// (data, type, name) of resources with a plain name; several `if` bodies may each
    /// declare the same one.
    plain: HashMap<(bool, String, String), Vec<usize>>,
    /// Statements declaring resources of a type with a computed name.
    templated: HashMap<(bool, String), Vec<usize>>,
}

impl Declarations {
    fn collect(&mut self, stmt: &Stmt, index: usize, top: bool) {
        match &stmt.kind {
            StmtKind::Let(decl) if top => {
                self.names.insert(decl.name.name.clone(), index);
            }
            StmtKind::Variable(decl) if top => {
                self.names.insert(decl.name.name.clone(), index);
            }
            StmtKind::Resource(decl) | StmtKind::Data(decl) => {
                let data = matches!(stmt.kind, StmtKind::Data(_));
                match &decl.name {
                    ResourceName::Plain(name) => {
                        self.plain
                            .entry((data, decl.type_name.name.clone(), name.name.clone()))
                            .or_default()
                            .push(index);
                    }
                    ResourceName::Template(_) => self
                        .templated
                        .entry((data, decl.type_name.name.clone()))
                        .or_default()
                        .push(index),
                }
            }
            StmtKind::For(ForStmt { body, .. }) | StmtKind::If(IfStmt { body, .. }) => {
                for inner in body {
                    self.collect(inner, index, false);
                }
            }
            _ => {}
        }
    }

    fn resource_statements(&self, data: bool, type_name: &str, name: Option<&str>) -> Vec<usize> {
        let mut found = Vec::new();
        match name {
            Some(name) => {
                let key = (data, type_name.to_string(), name.to_string());
                if let Some(indices) = self.plain.get(&key) {
                    found.extend(indices);
                }
            }
            None => found.extend(
                self.plain
                    .iter()
                    .filter(|((d, t, _), _)| *d == data && t == type_name)
                    .flat_map(|(_, indices)| indices.iter().copied()),
            ),
        }
        // A computed name may produce any name, so it matches when no plain one does.
        if found.is_empty() || name.is_none() {
            if let Some(indices) = self.templated.get(&(data, type_name.to_string())) {
                found.extend(indices);
            }
        }
        found
    }
}

/// The plain names an expression refers to, leaving out its own loop variables.
pub fn names_in(expr: &Expr) -> BTreeSet<String> {
    let never = |_: &str| false;
    let mut references = References::new(&never);
    references.expr(expr);
    references.names
}

/// Collects the names and resources an expression or statement refers to.
struct References<'f> {
    is_resource_type: &'f dyn Fn(&str) -> bool,
    shadowed: Vec<String>,
    names: BTreeSet<String>,
    /// (data, type, name); the name is `None` for `TYPE[expr]`.
    resources: BTreeSet<(bool, String, Option<String>)>,
}

impl<'f> References<'f> {
    fn new(is_resource_type: &'f dyn Fn(&str) -> bool) -> Self {
        References {
            is_resource_type,
            shadowed: Vec::new(),
            names: BTreeSet::new(),
            resources: BTreeSet::new(),
        }
    }

    fn stmt(&mut self, stmt: &Stmt) {
        match &stmt.kind {
            StmtKind::Let(decl) => self.expr(&decl.value),
            StmtKind::Resource(decl) | StmtKind::Data(decl) => {
                if let ResourceName::Template(expr) = &decl.name {
                    self.expr(expr);
                }
                self.block(&decl.body);
            }
            StmtKind::Provider(config) | StmtKind::Backend(config) => self.block(&config.body),
            StmtKind::For(for_stmt) => {
                self.expr(&for_stmt.iterable);
                let depth = self.shadowed.len();
                self.shadowed.push(for_stmt.var.name.clone());
                if let Some(index) = &for_stmt.index {
                    self.shadowed.push(index.name.clone());
                }
                self.body(&for_stmt.body);
                self.shadowed.truncate(depth);
            }
            StmtKind::If(if_stmt) => {
                self.expr(&if_stmt.condition);
                let depth = self.shadowed.len();
                self.body(&if_stmt.body);
                self.shadowed.truncate(depth);
            }
            StmtKind::Assert(assert) => {
                self.expr(&assert.condition);
                self.expr(&assert.message);
            }
            StmtKind::Output(output) => self.expr(&output.value),
            StmtKind::Variable(variable) => {
                if let Some(default) = &variable.default {
                    self.expr(default);
                }
            }
        }
    }

    /// A nested body: its `let`s shadow module-level names for the statements after them.
    fn body(&mut self, body: &[Stmt]) {
        for stmt in body {
            self.stmt(stmt);
            if let StmtKind::Let(decl) = &stmt.kind {
                self.shadowed.push(decl.name.name.clone());
            }
        }
    }

    fn block(&mut self, block: &Block) {
        for entry in &block.entries {
            match entry {
                BlockEntry::Attribute { value, .. } => self.expr(value),
                BlockEntry::Block { body, .. } => self.block(body),
            }
        }
    }

    fn free_resource_type(&self, name: &str) -> bool {
        !self.shadowed.iter().any(|shadow| shadow == name) && (self.is_resource_type)(name)
    }

    fn expr(&mut self, expr: &Expr) {
        match &expr.kind {
            ExprKind::Name(ident) => {
                if !self.shadowed.contains(&ident.name) {
                    self.names.insert(ident.name.clone());
                }
            }
            ExprKind::Field { target, field } => match &target.kind {
                ExprKind::Name(type_name) if self.free_resource_type(&type_name.name) => {
                    self.resources.insert((
                        false,
                        type_name.name.clone(),
                        Some(field.name.clone()),
                    ));
                }
                ExprKind::DataType(type_name) => {
                    self.resources
                        .insert((true, type_name.name.clone(), Some(field.name.clone())));
                }
                _ => self.expr(target),
            },
            ExprKind::Index { target, index } => {
                match &target.kind {
                    ExprKind::Name(type_name) if self.free_resource_type(&type_name.name) => {
                        self.resources.insert((false, type_name.name.clone(), None));
                    }
                    _ => self.expr(target),
                }
                self.expr(index);
            }
            ExprKind::Comprehension {
                var,
                index,
                iterable,
                body,
                filter,
            } => {
                self.expr(iterable);
                let depth = self.shadowed.len();
                self.shadowed.push(var.name.clone());
                if let Some(index) = index {
                    self.shadowed.push(index.name.clone());
                }
                self.expr(body);
                if let Some(filter) = filter {
                    self.expr(filter);
                }
                self.shadowed.truncate(depth);
            }
            _ => {
                for child in expr.children() {
                    self.expr(child);
                }
            }
        }
    }
}

//! Name resolution and the dependency graph. `graph` orders a module body's statements
//! and finds cycles; `names` checks, without evaluating anything, that every name used
//! anywhere (in modules no environment instantiates too) refers to a declaration.

pub mod graph;

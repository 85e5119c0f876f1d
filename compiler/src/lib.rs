//! `ragc` compiles `.rag` sources into Terraform JSON. The phases are `syntax` (parse),
//! `resolve` (the dependency graph), `check` (names, types and schemas without
//! evaluating), `eval` (values, with provenance), `lint` (AWS and security checks on the
//! evaluated stacks) and `emit` (Terraform JSON); `compile` runs them in order. See
//! `docs/architecture.md`.

pub mod check;
pub mod compile;
pub mod db;
pub mod diagnostics;
pub mod emit;
pub mod eval;
pub mod ide;
pub mod inspect;
pub mod lint;
pub mod parallel;
pub mod program;
pub mod resolve;
pub mod schema;
pub mod scope;
mod stdlib;

pub use ragc_syntax::{source, syntax};

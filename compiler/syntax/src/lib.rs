//! The syntax layer of `ragc`, a crate of its own so that the compiler's build script can
//! parse the standard library once, when `ragc` is built (see `compiler/build.rs`):
//! the grammar and parser (`syntax`), byte spans and line indexes (`source`),
//! diagnostics as data (`diagnostics`) and CIDR literals (`cidr`), which the parser
//! validates. Nothing here knows about names, types, values, salsa or editors.

pub mod cidr;
pub mod diagnostics;
pub mod source;
pub mod syntax;

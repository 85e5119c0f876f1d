//! Diagnostics: the data (`ragc_syntax::diagnostics`, shared with the syntax layer) and
//! their renderers.

pub mod render;

pub use ragc_syntax::diagnostics::*;

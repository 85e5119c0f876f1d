//! The standard library's `.rag` sources, embedded at build time by `build.rs`.

include!(concat!(env!("OUT_DIR"), "/stdlib_files.rs"));

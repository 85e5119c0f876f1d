//! Test support for ragc golden tests.

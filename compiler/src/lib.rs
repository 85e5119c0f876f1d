//! ragc

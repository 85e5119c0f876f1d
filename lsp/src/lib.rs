//! The `.rag` language server (`ragc lsp`).

/// Serves the Language Server Protocol on standard input and output until the client
/// asks it to exit.
pub fn run_stdio() -> std::io::Result<()> {
    Err(std::io::Error::other(
        "the language server is not built yet",
    ))
}

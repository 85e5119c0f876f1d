//! The `.rag` language server (`ragc lsp`): the Language Server Protocol over standard
//! input and output, on top of the compiler's salsa database (`ragc::db`) and editor
//! features (`ragc::ide`). This crate is the only one that knows the protocol: it turns
//! positions into offsets, runs the features on a snapshot, and turns their results into
//! protocol messages.
//!
//! Standard output carries the protocol, so nothing here may print to it.
#![deny(clippy::print_stdout, clippy::dbg_macro)]

mod convert;
mod diagnostics;
mod server;
mod session;

pub use server::{Backend, Config};

use tokio::io::{AsyncRead, AsyncWrite};
use tower_lsp_server::{LspService, Server};

/// Serves the Language Server Protocol on standard input and output until the client
/// asks it to exit.
pub fn run_stdio() -> std::io::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        // Room for the recursive walks over deeply nested (but accepted) expressions.
        .thread_stack_size(8 << 20)
        .build()?;
    runtime.block_on(serve(
        tokio::io::stdin(),
        tokio::io::stdout(),
        Config::default(),
    ));
    // Blocking work still running (a compilation) must not keep the process alive.
    runtime.shutdown_timeout(std::time::Duration::from_millis(100));
    Ok(())
}

/// Serves the protocol on any pair of streams until the client asks the server to exit
/// (or closes its input).
pub async fn serve<I, O>(input: I, output: O, config: Config)
where
    I: AsyncRead + Unpin,
    O: AsyncWrite,
{
    let (service, socket) = LspService::new(move |client| Backend::new(client, config));
    Server::new(input, output, socket).serve(service).await;
}

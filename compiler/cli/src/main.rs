//! The `ragc` command line: `build`, `check`, `fmt`, `explain` and `lsp`. It parses
//! arguments, calls the compiler library, renders diagnostics and writes outputs
//! atomically; the compiler itself never prints or writes.

mod inspect;
mod output;

use std::fmt::Write as _;
use std::io::{IsTerminal, Write as _};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand, ValueEnum};
use codespan_reporting::term::termcolor::{BufferWriter, ColorChoice};

use ragc::compile::{compile, Compilation, CompiledStack, Options};
use ragc::diagnostics::{render, Code, Diagnostic};
use ragc::parallel::map_in_order;
use ragc::program::Stdlib;
use ragc::schema::ProviderSchema;

// A compilation makes millions of small allocations, freed when each environment is
// done: mimalloc serves them in about half the time of the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Exit status when compilation found errors.
const EXIT_COMPILE_ERRORS: u8 = 1;
/// Exit status for usage and I/O errors.
const EXIT_USAGE: u8 = 2;

#[derive(Parser)]
#[command(
    name = "ragc",
    version,
    about = "Compile .rag sources into Terraform JSON for a FastAPI RAG service on ECS Fargate"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args)]
pub(crate) struct CompileArgs {
    /// The .rag files declaring the environments to compile.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Read the standard library from this folder instead of the embedded copy.
    #[arg(long, value_name = "DIR")]
    stdlib: Option<PathBuf>,
    /// Check resources against this provider schema (`terraform providers schema -json`)
    /// instead of the embedded AWS provider schema.
    #[arg(long, value_name = "FILE")]
    schema: Option<PathBuf>,
    /// How to print diagnostics.
    #[arg(long, value_enum, default_value_t = MessageFormat::Human)]
    message_format: MessageFormat,
    /// When to colour diagnostics.
    #[arg(long, value_enum, default_value_t = ColorWhen::Auto)]
    color: ColorWhen,
    /// How many threads evaluate environments; the default is one per available core.
    /// The output does not depend on it.
    #[arg(short, long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    jobs: Option<u16>,
}

#[derive(Subcommand)]
enum Command {
    /// Compile environments and write one Terraform root module (JSON) per environment.
    Build {
        #[command(flatten)]
        args: CompileArgs,
        /// Output folder: `build/<env>` by default; with several environments, each goes
        /// to `DIR/<env>`.
        #[arg(short, long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
    /// Compile environments and report diagnostics, without writing anything.
    Check {
        #[command(flatten)]
        args: CompileArgs,
    },
    /// Rewrite .rag files in the canonical layout.
    Fmt {
        /// Files to format.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Do not write; exit with status 1 when a file is not formatted.
        #[arg(long)]
        check: bool,
    },
    /// Print the explanation of a diagnostic code (`ragc explain RAG0404`).
    Explain {
        /// A code such as RAG0404, or its name, such as fargate-size.
        code: String,
    },
    /// Print what differs between environments: their settings and their stacks.
    Diff(inspect::DiffArgs),
    /// Print an environment's resource dependency graph (DOT, Mermaid or JSON).
    Graph(inspect::GraphArgs),
    /// Estimate each environment's monthly AWS bill from list prices.
    Cost(inspect::CostArgs),
    /// Run the language server on standard input and output.
    Lsp,
}

#[derive(Clone, Copy, ValueEnum)]
enum MessageFormat {
    Human,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum ColorWhen {
    Auto,
    Always,
    Never,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build { args, out } => run_compile(&args, Some(out)),
        Command::Check { args } => run_compile(&args, None),
        Command::Fmt { files, check } => output::format_files(&files, check),
        Command::Explain { code } => explain(&code),
        Command::Diff(args) => inspect::diff(&args),
        Command::Graph(args) => inspect::graph(&args),
        Command::Cost(args) => inspect::cost(&args),
        Command::Lsp => match ragc_lsp::run_stdio() {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("error: the language server stopped: {error}");
                ExitCode::from(EXIT_USAGE)
            }
        },
    }
}

/// Compiles, reports, and for `build` (when `out` is `Some`) writes the stacks.
fn run_compile(args: &CompileArgs, out: Option<Option<PathBuf>>) -> ExitCode {
    let started = Instant::now();
    let emit = out.is_some();
    let compiled = compile_args(args, |options| Options { emit, ..options });
    let (compilation, sources) = match compiled {
        Ok(compiled) => compiled,
        Err(code) => return code,
    };
    let code = conclude(&compilation, args, out, started);
    // The process ends here: freeing the compilation's many small allocations would take
    // a tenth of a large build, for memory the system takes back anyway.
    std::mem::forget(compilation);
    std::mem::forget(sources);
    code
}

/// Compiles the files of `args` with the options `adjust` makes of the defaults (the
/// schema, standard library and `-j` of the command line), or says why it cannot start.
pub(crate) fn compile_args(
    args: &CompileArgs,
    adjust: impl FnOnce(Options<'static>) -> Options<'static>,
) -> Result<(Compilation, ragc::db::Database), ExitCode> {
    let schema = load_schema(args.schema.as_deref()).map_err(|message| usage_error(&message))?;
    let stdlib = match &args.stdlib {
        Some(dir) if !dir.is_dir() => {
            return Err(usage_error(&format!(
                "--stdlib: `{}` is not a folder",
                dir.display()
            )))
        }
        Some(dir) => Stdlib::Folder(dir.clone()),
        None => Stdlib::Embedded,
    };
    let roots: Vec<String> = args
        .files
        .iter()
        .map(|path| path.to_string_lossy().into_owned())
        .collect();
    for root in &args.files {
        if !root.is_file() {
            return Err(usage_error(&format!(
                "cannot read `{}`: no such file",
                root.display()
            )));
        }
    }
    // The language server's salsa database: files are read from the disk, parsed and
    // checked through its queries, as in the editor.
    let sources = ragc::db::Database::new(stdlib.clone()).with_schema(schema);
    let options = adjust(Options {
        jobs: jobs(args),
        ..Options::new(stdlib, schema)
    });
    let compilation = compile(&sources, &options, &roots);
    Ok((compilation, sources))
}

/// Reports the diagnostics and, when there is no error, writes the stacks (`build`) or
/// says what was checked (`check`).
fn conclude(
    compilation: &Compilation,
    args: &CompileArgs,
    out: Option<Option<PathBuf>>,
    started: Instant,
) -> ExitCode {
    if let Err(code) = report_and_fail_on_errors(compilation, args, "; nothing was written") {
        return code;
    }
    let Some(out) = out else {
        if compilation.stacks.is_empty() {
            eprintln!("checked: no errors; the files declare no environment");
        }
        let lines = compilation.stacks.iter().map(|stack| {
            format!(
                "checked {} ({} resources)\n",
                stack.name, stack.resource_count
            )
        });
        print_to_stderr(&lines.collect::<String>());
        return ExitCode::SUCCESS;
    };
    if compilation.stacks.is_empty() {
        return usage_error("the files declare no environment (`env NAME = MODULE { ... }`)");
    }
    let several = compilation.stacks.len() > 1;
    let dirs: Vec<PathBuf> = compilation
        .stacks
        .iter()
        .map(|stack| match (&out, several) {
            (Some(dir), true) => dir.join(&stack.name),
            (Some(dir), false) => dir.clone(),
            (None, _) => Path::new("build").join(&stack.name),
        })
        .collect();
    let targets: Vec<(&PathBuf, &CompiledStack)> = dirs.iter().zip(&compilation.stacks).collect();
    // Written on as many threads as the compilation used when there are enough stacks to
    // be worth starting them (a stack takes about 50 µs); each stack's time is when its
    // last file was renamed into place.
    let write_jobs = if targets.len() >= 16 { jobs(args) } else { 1 };
    let written = map_in_order(
        &targets,
        write_jobs,
        || (),
        |(), (dir, stack)| output::write_stack(dir, &stack.files).map(|()| started.elapsed()),
    );
    let mut summary = String::new();
    for ((dir, stack), result) in targets.into_iter().zip(written) {
        let elapsed = match result {
            Ok(elapsed) => elapsed,
            Err(error) => {
                print_to_stderr(&summary);
                return usage_error(&format!("cannot write `{}`: {error}", dir.display()));
            }
        };
        let _ = writeln!(
            summary,
            "wrote {} ({} resources) in {:.1} ms",
            dir.display(),
            stack.resource_count,
            elapsed.as_secs_f64() * 1000.0
        );
    }
    print_to_stderr(&summary);
    ExitCode::SUCCESS
}

/// Prints the diagnostics to the standard error; when there are errors, says so (with
/// `consequence` appended) and gives the exit status.
pub(crate) fn report_and_fail_on_errors(
    compilation: &Compilation,
    args: &CompileArgs,
    consequence: &str,
) -> Result<(), ExitCode> {
    report(compilation, args);
    if !compilation.has_errors() {
        return Ok(());
    }
    let errors = compilation
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .count();
    eprintln!(
        "error: compilation failed with {errors} error{}{consequence}",
        plural(errors)
    );
    Err(ExitCode::from(EXIT_COMPILE_ERRORS))
}

/// The `-j` of the command, or 0: one thread per available core.
fn jobs(args: &CompileArgs) -> usize {
    args.jobs.map_or(0, usize::from)
}

/// Writes `text` to the standard error with one system call: `eprintln!` writes each
/// piece of its format separately, as standard error is not buffered.
fn print_to_stderr(text: &str) {
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

/// The embedded schema, or the user's, kept for the whole (short) life of the process.
fn load_schema(path: Option<&Path>) -> Result<&'static ProviderSchema, String> {
    match path {
        None => Ok(ProviderSchema::embedded()),
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|error| format!("--schema: cannot read `{}`: {error}", path.display()))?;
            let schema = ProviderSchema::from_json(&text)
                .map_err(|error| format!("--schema: `{}`: {error}", path.display()))?;
            Ok(Box::leak(Box::new(schema)))
        }
    }
}

fn report(compilation: &Compilation, args: &CompileArgs) {
    let diagnostics: &[Diagnostic] = &compilation.diagnostics;
    match args.message_format {
        MessageFormat::Json => {
            let lines: String = diagnostics
                .iter()
                .map(|diagnostic| {
                    format!("{}\n", render::to_json(&compilation.program, diagnostic))
                })
                .collect();
            print_to_stderr(&lines);
        }
        MessageFormat::Human => {
            let choice = match args.color {
                ColorWhen::Always => ColorChoice::Always,
                ColorWhen::Never => ColorChoice::Never,
                ColorWhen::Auto
                    if std::io::stderr().is_terminal()
                        && std::env::var_os("NO_COLOR").is_none() =>
                {
                    ColorChoice::Auto
                }
                ColorWhen::Auto => ColorChoice::Never,
            };
            // Rendered into one buffer and written at once: codespan-reporting writes
            // each piece of a diagnostic separately, hundreds of system calls unbuffered.
            let stderr = BufferWriter::stderr(choice);
            let mut buffer = stderr.buffer();
            let _ = render::to_terminal(&mut buffer, &compilation.program, diagnostics);
            let _ = stderr.print(&buffer);
        }
    }
}

fn explain(code: &str) -> ExitCode {
    match Code::parse(code) {
        Some(code) => {
            let info = code.info();
            let explanation: Vec<&str> = info.explanation.lines().map(str::trim).collect();
            println!(
                "{} ({})\n\n{}",
                info.code,
                info.name,
                explanation.join("\n").trim()
            );
            ExitCode::SUCCESS
        }
        None => usage_error(&format!(
            "unknown diagnostic code `{code}`; codes look like RAG0404"
        )),
    }
}

pub(crate) fn usage_error(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(EXIT_USAGE)
}

fn plural(count: usize) -> &'static str {
    if count == 1 {
        ""
    } else {
        "s"
    }
}

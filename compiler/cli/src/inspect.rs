//! `ragc diff`, `ragc graph` and `ragc cost`: compile, then print what the compiler knows
//! about the environments (`ragc::inspect`) to the standard output. With errors, only
//! the diagnostics are printed (to the standard error) and nothing to the standard output.

use std::io::Write as _;
use std::process::ExitCode;

use clap::ValueEnum;

use ragc::compile::Compilation;
use ragc::compile::Options;
use ragc::inspect::cost::UsageFile;
use ragc::inspect::{environments, graph as dependency_graph, Environment};

use crate::{compile_args, report_and_fail_on_errors, usage_error, CompileArgs};

#[derive(clap::Args)]
pub struct GraphArgs {
    #[command(flatten)]
    args: CompileArgs,
    /// The environment, when the files declare several.
    #[arg(long, value_name = "NAME")]
    env: Option<String>,
    /// How to print the graph.
    #[arg(long, value_enum, default_value_t = GraphFormat::Dot)]
    format: GraphFormat,
    /// Only the edges that no other path implies (the transitive reduction), as
    /// `terraform graph` draws them.
    #[arg(long)]
    reduced: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum GraphFormat {
    Dot,
    Mermaid,
    Json,
}

pub fn graph(graph_args: &GraphArgs) -> ExitCode {
    with_environments(
        &graph_args.args,
        graph_args.env.as_slice(),
        |compilation, envs| {
            let env = match envs.as_slice() {
                [env] => env,
                _ => {
                    let names: Vec<&str> = envs.iter().map(|env| env.name).collect();
                    return Err(format!(
                        "the files declare {} environments ({}): choose one with --env NAME",
                        names.len(),
                        names.join(", ")
                    ));
                }
            };
            let graph =
                dependency_graph::graph(&compilation.program, env.stack, graph_args.reduced);
            Ok(match graph_args.format {
                GraphFormat::Dot => graph.to_dot(env.name),
                GraphFormat::Mermaid => graph.to_mermaid(),
                GraphFormat::Json => graph.to_json(),
            })
        },
    )
}

/// Compiles `args` keeping the evaluated stacks, selects the environments named in
/// `only` (all of the root files' when empty), and prints what `show` makes of them.
fn with_environments(
    args: &CompileArgs,
    only: &[String],
    show: impl FnOnce(&Compilation, Vec<Environment<'_>>) -> Result<String, String>,
) -> ExitCode {
    let compiled = compile_args(args, |options| Options {
        emit: true,
        keep_evaluated: true,
        ..options
    });
    let (compilation, _sources) = match compiled {
        Ok(compiled) => compiled,
        Err(code) => return code,
    };
    if let Err(code) = report_and_fail_on_errors(&compilation, args, "") {
        return code;
    }
    let text = environments(&compilation, only).and_then(|envs| {
        if envs.is_empty() {
            return Err("the files declare no environment (`env NAME = MODULE { ... }`)".into());
        }
        show(&compilation, envs)
    });
    match text {
        Ok(text) => {
            let _ = std::io::stdout().lock().write_all(text.as_bytes());
            ExitCode::SUCCESS
        }
        Err(message) => usage_error(&message),
    }
}

#[derive(clap::Args)]
pub struct DiffArgs {
    #[command(flatten)]
    args: CompileArgs,
    /// Compare only these environments (twice or more), in this order.
    #[arg(long = "env", value_name = "NAME")]
    envs: Vec<String>,
    /// How to print the differences.
    #[arg(long, value_enum, default_value_t = DiffFormat::Table)]
    format: DiffFormat,
}

#[derive(Clone, Copy, ValueEnum)]
enum DiffFormat {
    Table,
    Markdown,
    Json,
}

pub fn diff(diff_args: &DiffArgs) -> ExitCode {
    with_environments(&diff_args.args, &diff_args.envs, |_, envs| {
        if envs.len() < 2 {
            return Err(format!(
                "diff compares two or more environments; the files give only `{}` (name two .rag files, or --env twice)",
                envs[0].name
            ));
        }
        let diff = ragc::inspect::diff::diff(&envs);
        Ok(match diff_args.format {
            DiffFormat::Table => diff.to_text(colours_on_stdout()),
            DiffFormat::Markdown => diff.to_markdown(),
            DiffFormat::Json => diff.to_json(),
        })
    })
}

/// Colours when the standard output is a terminal and `NO_COLOR` is not set.
fn colours_on_stdout() -> bool {
    use std::io::IsTerminal;
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

#[derive(clap::Args)]
pub struct CostArgs {
    #[command(flatten)]
    args: CompileArgs,
    /// Estimate only these environments, in this order.
    #[arg(long = "env", value_name = "NAME")]
    envs: Vec<String>,
    /// Usage assumptions (JSON: `{"default": {...}, "env": {"prod": {...}}}`, fields as
    /// printed with the estimate) instead of the built-in ones.
    #[arg(long, value_name = "FILE")]
    usage: Option<std::path::PathBuf>,
    /// How to print the estimate.
    #[arg(long, value_enum, default_value_t = CostFormat::Table)]
    format: CostFormat,
}

#[derive(Clone, Copy, ValueEnum)]
enum CostFormat {
    Table,
    Json,
}

pub fn cost(cost_args: &CostArgs) -> ExitCode {
    let usage = match &cost_args.usage {
        None => UsageFile::default(),
        Some(path) => {
            let parsed = std::fs::read_to_string(path)
                .map_err(|error| error.to_string())
                .and_then(|text| UsageFile::parse(&text));
            match parsed {
                Ok(usage) => usage,
                Err(error) => {
                    return usage_error(&format!("--usage `{}`: {error}", path.display()))
                }
            }
        }
    };
    with_environments(&cost_args.args, &cost_args.envs, |_, envs| {
        let names: Vec<&str> = envs.iter().map(|env| env.name).collect();
        if let Some(unknown) = usage.unknown_envs(&names).first() {
            return Err(format!(
                "--usage names the environment `{unknown}`, which is not being estimated"
            ));
        }
        let estimate = ragc::inspect::cost::estimate(&envs, &usage);
        Ok(match cost_args.format {
            CostFormat::Table => estimate.to_text(colours_on_stdout()),
            CostFormat::Json => estimate.to_json(),
        })
    })
}

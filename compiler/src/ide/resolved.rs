//! What each environment resolves to, shown in the editor as `ragc diff` and `ragc cost`
//! show it, by the same code (`inspect`): on an environment's name, the settings that
//! differ from each other environment of its module and the monthly estimate; after a
//! field's value, an inlay hint with what the evaluation made of it (`zones` → the zone
//! names, `nat` → how many NAT gateways, `capacity` → the task range and its Fargate
//! cost). Computed with the value notes, once per compilation, as plain data.

use super::values::{ValueNote, ValueNotes};
use super::Analysis;
use crate::compile::Compilation;
use crate::diagnostics::FileId;
use crate::eval::stack::Stack;
use crate::eval::value::{format_number, Value};
use crate::inspect::cost::{estimate, money_range, task_count, EnvCost, Monthly, UsageFile};
use crate::inspect::diff::diff;
use crate::inspect::{environments, Environment};
use crate::source::Span;

/// A label shown after the byte `offset` of the file `path`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InlayHint {
    pub path: String,
    pub offset: usize,
    pub label: String,
}

/// Kinds of cost listed under the estimate in a hover, the largest first.
const TOP_ITEMS: usize = 3;

/// Adds the hover of each root environment's name and the hints of its fields to
/// `notes`. A compilation with errors has no environments, so adds nothing.
pub(crate) fn env_facts(compilation: &Compilation, notes: &mut ValueNotes) {
    let Ok(envs) = environments(compilation, &[]) else {
        return;
    };
    let costs = estimate(&envs, &UsageFile::default());
    for (env, cost) in envs.iter().zip(&costs.envs) {
        notes.notes.push(ValueNote {
            path: env.file.path.clone(),
            span: env.decl.name.span,
            markdown: env_hover(env, &envs, cost),
        });
        notes.hints.extend(hints(env, cost));
    }
}

pub(crate) fn inlay_hints(analysis: &Analysis<'_>, file: FileId, range: Span) -> Vec<InlayHint> {
    let file = analysis.program.file(file);
    analysis
        .values
        .map(|values| {
            values
                .hints_in(&file.path, &file.text, range)
                .cloned()
                .collect()
        })
        .unwrap_or_default()
}

/// The settings `env` writes differently from each other environment of its module,
/// as `ragc diff` lists them, and its monthly estimate, as `ragc cost` gives it.
fn env_hover(env: &Environment<'_>, envs: &[Environment<'_>], cost: &EnvCost) -> String {
    let module = &env.decl.module.name;
    let others = envs.iter().filter(|other| other.name != env.name);
    let (peers, strangers): (Vec<&Environment<'_>>, Vec<&Environment<'_>>) =
        others.partition(|other| other.decl.module.name == *module);
    let mut sections = Vec::new();
    for other in &peers {
        let settings = diff(&[*env, **other]);
        sections.push(if settings.settings.is_empty() {
            format!("**Written the same as `{}`**", other.name)
        } else {
            format!(
                "**Differs from `{}`:**\n\n{}",
                other.name,
                settings.settings_markdown().trim_end()
            )
        });
    }
    if peers.is_empty() {
        sections.push(format!(
            "The only environment of `{module}`: nothing to compare it with."
        ));
    }
    if !strangers.is_empty() {
        let names: Vec<String> = strangers
            .iter()
            .map(|other| format!("`{}`", other.name))
            .collect();
        let which = if names.len() == 1 {
            "which instantiates"
        } else {
            "which instantiate"
        };
        sections.push(format!(
            "Not compared with {}, {which} another module.",
            names.join(", ")
        ));
    }
    sections.push(estimate_text(cost));
    sections.join("\n\n")
}

/// "Monthly estimate: $X–$Y", then the largest kinds of cost.
fn estimate_text(cost: &EnvCost) -> String {
    if cost.items.is_empty() {
        let why = cost
            .unpriced
            .first()
            .map_or("nothing in it is priced", |unpriced| {
                unpriced.reason.as_str()
            });
        return format!("**No monthly estimate:** {why}.");
    }
    let mut lines = vec![format!(
        "**Monthly estimate: {}** in `{}`, with `ragc cost`'s default usage:",
        money_range(cost.monthly),
        cost.region
    )];
    let mut kinds: Vec<(String, Monthly)> = cost.by_category().into_iter().collect();
    kinds.sort_by(|a, b| b.1.max.total_cmp(&a.1.max).then(a.0.cmp(&b.0)));
    for (kind, monthly) in kinds.iter().take(TOP_ITEMS) {
        lines.push(format!("- {kind}: {}", money_range(*monthly)));
    }
    if kinds.len() > TOP_ITEMS {
        lines.push(format!(
            "- and {} more kinds (`ragc cost` lists every line)",
            kinds.len() - TOP_ITEMS
        ));
    }
    lines.join("\n")
}

/// A hint after the value of each field whose outcome the stack shows.
fn hints(env: &Environment<'_>, cost: &EnvCost) -> Vec<InlayHint> {
    env.decl
        .fields
        .iter()
        .filter_map(|field| {
            let label = match field.key.name.as_str() {
                "zones" => zones(env.stack),
                "nat" => nat_gateways(env.stack),
                "capacity" => tasks(env.stack, cost),
                _ => None,
            }?;
            Some(InlayHint {
                path: env.file.path.clone(),
                offset: field.value.span.end as usize,
                label: format!("→ {label}"),
            })
        })
        .collect()
}

/// The availability zones of the stack's subnets: `us-east-1a, us-east-1b`.
fn zones(stack: &Stack) -> Option<String> {
    let mut zones: Vec<&str> = Vec::new();
    for subnet in stack.of_type("aws_subnet") {
        if let Some(zone) = subnet
            .body
            .value("availability_zone")
            .and_then(Value::as_str)
        {
            if !zones.contains(&zone) {
                zones.push(zone);
            }
        }
    }
    (!zones.is_empty()).then(|| zones.join(", "))
}

/// `3 NAT gateways`.
fn nat_gateways(stack: &Stack) -> Option<String> {
    let count = stack.of_type("aws_nat_gateway").count();
    Some(format!("{count} NAT gateway{}", plural(count as f64)))
}

/// Each ECS service's task count and what its tasks cost: `2–4 tasks, $72.08–$144.16 a
/// month`.
fn tasks(stack: &Stack, cost: &EnvCost) -> Option<String> {
    let services: Vec<String> = stack
        .of_type("aws_ecs_service")
        .map(|service| {
            let (min, max) = task_count(stack, service);
            let mut text = if min == max {
                format_number(min)
            } else {
                format!("{}–{}", format_number(min), format_number(max))
            };
            text.push_str(&format!(" task{}", plural(max)));
            if let Some(monthly) = cost.monthly_of(&service.address.to_string()) {
                text.push_str(&format!(", {} a month", money_range(monthly)));
            }
            text
        })
        .collect();
    (!services.is_empty()).then(|| services.join("; "))
}

fn plural(count: f64) -> &'static str {
    if count == 1.0 {
        ""
    } else {
        "s"
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::sync::Arc;

    use super::*;
    use crate::compile::{compile, Compilation, Options};
    use crate::db::Database;
    use crate::ide::value_notes;
    use crate::program::{normalize, Stdlib};
    use crate::schema::ProviderSchema;

    /// The path of `envs/<name>` in the repository.
    fn env_file(name: &str) -> String {
        normalize(
            &Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../envs")
                .join(name),
        )
    }

    /// Compiles the repository's `envs/` as the language server does, with `edits`
    /// replacing what some files read.
    fn compile_envs(edits: &[(&str, String)]) -> Compilation {
        let mut db = Database::new(Stdlib::Embedded);
        for (name, text) in edits {
            db.set_file(&env_file(name), Arc::from(text.as_str()));
        }
        let roots: Vec<String> = ["global.rag", "prod.rag", "staging.rag"]
            .iter()
            .map(|name| env_file(name))
            .collect();
        let options = Options {
            keep_evaluated: true,
            ..Options::new(Stdlib::Embedded, ProviderSchema::embedded())
        };
        compile(&db, &options, &roots)
    }

    fn analysis<'a>(compilation: &'a Compilation, notes: &'a ValueNotes) -> Analysis<'a> {
        Analysis {
            program: &compilation.program,
            schema: ProviderSchema::embedded(),
            known_files: &[],
            values: Some(notes),
            stdlib_editable: false,
        }
    }

    /// Each hint of `name` as `text before it ⟨label⟩`, the text being the line's end.
    fn hints_of(compilation: &Compilation, name: &str) -> Vec<String> {
        let notes = value_notes(compilation);
        let Some(file) = compilation.program.file_by_path(&env_file(name)) else {
            return Vec::new();
        };
        let text = &compilation.program.file(file).text;
        analysis(compilation, &notes)
            .inlay_hints(file, Span::new(0, text.len()))
            .into_iter()
            .map(|hint| {
                let line = text[..hint.offset].rsplit('\n').next().unwrap_or("");
                format!("{} ⟨{}⟩", line.trim(), hint.label)
            })
            .collect()
    }

    fn hover_on_name(compilation: &Compilation, name: &str, env: &str) -> Option<String> {
        let notes = value_notes(compilation);
        let file = compilation.program.file_by_path(&env_file(name))?;
        let text = &compilation.program.file(file).text;
        let offset = text.find(&format!("env {env} "))? + 5;
        analysis(compilation, &notes)
            .hover(file, offset)
            .map(|hover| hover.markdown)
    }

    #[test]
    fn hints_show_the_zones_nat_gateways_and_tasks_each_environment_resolved_to() {
        let compilation = compile_envs(&[]);
        assert_eq!(
            hints_of(&compilation, "prod.rag"),
            [
                "zones         = 3 ⟨→ us-east-1a, us-east-1b, us-east-1c⟩",
                "nat           = per_zone ⟨→ 3 NAT gateways⟩",
                "capacity      = autoscale(2..4, cpu_target = 60%) ⟨→ 2–4 tasks, $72.08–$144.16 a month⟩",
            ]
        );
        assert_eq!(
            hints_of(&compilation, "staging.rag"),
            [
                "zones         = 2 ⟨→ us-east-1a, us-east-1b⟩",
                "nat           = single ⟨→ 1 NAT gateway⟩",
                "capacity      = fixed(1) ⟨→ 1 task, $18.02 a month⟩",
            ]
        );
        assert_eq!(hints_of(&compilation, "global.rag"), Vec::<String>::new());
    }

    #[test]
    fn hints_are_those_within_the_range_asked_for() {
        let compilation = compile_envs(&[]);
        let notes = value_notes(&compilation);
        let file = compilation.program.file_by_path(&env_file("prod.rag"));
        let Some(file) = file else {
            panic!("prod.rag is loaded")
        };
        let text = &compilation.program.file(file).text;
        let nat_line = text.find("  nat").unwrap_or_default();
        let range = Span::new(nat_line, nat_line + "  nat           = per_zone".len());
        let hints = analysis(&compilation, &notes).inlay_hints(file, range);
        let labels: Vec<&str> = hints.iter().map(|hint| hint.label.as_str()).collect();
        assert_eq!(labels, ["→ 3 NAT gateways"]);
    }

    #[test]
    fn the_hover_on_an_environment_shows_its_differences_and_its_estimate() {
        let compilation = compile_envs(&[]);
        let hover = hover_on_name(&compilation, "staging.rag", "staging").unwrap_or_default();
        assert!(
            hover.starts_with("```rag\nenv staging = fargate_rag\n```"),
            "{hover}"
        );
        let expected = "**Differs from `prod`:**\n\n\
            | Setting | staging | prod |\n\
            | :--- | :--- | :--- |\n\
            | **zones** | `2` | `3` |\n\
            | **nat** | `single` | `per_zone` |\n\
            | **capacity** | `fixed(1)` | `autoscale(2..4, cpu_target = 60%)` |\n";
        assert!(hover.contains(expected), "{hover}");
        assert!(
            hover.contains("Not compared with `global`, which instantiates another module."),
            "{hover}"
        );
        assert!(
            hover.contains(
                "**Monthly estimate: $90.57** in `us-east-1`, with `ragc cost`'s default usage:\n\
                 - NAT gateway hours: $32.85\n\
                 - load balancer hours: $16.43\n\
                 - Fargate vCPU: $14.78\n"
            ),
            "{hover}"
        );
        let prod = hover_on_name(&compilation, "prod.rag", "prod").unwrap_or_default();
        assert!(prod.contains("**Differs from `staging`:**"), "{prod}");
        assert!(prod.contains("| **zones** | `3` | `2` |"), "{prod}");
        assert!(
            prod.contains("**Monthly estimate: $225.78–$297.86**"),
            "{prod}"
        );
        let global = hover_on_name(&compilation, "global.rag", "global").unwrap_or_default();
        assert!(
            global.contains("The only environment of `global_platform`"),
            "{global}"
        );
        assert!(global.contains("**Monthly estimate: "), "{global}");
    }

    #[test]
    fn with_errors_there_are_no_hints_and_the_hover_has_no_estimate() {
        let staging = std::fs::read_to_string(env_file("staging.rag")).unwrap_or_default();
        let broken = staging.replace("zones         = 2", "zones         = \"two\"");
        assert_ne!(broken, staging);
        let compilation = compile_envs(&[("staging.rag", broken)]);
        assert!(compilation.has_errors());
        assert_eq!(hints_of(&compilation, "staging.rag"), Vec::<String>::new());
        assert_eq!(hints_of(&compilation, "prod.rag"), Vec::<String>::new());
        let hover = hover_on_name(&compilation, "staging.rag", "staging").unwrap_or_default();
        assert!(hover.starts_with("```rag\nenv staging"), "{hover}");
        assert!(!hover.contains("Monthly estimate"), "{hover}");
    }
}

//! Hover: what a name is (its declaration, type and doc comment), what a quantity
//! means (`1 vcpu` is 1024 CPU units and allows 2–8 GB on Fargate), what a built-in
//! function, type or resource type does, and, after an evaluation, what an
//! environment's field turned into and, on an environment's name, how it differs from
//! the others and what it costs a month (`resolved`).

use super::lexer::{tokenize, TokenKind};
use super::resolve::{index_file, index_item_at, Def};
use super::{Analysis, HoverInfo};
use crate::diagnostics::FileId;
use crate::eval::value::format_number;
use crate::eval::BUILTINS;
use crate::lint::fargate::{
    cpu_text, fargate_memory_range as fargate_memory, memory_range_text, FARGATE_CPUS,
    RETENTION_DAYS,
};
use crate::schema::ProviderSchema;
use crate::source::Span;

pub(crate) fn hover(analysis: &Analysis<'_>, file: FileId, offset: usize) -> Option<HoverInfo> {
    let program = analysis.program;
    let text = &program.file(file).text;
    if let Some(found) = quantity_hover(text, offset) {
        return Some(found);
    }
    let index = index_file(program, analysis.schema, file);
    let found = match index.at(offset) {
        Some(occurrence) => describe(analysis, &occurrence.def).map(|text| (occurrence.span, text)),
        None => fallback(analysis, file, offset),
    };
    // What the last evaluation made of an environment's field, on its key or its value.
    let path = &program.file(file).path;
    let notes: Vec<&super::ValueNote> = analysis
        .values
        .map(|values| values.at(path, text, offset).collect())
        .unwrap_or_default();
    let (span, mut markdown) = match (found, notes.first()) {
        (Some(found), _) => found,
        (None, Some(note)) => (note.span, String::new()),
        (None, None) => return None,
    };
    for note in notes {
        if !markdown.is_empty() {
            markdown.push_str("\n\n---\n\n");
        }
        markdown.push_str(&note.markdown);
    }
    Some(HoverInfo { markdown, span })
}

/// A hover for a name in a part of the file that did not parse: the top-level
/// declaration, built-in function or resource type of that name.
fn fallback(analysis: &Analysis<'_>, file: FileId, offset: usize) -> Option<(Span, String)> {
    let text = &analysis.program.file(file).text;
    let token = tokenize(text).into_iter().find(|token| {
        token.kind == TokenKind::Ident && token.start <= offset && offset <= token.end
    })?;
    let span = Span::new(token.start, token.end);
    let def = if let Some(item) = analysis.program.lookup(file, token.text) {
        let name = analysis.program.item(item).name()?;
        let index = index_item_at(analysis.program, analysis.schema, item.file, name.span);
        index.at(name.span.start as usize)?.def.clone()
    } else if let Some(builtin) = BUILTINS.iter().find(|b| b.name == token.text) {
        Def::Builtin(builtin.name)
    } else if analysis.schema.has_resource(token.text) {
        Def::ResourceType {
            data: false,
            type_name: token.text.to_string(),
        }
    } else {
        return None;
    };
    Some((span, describe(analysis, &def)?))
}

/// The hover text of what a name refers to.
pub(crate) fn describe(analysis: &Analysis<'_>, def: &Def) -> Option<String> {
    let program = analysis.program;
    match def {
        Def::Source { file, span, kind } => {
            let index = index_item_at(program, analysis.schema, *file, *span);
            let decl = index.decl(*span)?;
            let mut text = format!("```rag\n{}\n```", decl.signature);
            let mut about = kind.describe().to_string();
            if let Some(container) = &decl.container {
                about.push_str(&format!(" in `{container}`"));
            }
            let path = &program.file(*file).path;
            text.push_str(&format!("\n\n*{about}* — `{}`", short_path(path)));
            if let Some(doc) = &decl.doc {
                text.push_str("\n\n");
                text.push_str(doc.trim());
            }
            Some(text)
        }
        Def::Builtin(name) => {
            let builtin = BUILTINS.iter().find(|b| b.name == *name)?;
            Some(format!(
                "```rag\n{}\n```\n\n*built-in function*\n\n{}",
                builtin.signature, builtin.doc
            ))
        }
        Def::BuiltinType(name) => Some(format!(
            "```rag\n{name}\n```\n\n*built-in type* — {}",
            builtin_type_doc(name)
        )),
        Def::ResourceType { data, type_name } => {
            resource_summary(analysis.schema, *data, type_name)
        }
        Def::Attribute {
            data,
            type_name,
            path,
        } => attribute_summary(analysis.schema, *data, type_name, path),
        Def::File(file) => Some(format!("file `{}`", program.file(*file).path)),
    }
}

fn short_path(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

fn builtin_type_doc(name: &str) -> &'static str {
    match name {
        "Any" => "any value",
        "Bool" => "`true` or `false`",
        "Cidr" => "an IPv4 address range, written `10.0.0.0/16`",
        "Cpu" => "CPU, written `0.25 vcpu` to `16 vcpu` (1 vcpu = 1024 CPU units)",
        "Duration" => "a duration, written `30 days`",
        "Int" => "a whole number",
        "List" => "a list: `List<T>`, written `[a, b]`",
        "Map" => "a map from strings: `Map<T>`, written `{ key = value }`",
        "Memory" => "memory, written `512 MB`, `2 GB`, `1 GiB` (1 GB = 1024 MiB)",
        "Number" => "a number",
        "Percent" => "a percentage, written `60%`",
        "Range" => "a range of whole numbers, written `2..4`",
        "String" => "text, written `\"...\"` with `${...}` interpolations",
        "Zone" => "an availability zone name such as `us-east-1a`",
        _ => "a built-in type",
    }
}

fn resource_summary(schema: &ProviderSchema, data: bool, type_name: &str) -> Option<String> {
    let block = if data {
        schema.data_source(type_name)?
    } else {
        schema.resource(type_name)?
    };
    let kind = if data { "data source" } else { "resource type" };
    let mut text = format!(
        "```rag\n{} {type_name}\n```\n\n*AWS {kind}*",
        if data { "data" } else { "resource" }
    );
    if let Some(description) = &block.description {
        text.push_str("\n\n");
        text.push_str(description.trim());
    }
    let required: Vec<String> = block
        .required_attributes()
        .map(|(name, attribute)| format!("`{name}`: {}", attribute.ty))
        .collect();
    let required_blocks: Vec<String> = block
        .blocks
        .iter()
        .filter(|(_, nested)| nested.min_items > 0)
        .map(|(name, _)| format!("`{name} {{ ... }}`"))
        .collect();
    let mut all_required = required;
    all_required.extend(required_blocks);
    text.push_str("\n\nRequired: ");
    text.push_str(&if all_required.is_empty() {
        "nothing".to_string()
    } else {
        all_required.join(", ")
    });
    let optional: Vec<&str> = block
        .arguments()
        .filter(|(_, attribute)| !attribute.required)
        .map(|(name, _)| name)
        .collect();
    if !optional.is_empty() {
        let shown: Vec<String> = optional
            .iter()
            .take(12)
            .map(|name| format!("`{name}`"))
            .collect();
        let more = optional.len().saturating_sub(12);
        text.push_str(&format!(
            "\n\nOptional ({}): {}",
            optional.len(),
            shown.join(", ")
        ));
        if more > 0 {
            text.push_str(&format!(" and {more} more"));
        }
    }
    let blocks: Vec<String> = block
        .blocks
        .iter()
        .filter(|(_, nested)| nested.min_items == 0)
        .map(|(name, _)| format!("`{name}`"))
        .collect();
    if !blocks.is_empty() {
        text.push_str(&format!("\n\nBlocks: {}", blocks.join(", ")));
    }
    Some(text)
}

fn attribute_summary(
    schema: &ProviderSchema,
    data: bool,
    type_name: &str,
    path: &[String],
) -> Option<String> {
    let mut block = if data {
        schema.data_source(type_name)?
    } else {
        schema.resource(type_name)?
    };
    let (last, parents) = path.split_last()?;
    for name in parents {
        block = &block.block(name)?.block;
    }
    let owner = std::iter::once(type_name.to_string())
        .chain(parents.iter().cloned())
        .collect::<Vec<_>>()
        .join(".");
    if let Some(attribute) = block.attribute(last) {
        let mut need = Vec::new();
        if attribute.required {
            need.push("required");
        } else if attribute.optional {
            need.push("optional");
        }
        if attribute.computed {
            need.push("computed");
        }
        if attribute.sensitive {
            need.push("sensitive");
        }
        if attribute.deprecated {
            need.push("deprecated");
        }
        let what = if attribute.is_argument() {
            "argument"
        } else {
            "attribute"
        };
        let mut text = format!(
            "```rag\n{last}: {}\n```\n\n*{} {what} of `{owner}`*",
            attribute.ty,
            need.join(", ")
        );
        if let Some(description) = &attribute.description {
            text.push_str("\n\n");
            text.push_str(description.trim());
        }
        return Some(text);
    }
    let nested = block.block(last)?;
    let mut text = format!("```rag\n{last} {{ ... }}\n```\n\n*block of `{owner}`*");
    if let Some(description) = &nested.block.description {
        text.push_str("\n\n");
        text.push_str(description.trim());
    }
    let arguments: Vec<String> = nested
        .block
        .arguments()
        .map(|(name, _)| format!("`{name}`"))
        .collect();
    if !arguments.is_empty() {
        text.push_str(&format!("\n\nArguments: {}", arguments.join(", ")));
    }
    Some(text)
}

// ---------------------------------------------------------------------- quantities

/// The hover of a quantity literal (`1 vcpu`, `2 GB`, `30 days`, `60%`) at `offset`,
/// found in the text so that it works where the file does not parse.
fn quantity_hover(text: &str, offset: usize) -> Option<HoverInfo> {
    let tokens = tokenize(text);
    let at = tokens
        .iter()
        .position(|t| t.start <= offset && offset <= t.end && t.kind != TokenKind::StrText)?;
    let (number, unit) = match tokens[at].kind {
        TokenKind::Number => (at, at + 1),
        _ => (at.checked_sub(1)?, at),
    };
    let number_token = tokens.get(number)?;
    let unit_token = tokens.get(unit)?;
    if number_token.kind != TokenKind::Number || unit_token.newline_before {
        return None;
    }
    let unit_text = unit_token.text;
    let value: f64 = number_token.text.parse().ok()?;
    let written = if unit_text == "%" {
        format!("{}%", number_token.text)
    } else {
        format!("{} {unit_text}", number_token.text)
    };
    let markdown = match unit_text {
        "vcpu" => {
            let units = value * 1024.0;
            let mut text = format!("`{written}` = {} CPU units", format_number(units));
            match FARGATE_CPUS.iter().find(|cpu| f64::from(**cpu) == units) {
                Some(cpu) => text.push_str(&format!(
                    "; Fargate memory with {}: {}",
                    cpu_text(*cpu),
                    memory_range_text(*cpu)
                )),
                None => text.push_str(&format!(
                    "; Fargate has no task size with this CPU (it takes {})",
                    FARGATE_CPUS
                        .iter()
                        .map(|c| cpu_text(*c))
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            }
            text
        }
        "MB" | "MiB" | "GB" | "GiB" => {
            let mib = if unit_text.starts_with('G') {
                value * 1024.0
            } else {
                value
            };
            let mut text = format!("`{written}` = {} MiB", format_number(mib));
            let cpus: Vec<String> = FARGATE_CPUS
                .iter()
                .filter(|cpu| {
                    fargate_memory(**cpu).is_some_and(|m| m.iter().any(|m| f64::from(*m) == mib))
                })
                .map(|cpu| cpu_text(*cpu))
                .collect();
            if cpus.is_empty() {
                text.push_str("; no Fargate task size has this memory");
            } else {
                text.push_str(&format!(
                    "; Fargate CPU with this memory: {}",
                    cpus.join(", ")
                ));
            }
            text
        }
        "days" | "day" => {
            let mut text = format!("`{written}` = {} days", format_number(value));
            if RETENTION_DAYS.iter().any(|d| f64::from(*d) == value) {
                text.push_str("; a retention period CloudWatch Logs accepts");
            } else {
                let nearest = RETENTION_DAYS
                    .iter()
                    .min_by(|a, b| {
                        (f64::from(**a) - value)
                            .abs()
                            .total_cmp(&(f64::from(**b) - value).abs())
                    })
                    .copied()
                    .unwrap_or(7);
                text.push_str(&format!(
                    "; not a CloudWatch Logs retention period (nearest: {nearest} days)"
                ));
            }
            text
        }
        "%" => format!("`{written}` = {} percent", format_number(value)),
        _ => return None,
    };
    Some(HoverInfo {
        markdown,
        span: Span::new(number_token.start, unit_token.end),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vcpu_shows_units_and_fargate_memory() {
        let hover = quantity_hover("cpu = 1 vcpu", 8);
        assert_eq!(
            hover.map(|h| h.markdown),
            Some(
                "`1 vcpu` = 1024 CPU units; Fargate memory with 1 vcpu: 2 GB to 8 GB in 1 GB steps"
                    .to_string()
            )
        );
        let hover = quantity_hover("cpu = 0.25 vcpu", 7);
        assert_eq!(
            hover.map(|h| h.markdown),
            Some(
                "`0.25 vcpu` = 256 CPU units; Fargate memory with 0.25 vcpu: 512 MB, 1 GB, 2 GB"
                    .to_string()
            )
        );
        let hover = quantity_hover("cpu = 8 vcpu", 7);
        assert!(hover.is_some_and(|h| h.markdown.ends_with("16 GB to 60 GB in 4 GB steps")));
    }
}

//! Turns a stack into a Terraform root module in JSON syntax: `backend.tf.json` holds
//! only the `terraform` block (required version, providers, backend), `main.tf.json`
//! everything else. Keys are sorted, user strings are escaped so that `${` and `%{`
//! never start an interpolation, and the same stack always gives the same bytes.

use serde_json::{json, Map, Value as Json};

use crate::eval::stack::{Body, Entry, Stack};
use crate::eval::value::{escape_template, TemplatePart, Value, ValueKind};

/// The Terraform versions the emitted JSON is written for: the S3 backend's lock file
/// needs 1.10.
pub const REQUIRED_TERRAFORM: &str = ">= 1.10";
/// Every argument ragc emits exists in both major versions of the AWS provider.
pub const AWS_PROVIDER_CONSTRAINT: &str = ">= 5.100, < 7.0";

/// One emitted file: its name in the stack's folder and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmittedFile {
    pub name: &'static str,
    pub contents: String,
}

pub fn emit(stack: &Stack) -> Vec<EmittedFile> {
    let mut terraform = Map::new();
    terraform.insert("required_version".into(), json!(REQUIRED_TERRAFORM));
    terraform.insert(
        "required_providers".into(),
        json!({ "aws": { "source": "hashicorp/aws", "version": AWS_PROVIDER_CONSTRAINT } }),
    );
    if let Some(backend) = &stack.backend {
        terraform.insert(
            "backend".into(),
            json!({ backend.name.clone(): body(&backend.body) }),
        );
    }
    let backend_file = json!({
        "//": comment(stack),
        "terraform": terraform,
    });

    let mut main = Map::new();
    main.insert("//".into(), json!(comment(stack)));
    if !stack.providers.is_empty() {
        let mut providers = Map::new();
        for provider in &stack.providers {
            let entry = providers
                .entry(provider.name.clone())
                .or_insert_with(|| json!([]));
            if let Json::Array(list) = entry {
                list.push(body(&provider.body));
            }
        }
        main.insert("provider".into(), Json::Object(providers));
    }
    if !stack.variables.is_empty() {
        let mut variables = Map::new();
        for (name, variable) in &stack.variables {
            let mut entry = Map::new();
            entry.insert("type".into(), json!(variable.type_constraint));
            // Defaults and descriptions are literals that Terraform does not interpolate,
            // so they are written without template escapes.
            if let Some(default) = variable.default.as_ref().and_then(crate::eval::to_json) {
                entry.insert("default".into(), default);
            }
            if let Some(description) = &variable.description {
                entry.insert("description".into(), json!(description));
            }
            variables.insert(name.clone(), Json::Object(entry));
        }
        main.insert("variable".into(), Json::Object(variables));
    }
    let mut resources: Map<String, Json> = Map::new();
    let mut data: Map<String, Json> = Map::new();
    for resource in stack.resources.values() {
        let mut object = match body(&resource.body) {
            Json::Object(object) => object,
            _ => Map::new(),
        };
        if !resource.depends_on.is_empty() {
            let addresses: Vec<String> = resource
                .depends_on
                .iter()
                .map(ToString::to_string)
                .collect();
            object.insert("depends_on".into(), json!(addresses));
        }
        if let Some(lifecycle) = &resource.lifecycle {
            object.insert("lifecycle".into(), body(lifecycle));
        }
        let target = if resource.address.data {
            &mut data
        } else {
            &mut resources
        };
        let by_type = target
            .entry(resource.address.type_name.clone())
            .or_insert_with(|| Json::Object(Map::new()));
        if let Json::Object(by_name) = by_type {
            by_name.insert(resource.address.name.clone(), Json::Object(object));
        }
    }
    if !data.is_empty() {
        main.insert("data".into(), Json::Object(data));
    }
    if !resources.is_empty() {
        main.insert("resource".into(), Json::Object(resources));
    }
    if !stack.outputs.is_empty() {
        let mut outputs = Map::new();
        for (name, output) in &stack.outputs {
            let mut entry = Map::new();
            entry.insert("value".into(), value(&output.value));
            if let Some(description) = &output.description {
                entry.insert("description".into(), json!(description));
            }
            outputs.insert(name.clone(), Json::Object(entry));
        }
        main.insert("output".into(), Json::Object(outputs));
    }
    vec![
        EmittedFile {
            name: "backend.tf.json",
            contents: pretty(&backend_file),
        },
        EmittedFile {
            name: "main.tf.json",
            contents: pretty(&Json::Object(main)),
        },
    ]
}

fn comment(stack: &Stack) -> String {
    format!(
        "Generated by ragc {} from {} (env {}). Do not edit: change the .rag sources and rebuild.",
        env!("CARGO_PKG_VERSION"),
        stack.source_path,
        stack.name
    )
}

fn pretty(json: &Json) -> String {
    let mut text = serde_json::to_string_pretty(json).unwrap_or_default();
    text.push('\n');
    text
}

fn body(body: &Body) -> Json {
    let mut object = Map::new();
    for (name, entry) in &body.entries {
        let json = match entry {
            Entry::Value(inner) => value(inner),
            Entry::Blocks(blocks) => Json::Array(blocks.iter().map(self::body).collect()),
        };
        object.insert(name.clone(), json);
    }
    Json::Object(object)
}

/// A value in Terraform's JSON syntax: strings are templates, so literal text is escaped
/// and values only Terraform knows become `${...}`.
pub fn value(value: &Value) -> Json {
    match &value.kind {
        ValueKind::Null => Json::Null,
        ValueKind::Bool(b) => Json::Bool(*b),
        ValueKind::Number(n) | ValueKind::Quantity(n, _) => crate::eval::json_number(*n),
        ValueKind::Str(text) => Json::String(escape_template(text)),
        ValueKind::Cidr(cidr) => Json::String(cidr.to_string()),
        ValueKind::Enum { variant, .. } => Json::String(variant.to_string()),
        ValueKind::Range(start, end) => json!([start, end]),
        ValueKind::List(items) => Json::Array(items.iter().map(self::value).collect()),
        ValueKind::Record { fields, .. } => Json::Object(
            fields
                .iter()
                .filter(|(_, field)| !matches!(field.kind, ValueKind::Null))
                .map(|(key, field)| (key.clone(), self::value(field)))
                .collect(),
        ),
        ValueKind::Deferred(deferred) => Json::String(deferred.to_json_template()),
        ValueKind::Json(inner) => Json::String(json_document(inner)),
        ValueKind::Resource(address) => Json::String(format!("${{{address}.id}}")),
        ValueKind::Module { .. } => Json::Null,
    }
}

/// The text of `jsonencode(value)` as a Terraform string. Where Terraform must fill in
/// some values, it is still written as literal JSON with `${...}` only inside string
/// values, so that scanners such as checkov can read policies and container
/// definitions; only a value that cannot be written so falls back to
/// `${jsonencode(...)}`.
fn json_document(inner: &Value) -> String {
    match json_template(inner) {
        Some(text) => text,
        None => format!("${{jsonencode({})}}", crate::eval::to_hcl(inner)),
    }
}

/// `value` as JSON text in which each unknown string is an interpolation, or `None`
/// when some unknown value is not a plain string reference.
fn json_template(value: &Value) -> Option<String> {
    if !value.is_deferred() {
        return Some(escape_template(&crate::eval::to_json(value)?.to_string()));
    }
    Some(match &value.kind {
        // Only a string may sit inside a JSON string.
        ValueKind::Deferred(deferred) if !deferred.is_string => return None,
        ValueKind::Deferred(deferred) => {
            let mut text = String::from("\"");
            for part in &deferred.parts {
                match part {
                    TemplatePart::Literal(literal) => {
                        let quoted = serde_json::to_string(literal).ok()?;
                        text.push_str(&escape_template(&quoted[1..quoted.len() - 1]));
                    }
                    // An expression with quotes or backslashes would need JSON escapes
                    // that Terraform's template parser would then see.
                    TemplatePart::Interpolation(expression)
                        if !expression.contains(['"', '\\']) =>
                    {
                        text.push_str("${");
                        text.push_str(expression);
                        text.push('}');
                    }
                    TemplatePart::Interpolation(_) => return None,
                }
            }
            text.push('"');
            text
        }
        ValueKind::List(items) => {
            let parts: Option<Vec<String>> = items.iter().map(json_template).collect();
            format!("[{}]", parts?.join(","))
        }
        ValueKind::Record { fields, .. } => {
            let mut parts = Vec::new();
            for (key, field) in fields.iter() {
                if matches!(field.kind, ValueKind::Null) {
                    continue;
                }
                let key = serde_json::to_string(key).ok()?;
                parts.push(format!(
                    "{}:{}",
                    escape_template(&key),
                    json_template(field)?
                ));
            }
            format!("{{{}}}", parts.join(","))
        }
        ValueKind::Json(inner) => {
            let text = json_template(inner)?;
            serde_json::to_string(&text).ok()?
        }
        _ => escape_template(&crate::eval::to_json(value)?.to_string()),
    })
}

//! What differs between environments, at two levels: the settings written in their
//! `env` blocks (as written, with where), and the Terraform stacks they emitted
//! (addresses present in only some, and each attribute whose value differs). In the
//! stacks, an environment's own name is folded away before comparing, so that
//! `rag-api-staging` and `rag-api-prod` count as the same name.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::Value as Json;

use super::table::{bold, Table};
use super::{location, source_text, Environment};

#[derive(Debug, Serialize)]
pub struct Diff {
    pub envs: Vec<String>,
    pub settings: Vec<Setting>,
    pub resources: Resources,
}

/// A field of the `env` blocks whose value is not written the same in all of them.
#[derive(Debug, Serialize)]
pub struct Setting {
    pub name: String,
    /// The value as written, or `default: ...` where the environment leaves it out.
    pub values: BTreeMap<String, String>,
    pub locations: BTreeMap<String, String>,
}

#[derive(Debug, Serialize)]
pub struct Resources {
    /// For each environment, the addresses it has and some other environment has not.
    pub only_in: BTreeMap<String, Vec<String>>,
    pub changed: Vec<Changed>,
}

/// An attribute of an address every environment has, whose values differ.
#[derive(Debug, Serialize)]
pub struct Changed {
    pub address: String,
    /// A path into the block: `network_configuration[0].subnets`; into JSON documents
    /// too: `container_definitions[0].image`.
    pub attribute: String,
    /// `null` where the environment does not set the attribute.
    pub values: BTreeMap<String, Json>,
}

/// The placeholder an environment's own name is folded into.
const ENV_PLACEHOLDER: &str = "${env}";

pub fn diff(envs: &[Environment<'_>]) -> Diff {
    let stacks: Vec<BTreeMap<String, Json>> = envs.iter().map(addresses).collect();
    let mut only_in = BTreeMap::new();
    for (env, stack) in envs.iter().zip(&stacks) {
        let missing_elsewhere: Vec<String> = stack
            .keys()
            .filter(|address| stacks.iter().any(|other| !other.contains_key(*address)))
            .cloned()
            .collect();
        if !missing_elsewhere.is_empty() {
            only_in.insert(env.name.to_string(), missing_elsewhere);
        }
    }
    let mut changed = Vec::new();
    // An address every environment has is in the first one's.
    for address in stacks.first().into_iter().flat_map(BTreeMap::keys) {
        if stacks.iter().all(|stack| stack.contains_key(address)) {
            changed.extend(changed_attributes(envs, &stacks, address));
        }
    }
    Diff {
        envs: envs.iter().map(|env| env.name.to_string()).collect(),
        settings: settings(envs),
        resources: Resources { only_in, changed },
    }
}

/// The settings whose written values differ, in the order the first environment that
/// writes them does.
fn settings(envs: &[Environment<'_>]) -> Vec<Setting> {
    let mut names: Vec<&str> = Vec::new();
    for env in envs {
        for field in &env.decl.fields {
            if !names.contains(&field.key.name.as_str()) {
                names.push(&field.key.name);
            }
        }
    }
    let mut settings = Vec::new();
    if envs
        .iter()
        .any(|env| env.decl.module.name != envs[0].decl.module.name)
    {
        settings.push(Setting {
            name: "module".into(),
            values: each(envs, |env| env.decl.module.name.clone()),
            locations: each(envs, |env| location(env.file, env.decl.module.span)),
        });
    }
    for name in names {
        let written: Vec<(String, String)> = envs.iter().map(|env| written(env, name)).collect();
        if written.iter().all(|(value, _)| *value == written[0].0) {
            continue;
        }
        let mut values = BTreeMap::new();
        let mut locations = BTreeMap::new();
        for (env, (value, at)) in envs.iter().zip(written) {
            values.insert(env.name.to_string(), value);
            locations.insert(env.name.to_string(), at);
        }
        settings.push(Setting {
            name: name.to_string(),
            values,
            locations,
        });
    }
    settings
}

fn each(
    envs: &[Environment<'_>],
    value: impl Fn(&Environment<'_>) -> String,
) -> BTreeMap<String, String> {
    envs.iter()
        .map(|env| (env.name.to_string(), value(env)))
        .collect()
}

/// What `env` writes for the field `name`, or the module's default, and where.
fn written(env: &Environment<'_>, name: &str) -> (String, String) {
    if let Some(field) = env.decl.fields.iter().find(|field| field.key.name == name) {
        return (
            source_text(env.file, field.value.span),
            location(env.file, field.key.span),
        );
    }
    let param = env.module.and_then(|(module, file)| {
        Some((module.params.iter().find(|p| p.name.name == name)?, file))
    });
    match param {
        Some((param, file)) => match &param.default {
            Some(default) => (
                format!("default: {}", source_text(file, default.span)),
                location(file, default.span),
            ),
            None => ("not set".into(), location(file, param.name.span)),
        },
        None => ("not set".into(), location(env.file, env.decl.body_span)),
    }
}

/// Every resource, data source, output, variable, provider and backend of the stack's
/// JSON, by address (`aws_vpc.network_main`, `data.aws_region.current`, `output.cluster`,
/// `var.image_tag`, `provider.aws`, `backend.s3`), each with its body.
fn addresses(env: &Environment<'_>) -> BTreeMap<String, Json> {
    let mut addresses = BTreeMap::new();
    for file in &env.compiled.files {
        let Ok(json) = serde_json::from_str::<Json>(&file.contents) else {
            continue;
        };
        for (section, prefix) in [("resource", ""), ("data", "data.")] {
            for (type_name, named) in object(&json[section]) {
                for (name, body) in object(named) {
                    addresses.insert(format!("{prefix}{type_name}.{name}"), body.clone());
                }
            }
        }
        for (section, prefix) in [("output", "output."), ("variable", "var.")] {
            for (name, body) in object(&json[section]) {
                addresses.insert(format!("{prefix}{name}"), body.clone());
            }
        }
        for (name, configs) in object(&json["provider"]) {
            addresses.insert(format!("provider.{name}"), configs.clone());
        }
        for (name, body) in object(&json["terraform"]["backend"]) {
            addresses.insert(format!("backend.{name}"), body.clone());
        }
    }
    addresses
}

fn object(json: &Json) -> impl Iterator<Item = (&String, &Json)> {
    json.as_object().into_iter().flatten()
}

fn changed_attributes(
    envs: &[Environment<'_>],
    stacks: &[BTreeMap<String, Json>],
    address: &str,
) -> Vec<Changed> {
    let flat: Vec<BTreeMap<String, Json>> = stacks
        .iter()
        .map(|stack| {
            let mut leaves = BTreeMap::new();
            flatten(&stack[address], String::new(), &mut leaves);
            leaves
        })
        .collect();
    let paths: BTreeSet<&String> = flat.iter().flat_map(BTreeMap::keys).collect();
    let mut changed = Vec::new();
    for path in paths {
        let values: Vec<&Json> = flat
            .iter()
            .map(|leaves| leaves.get(path).unwrap_or(&Json::Null))
            .collect();
        let folded: Vec<Json> = envs
            .iter()
            .zip(&values)
            .map(|(env, value)| fold(value, env.name))
            .collect();
        if folded.iter().any(|value| *value != folded[0]) {
            changed.push(Changed {
                address: address.to_string(),
                attribute: path.clone(),
                values: envs
                    .iter()
                    .zip(values)
                    .map(|(env, value)| (env.name.to_string(), value.clone()))
                    .collect(),
            });
        }
    }
    changed
}

/// The leaves of a block by path: objects by key, lists of objects (nested blocks) by
/// index, JSON documents held in strings (policies, container definitions) as if they
/// were written out; any other value, lists of strings included, is one leaf.
fn flatten(json: &Json, path: String, leaves: &mut BTreeMap<String, Json>) {
    let join = |key: &str| {
        if path.is_empty() {
            key.to_string()
        } else {
            format!("{path}.{key}")
        }
    };
    match json {
        Json::Object(fields) if !fields.is_empty() => {
            for (key, value) in fields {
                flatten(value, join(key), leaves);
            }
        }
        Json::Array(items) if !items.is_empty() && items.iter().all(Json::is_object) => {
            for (at, item) in items.iter().enumerate() {
                flatten(item, format!("{path}[{at}]"), leaves);
            }
        }
        Json::String(text) if text.starts_with(['{', '[']) => {
            match serde_json::from_str::<Json>(text) {
                Ok(document @ (Json::Object(_) | Json::Array(_))) => {
                    flatten(&document, path, leaves)
                }
                _ => {
                    leaves.insert(path, json.clone());
                }
            }
        }
        _ => {
            leaves.insert(path, json.clone());
        }
    }
}

/// `json` with each whole-word occurrence of `env` in its strings replaced by
/// `${env}`: `rag-api-prod` and `prod/terraform.tfstate` fold, `production` does not.
fn fold(json: &Json, env: &str) -> Json {
    match json {
        Json::String(text) => Json::String(fold_name(text, env)),
        Json::Array(items) => Json::Array(items.iter().map(|item| fold(item, env)).collect()),
        Json::Object(fields) => Json::Object(
            fields
                .iter()
                .map(|(key, value)| (key.clone(), fold(value, env)))
                .collect(),
        ),
        other => other.clone(),
    }
}

fn fold_name(text: &str, env: &str) -> String {
    if env.is_empty() {
        return text.to_string();
    }
    let is_word = |ch: Option<char>| ch.is_some_and(|ch| ch.is_alphanumeric() || ch == '_');
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for (at, _) in text.match_indices(env) {
        let before = text[..at].chars().next_back();
        let after = text[at + env.len()..].chars().next();
        if !is_word(before) && !is_word(after) {
            out.push_str(&text[copied..at]);
            out.push_str(ENV_PLACEHOLDER);
            copied = at + env.len();
        }
    }
    out.push_str(&text[copied..]);
    out
}

impl Diff {
    /// `{"envs", "settings", "resources": {"only_in", "changed"}}`, pretty-printed.
    pub fn to_json(&self) -> String {
        super::pretty_json(self)
    }

    /// Three sections: settings (with where each is written), addresses in only some
    /// environments, changed attributes.
    pub fn to_text(&self, color: bool) -> String {
        let mut out = String::new();
        let mut settings = self.table("setting");
        for setting in &self.settings {
            settings.row(self.cells(&setting.name, &setting.values));
            settings.row(self.cells("", &setting.locations));
        }
        out.push_str(&bold("Settings", color));
        out.push('\n');
        if settings.is_empty() {
            out.push_str("  every setting is written the same\n");
        } else {
            out.push_str(&settings.to_text(color));
        }
        out.push('\n');
        out.push_str(&bold("Resources", color));
        out.push('\n');
        for (env, addresses) in &self.resources.only_in {
            out.push_str(&format!("only in {env} ({}):\n", addresses.len()));
            for address in addresses {
                out.push_str(&format!("  + {address}\n"));
            }
        }
        let changed = self.changed_table();
        if changed.is_empty() {
            out.push_str("no attribute of the resources they share differs\n");
        } else {
            out.push_str(&format!("changed ({}):\n", self.resources.changed.len()));
            out.push_str(&changed.to_text(color));
        }
        out
    }

    /// The specification's "Environment-Specific Differentiators" table: one row per
    /// setting, one column per environment; then the stacks' differences.
    pub fn to_markdown(&self) -> String {
        let mut out = self.settings_markdown();
        for (env, addresses) in &self.resources.only_in {
            out.push_str(&format!(
                "\nOnly in {env}: {}.\n",
                addresses
                    .iter()
                    .map(|a| format!("`{a}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        let changed = self.changed_table();
        if !changed.is_empty() {
            out.push('\n');
            out.push_str(&changed.to_markdown());
        }
        out
    }

    /// The settings as a Markdown table: one row per setting, one column per
    /// environment (`ragc diff --format markdown`, and the editor's hover on an `env`).
    pub fn settings_markdown(&self) -> String {
        let mut settings = self.table("Setting");
        for setting in &self.settings {
            let values: BTreeMap<String, String> = setting
                .values
                .iter()
                .map(|(env, value)| (env.clone(), format!("`{value}`")))
                .collect();
            settings.row(self.cells(&format!("**{}**", setting.name), &values));
        }
        settings.to_markdown()
    }

    fn table(&self, first: &str) -> Table {
        let mut header = vec![first.to_string()];
        header.extend(self.envs.iter().cloned());
        Table::new(header)
    }

    /// `first`, then each environment's value, in the environments' order.
    fn cells(&self, first: &str, values: &BTreeMap<String, String>) -> Vec<String> {
        let mut cells = vec![first.to_string()];
        cells.extend(
            self.envs
                .iter()
                .map(|env| values.get(env).cloned().unwrap_or_default()),
        );
        cells
    }

    fn changed_table(&self) -> Table {
        let mut table = self.table("resource attribute");
        for change in &self.resources.changed {
            let values = change
                .values
                .iter()
                .map(|(env, value)| (env.clone(), value.to_string()))
                .collect();
            table.row(self.cells(&format!("{} {}", change.address, change.attribute), &values));
        }
        table
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_environment_name_folds_only_as_a_whole_word() {
        assert_eq!(fold_name("rag-api-prod", "prod"), "rag-api-${env}");
        assert_eq!(
            fold_name("prod/terraform.tfstate", "prod"),
            "${env}/terraform.tfstate"
        );
        assert_eq!(fold_name("production", "prod"), "production");
        assert_eq!(fold_name("prod-a-prod_b", "prod"), "${env}-a-prod_b");
    }

    #[test]
    fn blocks_and_json_documents_flatten_to_paths() {
        let mut leaves = BTreeMap::new();
        let body = serde_json::json!({
            "cpu": "512",
            "subnets": ["a", "b"],
            "block": [{"x": 1}],
            "doc": "[{\"image\":\"i\"}]",
        });
        flatten(&body, String::new(), &mut leaves);
        let paths: Vec<&str> = leaves.keys().map(String::as_str).collect();
        assert_eq!(paths, ["block[0].x", "cpu", "doc[0].image", "subnets"]);
    }
}

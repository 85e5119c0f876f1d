//! A monthly estimate of each environment's AWS bill, from the evaluated stacks and a
//! table of list prices checked into the repository (`prices.json`: each price with its
//! source and the date it was read; 730 hours a month, Infracost's convention). Hourly
//! items come from the stack (task sizes and counts, NAT gateways, load balancers,
//! public IPv4 addresses, interface endpoints, secrets); usage-based items (data
//! processed, logs, storage, LCUs, API calls) from stated assumptions (`Usage`), which a
//! usage file overrides. Every resource is priced, listed as free, or listed as unpriced
//! with the reason: none is dropped.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::graph::expression_references;
use super::table::{bold, Table};
use super::Environment;
use crate::eval::stack::{Body, Resource, Stack};
use crate::eval::value::{TemplatePart, Value, ValueKind};

#[derive(Deserialize)]
struct PriceTable {
    currency: String,
    hours_per_month: f64,
    regions: BTreeMap<String, RegionPrices>,
}

#[derive(Deserialize)]
struct RegionPrices {
    as_of: String,
    prices: BTreeMap<String, Price>,
}

#[derive(Deserialize, Clone)]
struct Price {
    unit: String,
    unit_price: f64,
}

/// Monthly usage assumed where the bill depends on traffic, per resource.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Usage {
    /// GB through each NAT gateway.
    pub nat_data_processed_gb: f64,
    /// Average load balancer capacity units of each load balancer.
    pub alb_lcu: f64,
    /// GB written to each log group.
    pub log_ingested_gb: f64,
    /// GB kept in each log group.
    pub log_stored_gb: f64,
    /// GB kept in each bucket.
    pub s3_stored_gb: f64,
    /// GB of images kept in each repository.
    pub ecr_stored_gb: f64,
    /// API calls to each secret.
    pub secret_api_calls: f64,
}

impl Default for Usage {
    fn default() -> Usage {
        Usage {
            nat_data_processed_gb: 50.0,
            alb_lcu: 1.0,
            log_ingested_gb: 5.0,
            log_stored_gb: 5.0,
            s3_stored_gb: 10.0,
            ecr_stored_gb: 5.0,
            secret_api_calls: 10_000.0,
        }
    }
}

/// A usage file: `{"default": {...}, "env": {"prod": {...}}}`, each object holding some
/// of `Usage`'s fields; what it leaves out keeps the built-in default.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UsageFile {
    #[serde(default)]
    default: Option<serde_json::Value>,
    #[serde(default)]
    env: BTreeMap<String, serde_json::Value>,
}

impl UsageFile {
    pub fn parse(text: &str) -> Result<UsageFile, String> {
        let file: UsageFile = serde_json::from_str(text).map_err(|error| error.to_string())?;
        for (name, usage) in file
            .default
            .iter()
            .map(|u| ("default", u))
            .chain(file.env.iter().map(|(n, u)| (n.as_str(), u)))
        {
            serde_json::from_value::<Usage>(usage.clone())
                .map_err(|error| format!("`{name}`: {error}"))?;
        }
        Ok(file)
    }

    /// The usage of `env`: the defaults, then the file's `default`, then its entry.
    pub fn usage_of(&self, env: &str) -> Usage {
        let mut merged = serde_json::to_value(Usage::default()).unwrap_or_default();
        for layer in [self.default.as_ref(), self.env.get(env)]
            .into_iter()
            .flatten()
        {
            if let (Some(merged), Some(layer)) = (merged.as_object_mut(), layer.as_object()) {
                merged.extend(layer.clone());
            }
        }
        serde_json::from_value(merged).unwrap_or_default()
    }

    /// Environments the file names that are not being estimated.
    pub fn unknown_envs<'f>(&'f self, known: &[&str]) -> Vec<&'f str> {
        self.env
            .keys()
            .map(String::as_str)
            .filter(|name| !known.contains(name))
            .collect()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Monthly {
    pub min: f64,
    pub max: f64,
}

#[derive(Debug, Serialize)]
pub struct Item {
    pub resource: String,
    pub item: String,
    pub quantity: f64,
    pub unit: String,
    pub unit_price: f64,
    pub monthly: Monthly,
}

#[derive(Debug, Serialize)]
pub struct Unpriced {
    pub resource: String,
    pub reason: String,
}

#[derive(Debug, Serialize)]
pub struct EnvCost {
    pub env: String,
    pub region: String,
    pub monthly: Monthly,
    pub items: Vec<Item>,
    /// Resources that cost nothing of their own.
    pub free: Vec<String>,
    pub unpriced: Vec<Unpriced>,
    pub usage: Usage,
}

#[derive(Debug, Serialize)]
pub struct Estimate {
    pub currency: String,
    pub prices_as_of: String,
    pub envs: Vec<EnvCost>,
    /// One sentence per environment after the first, against the first.
    pub differences: Vec<String>,
}

/// Resource types with no charge of their own (what they hold or carry is priced
/// elsewhere: a service's tasks, a bucket's storage).
const FREE: &[&str] = &[
    "aws_appautoscaling_policy",
    "aws_appautoscaling_target",
    "aws_default_security_group",
    "aws_ecr_lifecycle_policy",
    "aws_ecs_task_definition",
    "aws_iam_role",
    "aws_iam_role_policy",
    "aws_internet_gateway",
    "aws_lb_listener",
    "aws_lb_target_group",
    "aws_route",
    "aws_route_table",
    "aws_route_table_association",
    "aws_s3_bucket_lifecycle_configuration",
    "aws_s3_bucket_ownership_controls",
    "aws_s3_bucket_policy",
    "aws_s3_bucket_public_access_block",
    "aws_s3_bucket_server_side_encryption_configuration",
    "aws_s3_bucket_versioning",
    "aws_security_group",
    "aws_subnet",
    "aws_vpc",
    "aws_vpc_security_group_egress_rule",
    "aws_vpc_security_group_ingress_rule",
];

fn price_table() -> PriceTable {
    // Checked into the repository and parsed by a test: a broken table fails the tests.
    serde_json::from_str(include_str!("prices.json")).unwrap_or(PriceTable {
        currency: "USD".into(),
        hours_per_month: 730.0,
        regions: BTreeMap::new(),
    })
}

pub fn estimate(envs: &[Environment<'_>], usage: &UsageFile) -> Estimate {
    let table = price_table();
    let mut as_of = Vec::new();
    let costs: Vec<EnvCost> = envs
        .iter()
        .map(|env| {
            let region = region_of(env.stack);
            let prices = table.regions.get(&region);
            if let Some(prices) = prices {
                as_of.push(prices.as_of.clone());
            }
            let mut priced = Pricing {
                prices: prices.map(|p| &p.prices),
                hours: table.hours_per_month,
                usage: usage.usage_of(env.name),
                items: Vec::new(),
                free: Vec::new(),
                unpriced: Vec::new(),
            };
            priced.stack(env.stack, &region);
            let monthly = total(&priced.items);
            EnvCost {
                env: env.name.to_string(),
                region,
                monthly,
                items: priced.items,
                free: priced.free,
                unpriced: priced.unpriced,
                usage: priced.usage,
            }
        })
        .collect();
    as_of.sort();
    let differences = costs
        .iter()
        .skip(1)
        .map(|cost| difference(&costs[0], cost))
        .collect();
    Estimate {
        currency: table.currency,
        prices_as_of: as_of.pop().unwrap_or_default(),
        envs: costs,
        differences,
    }
}

fn total<'i>(items: impl IntoIterator<Item = &'i Item>) -> Monthly {
    items
        .into_iter()
        .fold(Monthly { min: 0.0, max: 0.0 }, |sum, item| Monthly {
            min: sum.min + item.monthly.min,
            max: sum.max + item.monthly.max,
        })
}

fn region_of(stack: &Stack) -> String {
    stack
        .providers
        .iter()
        .find(|provider| provider.name == "aws")
        .and_then(|provider| provider.body.value("region")?.as_str().map(str::to_string))
        .unwrap_or_default()
}

struct Pricing<'t> {
    prices: Option<&'t BTreeMap<String, Price>>,
    hours: f64,
    usage: Usage,
    items: Vec<Item>,
    free: Vec<String>,
    unpriced: Vec<Unpriced>,
}

impl Pricing<'_> {
    fn stack(&mut self, stack: &Stack, region: &str) {
        for resource in stack
            .resources
            .values()
            .filter(|resource| !resource.address.data)
        {
            let address = resource.address.to_string();
            if self.prices.is_none() {
                self.unpriced.push(Unpriced {
                    resource: address,
                    reason: format!("no prices for region `{region}` in the price table"),
                });
                continue;
            }
            let body = &resource.body;
            let before = self.items.len();
            let hours = self.hours;
            let usage = self.usage.clone();
            let type_name = resource.address.type_name.as_str();
            match type_name {
                "aws_ecs_service" => self.service(stack, resource),
                "aws_nat_gateway" => {
                    self.add(
                        &address,
                        "NAT gateway hours",
                        hours,
                        "nat_gateway_hour",
                        1.0,
                    );
                    self.add(
                        &address,
                        "NAT data processed (assumed)",
                        usage.nat_data_processed_gb,
                        "nat_gateway_gb",
                        1.0,
                    );
                }
                "aws_eip" => self.add(
                    &address,
                    "public IPv4 address",
                    hours,
                    "public_ipv4_hour",
                    1.0,
                ),
                "aws_lb" => {
                    self.add(&address, "load balancer hours", hours, "alb_hour", 1.0);
                    self.add(
                        &address,
                        "load balancer capacity units (assumed)",
                        usage.alb_lcu * hours,
                        "alb_lcu_hour",
                        1.0,
                    );
                    if !matches!(
                        body.value("internal").map(|v| &v.kind),
                        Some(ValueKind::Bool(true))
                    ) {
                        // An internet-facing load balancer has a public address in each zone.
                        let zones = list_len(body.value("subnets")) as f64;
                        self.add(
                            &address,
                            "public IPv4 addresses (one per zone)",
                            zones * hours,
                            "public_ipv4_hour",
                            1.0,
                        );
                    }
                }
                "aws_vpc_endpoint"
                    if body.value("vpc_endpoint_type").and_then(Value::as_str)
                        == Some("Interface") =>
                {
                    let zones = list_len(body.value("subnet_ids")) as f64;
                    self.add(
                        &address,
                        "interface endpoint hours (per zone)",
                        zones * hours,
                        "interface_endpoint_az_hour",
                        1.0,
                    );
                }
                "aws_secretsmanager_secret" => {
                    self.add(&address, "secret", 1.0, "secret_month", 1.0);
                    self.add(
                        &address,
                        "API calls (assumed)",
                        usage.secret_api_calls / 10_000.0,
                        "secret_10k_calls",
                        1.0,
                    );
                }
                "aws_cloudwatch_log_group" => {
                    self.add(
                        &address,
                        "log ingestion (assumed)",
                        usage.log_ingested_gb,
                        "logs_ingested_gb",
                        1.0,
                    );
                    self.add(
                        &address,
                        "log storage (assumed)",
                        usage.log_stored_gb,
                        "logs_stored_gb_month",
                        1.0,
                    );
                }
                "aws_s3_bucket" => self.add(
                    &address,
                    "storage (assumed)",
                    usage.s3_stored_gb,
                    "s3_standard_gb_month",
                    1.0,
                ),
                "aws_ecr_repository" => self.add(
                    &address,
                    "image storage (assumed)",
                    usage.ecr_stored_gb,
                    "ecr_stored_gb_month",
                    1.0,
                ),
                "aws_ecs_cluster" if container_insights(body) => {
                    self.unpriced.push(Unpriced {
                            resource: address.clone(),
                            reason: "Container Insights metrics are billed as CloudWatch custom metrics, by how many the tasks report".into(),
                        });
                    continue;
                }
                _ => {}
            }
            // Gateway endpoints and clusters without Container Insights cost nothing; a
            // service that could not be priced has said why.
            let free_here = matches!(type_name, "aws_vpc_endpoint" | "aws_ecs_cluster");
            if self.items.len() == before && type_name != "aws_ecs_service" {
                if FREE.contains(&type_name) || free_here {
                    self.free.push(address);
                } else {
                    self.unpriced.push(Unpriced {
                        resource: address,
                        reason: format!("`{type_name}` is not in the price table"),
                    });
                }
            }
        }
    }

    /// A line of `quantity` units at the price `key`; `share` of it is certain, the
    /// rest may not be spent (scaled-out tasks).
    fn add(&mut self, resource: &str, item: &str, quantity: f64, key: &str, share: f64) {
        let Some(price) = self.prices.and_then(|prices| prices.get(key)) else {
            self.unpriced.push(Unpriced {
                resource: resource.into(),
                reason: format!("no price `{key}` in the table"),
            });
            return;
        };
        let monthly = quantity * price.unit_price;
        self.items.push(Item {
            resource: resource.into(),
            item: item.into(),
            quantity: round(quantity),
            unit: price.unit.clone(),
            unit_price: price.unit_price,
            monthly: Monthly {
                min: round(monthly * share),
                max: round(monthly),
            },
        });
    }

    /// Fargate tasks: the task definition's size times the service's task count, fixed
    /// or, with an autoscaling target, its minimum always and up to its maximum.
    fn service(&mut self, stack: &Stack, service: &Resource) {
        let address = service.address.to_string();
        let task = service
            .body
            .value("task_definition")
            .and_then(|value| referred(stack, value))
            .filter(|task| task.address.type_name == "aws_ecs_task_definition");
        let (Some(cpu), Some(memory)) = (
            task.and_then(|task| number(task.body.value("cpu"))),
            task.and_then(|task| number(task.body.value("memory"))),
        ) else {
            self.unpriced.push(Unpriced {
                resource: address,
                reason: "its task definition's cpu and memory are not known at compile time".into(),
            });
            return;
        };
        let (min, max) = task_count(stack, service);
        let (vcpu, gb, hours) = (cpu / 1024.0, memory / 1024.0, self.hours);
        let tasks = format!("{} task{}", min, if min == 1.0 { "" } else { "s" });
        self.add(
            &address,
            &format!("Fargate vCPU ({tasks})"),
            min * vcpu * hours,
            "fargate_vcpu_hour",
            1.0,
        );
        self.add(
            &address,
            &format!("Fargate memory ({tasks})"),
            min * gb * hours,
            "fargate_gb_hour",
            1.0,
        );
        if max > min {
            let more = format!("up to {} more tasks, scaled out", max - min);
            self.add(
                &address,
                &format!("Fargate vCPU ({more})"),
                (max - min) * vcpu * hours,
                "fargate_vcpu_hour",
                0.0,
            );
            self.add(
                &address,
                &format!("Fargate memory ({more})"),
                (max - min) * gb * hours,
                "fargate_gb_hour",
                0.0,
            );
        }
    }
}

/// How many tasks an ECS service runs: its desired count (1 unless set) or, with an
/// autoscaling target, the target's minimum and maximum.
pub fn task_count(stack: &Stack, service: &Resource) -> (f64, f64) {
    let address = service.address.to_string();
    let desired = number(service.body.value("desired_count")).unwrap_or(1.0);
    let scaling = stack.of_type("aws_appautoscaling_target").find(|target| {
        target
            .body
            .value("resource_id")
            .is_some_and(|id| refers_to(id, &address))
    });
    match scaling {
        Some(target) => (
            number(target.body.value("min_capacity")).unwrap_or(desired),
            number(target.body.value("max_capacity")).unwrap_or(desired),
        ),
        None => (desired, desired),
    }
}

fn round(amount: f64) -> f64 {
    (amount * 1e6).round() / 1e6
}

fn number(value: Option<&Value>) -> Option<f64> {
    match &value?.kind {
        ValueKind::Number(number) | ValueKind::Quantity(number, _) => Some(*number),
        ValueKind::Str(text) => text.parse().ok(),
        _ => None,
    }
}

fn list_len(value: Option<&Value>) -> usize {
    value.and_then(Value::as_list).map_or(0, <[Value]>::len)
}

fn container_insights(body: &Body) -> bool {
    body.blocks("setting").iter().any(|setting| {
        setting.value("name").and_then(Value::as_str) == Some("containerInsights")
            && setting.value("value").and_then(Value::as_str) != Some("disabled")
    })
}

/// The addresses a value refers to.
fn references(value: &Value) -> Vec<String> {
    match &value.kind {
        ValueKind::Deferred(deferred) => deferred
            .parts
            .iter()
            .filter_map(|part| match part {
                TemplatePart::Interpolation(expression) => Some(expression_references(expression)),
                TemplatePart::Literal(_) => None,
            })
            .flatten()
            .collect(),
        ValueKind::Resource(address) => vec![address.to_string()],
        _ => Vec::new(),
    }
}

fn refers_to(value: &Value, address: &str) -> bool {
    references(value)
        .iter()
        .any(|reference| reference == address)
}

fn referred<'s>(stack: &'s Stack, value: &Value) -> Option<&'s Resource> {
    let reference = references(value).into_iter().next()?;
    stack
        .resources
        .values()
        .find(|resource| resource.address.to_string() == reference)
}

/// "prod costs $X–$Y more than staging a month, most of it NAT gateway hours ($A vs $B)".
fn difference(base: &EnvCost, other: &EnvCost) -> String {
    let delta = Monthly {
        min: other.monthly.min - base.monthly.min,
        max: other.monthly.max - base.monthly.max,
    };
    let (word, delta) = if delta.max >= 0.0 {
        ("more", delta)
    } else {
        (
            "less",
            Monthly {
                min: -delta.min,
                max: -delta.max,
            },
        )
    };
    let by_item = |cost: &EnvCost| -> BTreeMap<String, f64> {
        cost.by_category()
            .into_iter()
            .map(|(name, monthly)| (name, monthly.max))
            .collect()
    };
    let (ours, theirs) = (by_item(other), by_item(base));
    let mut categories: Vec<(&String, f64)> = ours
        .keys()
        .chain(theirs.keys())
        .map(|name| {
            (
                name,
                ours.get(name).unwrap_or(&0.0) - theirs.get(name).unwrap_or(&0.0),
            )
        })
        .collect();
    categories.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()).then(a.0.cmp(b.0)));
    let mut sentence = format!(
        "{} costs {} {word} than {} a month",
        other.env,
        money_range(Monthly {
            min: delta.min.min(delta.max),
            max: delta.min.max(delta.max)
        }),
        base.env
    );
    if let Some((name, change)) = categories
        .first()
        .filter(|(_, change)| change.abs() >= 0.005)
    {
        let share = if delta.max > 0.0 && change.abs() > delta.max / 2.0 {
            "most of it"
        } else {
            "the largest part"
        };
        sentence.push_str(&format!(
            ", {share} {name} ({} vs {})",
            money(*ours.get(*name).unwrap_or(&0.0)),
            money(*theirs.get(*name).unwrap_or(&0.0))
        ));
    }
    sentence
}

/// An item's name without what is in parentheses: `Fargate vCPU (2 tasks)` counts
/// with `Fargate vCPU (up to 2 more tasks, scaled out)`.
fn category(item: &str) -> String {
    item.split(" (").next().unwrap_or(item).to_string()
}

impl EnvCost {
    /// The monthly sums by kind of item, whatever the resource: `NAT gateway hours`,
    /// `Fargate vCPU` (what is in parentheses left out).
    pub fn by_category(&self) -> BTreeMap<String, Monthly> {
        let mut sums: BTreeMap<String, Monthly> = BTreeMap::new();
        for item in &self.items {
            let sum = sums
                .entry(category(&item.item))
                .or_insert(Monthly { min: 0.0, max: 0.0 });
            sum.min += item.monthly.min;
            sum.max += item.monthly.max;
        }
        sums
    }

    /// The monthly sum of the items of `resource` (an address); `None` when it has none.
    pub fn monthly_of(&self, resource: &str) -> Option<Monthly> {
        let items: Vec<&Item> = self
            .items
            .iter()
            .filter(|item| item.resource == resource)
            .collect();
        (!items.is_empty()).then(|| total(items))
    }
}

fn money(amount: f64) -> String {
    format!("${amount:.2}")
}

/// `$90.57`, or `$225.78–$297.86` when the minimum and maximum differ.
pub fn money_range(monthly: Monthly) -> String {
    if (monthly.max - monthly.min).abs() < 0.005 {
        money(monthly.max)
    } else {
        format!("{}–{}", money(monthly.min), money(monthly.max))
    }
}

impl Estimate {
    pub fn to_json(&self) -> String {
        super::pretty_json(self)
    }

    pub fn to_text(&self, color: bool) -> String {
        let mut out = String::new();
        for env in &self.envs {
            out.push_str(&bold(
                &format!(
                    "{} ({}): {} a month",
                    env.env,
                    env.region,
                    money_range(env.monthly)
                ),
                color,
            ));
            out.push('\n');
            let mut table = Table::new(
                ["resource", "item", "quantity", "unit price", "monthly"]
                    .map(String::from)
                    .to_vec(),
            );
            for item in &env.items {
                table.row(vec![
                    item.resource.clone(),
                    item.item.clone(),
                    format!(
                        "{} {}",
                        super::super::eval::value::format_number(round2(item.quantity)),
                        item.unit
                    ),
                    format!("${}", item.unit_price),
                    money_range(item.monthly),
                ]);
            }
            out.push_str(&table.to_text(color));
            out.push_str(&format!("free: {} resources", env.free.len()));
            out.push('\n');
            for unpriced in &env.unpriced {
                out.push_str(&format!(
                    "unpriced: {}: {}\n",
                    unpriced.resource, unpriced.reason
                ));
            }
            let usage = serde_json::to_value(&env.usage).unwrap_or_default();
            let assumed: Vec<String> = usage
                .as_object()
                .into_iter()
                .flatten()
                .map(|(key, value)| format!("{key} = {value}"))
                .collect();
            out.push_str(&format!(
                "usage assumed (--usage FILE to change): {}\n\n",
                assumed.join(", ")
            ));
        }
        for line in &self.differences {
            out.push_str(line);
            out.push('\n');
        }
        out.push_str(&format!(
            "{} list prices as of {}, 730 hours a month; data transfer out to the internet and taxes are not included.\n",
            self.currency, self.prices_as_of
        ));
        out
    }
}

fn round2(amount: f64) -> f64 {
    (amount * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_price_table_parses_and_every_price_has_a_source() {
        let text = include_str!("prices.json");
        let json: serde_json::Value = serde_json::from_str(text).unwrap_or_default();
        let prices = json["regions"]["us-east-1"]["prices"]
            .as_object()
            .cloned()
            .unwrap_or_default();
        assert!(prices.len() >= 14, "{prices:?}");
        for (key, price) in prices {
            assert!(
                price["source"]
                    .as_str()
                    .is_some_and(|s| s.starts_with("https://")),
                "{key}"
            );
            assert!(
                price["unit_price"].as_f64().is_some_and(|p| p > 0.0),
                "{key}"
            );
        }
        assert_eq!(price_table().hours_per_month, 730.0);
    }

    #[test]
    fn a_usage_file_overrides_defaults_per_environment() {
        let file = UsageFile::parse(
            r#"{"default": {"alb_lcu": 2}, "env": {"prod": {"alb_lcu": 5, "s3_stored_gb": 1}}}"#,
        )
        .unwrap_or_default();
        assert_eq!(file.usage_of("staging").alb_lcu, 2.0);
        assert_eq!(file.usage_of("prod").alb_lcu, 5.0);
        assert_eq!(file.usage_of("prod").s3_stored_gb, 1.0);
        assert_eq!(
            file.usage_of("prod").log_stored_gb,
            Usage::default().log_stored_gb
        );
        assert!(UsageFile::parse(r#"{"default": {"alb_lcus": 2}}"#).is_err());
    }
}

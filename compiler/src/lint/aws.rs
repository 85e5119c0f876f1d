//! AWS constraints that Terraform reports only at apply time: Fargate sizes, log
//! retention, zones of the region, subnet layout, capacity ranges, name lengths, ports.

use std::collections::BTreeMap;

use super::fargate::{
    cpu_text, fargate_memory_range, memory_range_text, memory_text, nearest_fargate_size,
    nearest_retention, FARGATE_CPUS, RETENTION_DAYS,
};
use super::{at_value, number, referenced, region, used_by};
use crate::diagnostics::{Code, Diagnostic};
use crate::eval::cidr::Cidr;
use crate::eval::stack::Stack;
use crate::eval::value::{Value, ValueKind};

pub fn check(stack: &Stack, out: &mut Vec<Diagnostic>) {
    fargate_sizes(stack, out);
    log_retention(stack, out);
    zones(stack, out);
    subnet_layout(stack, out);
    capacity(stack, out);
    names(stack, out);
    ports(stack, out);
}

fn fargate_sizes(stack: &Stack, out: &mut Vec<Diagnostic>) {
    for resource in stack.of_type("aws_ecs_task_definition") {
        let (Some(cpu_value), Some(memory_value)) =
            (resource.body.value("cpu"), resource.body.value("memory"))
        else {
            continue;
        };
        let (Some(cpu), Some(memory)) = (number(cpu_value), number(memory_value)) else {
            continue;
        };
        let cpu_units = cpu as u32;
        let valid_cpu = FARGATE_CPUS.contains(&cpu_units) && cpu.fract() == 0.0;
        let memories = fargate_memory_range(cpu_units).unwrap_or_default();
        if valid_cpu && memory.fract() == 0.0 && memories.contains(&(memory as u32)) {
            continue;
        }
        let (near_cpu, near_memory) = nearest_fargate_size(cpu, memory);
        let diagnostic = if valid_cpu {
            at_value(
                Code::FargateSize,
                memory_value,
                format!(
                    "Fargate has no task with {} and {}",
                    cpu_text(cpu_units),
                    memory_text(memory as u32)
                ),
            )
            .with_label(format!(
                "with {} memory must be {}",
                cpu_text(cpu_units),
                memory_range_text(cpu_units)
            ))
            .with_secondary(cpu_value.origin.file, cpu_value.origin.span, "the CPU size")
            .with_help(format!(
                "the nearest valid size is {} with {}",
                cpu_text(near_cpu),
                memory_text(near_memory)
            ))
            .with_fix(
                format!("use {}", memory_text(near_memory)),
                memory_text(near_memory),
            )
        } else {
            at_value(
                Code::FargateSize,
                cpu_value,
                format!(
                    "Fargate has no task size with {} vcpu",
                    crate::eval::value::format_number(cpu / 1024.0)
                ),
            )
            .with_label("Fargate sizes are 0.25, 0.5, 1, 2, 4, 8 and 16 vcpu")
            .with_help(format!(
                "the nearest valid size is {} with {}",
                cpu_text(near_cpu),
                memory_text(near_memory)
            ))
            .with_fix(format!("use {}", cpu_text(near_cpu)), cpu_text(near_cpu))
        };
        out.push(used_by(diagnostic, resource));
    }
}

fn log_retention(stack: &Stack, out: &mut Vec<Diagnostic>) {
    for resource in stack.of_type("aws_cloudwatch_log_group") {
        let Some(value) = resource.body.value("retention_in_days") else {
            continue;
        };
        let Some(days) = number(value) else { continue };
        if days == 0.0 || (days.fract() == 0.0 && RETENTION_DAYS.contains(&(days as u32))) {
            continue;
        }
        let nearest = nearest_retention(days);
        out.push(used_by(
            at_value(
                Code::LogRetention,
                value,
                format!("CloudWatch Logs cannot keep logs for {} days", crate::eval::value::format_number(days)),
            )
            .with_label("not a retention period CloudWatch accepts")
            .with_note("valid periods: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653 days")
            .with_help(format!("the nearest valid period is {nearest} days"))
            .with_fix(format!("use {nearest} days"), format!("{nearest} days")),
            resource,
        ));
    }
}

fn zones(stack: &Stack, out: &mut Vec<Diagnostic>) {
    let Some(region_value) = region(stack) else {
        return;
    };
    let region_name = region_value.as_str().unwrap_or_default();
    let Some(known) = super::regions::zones(region_name) else {
        let mut diagnostic = at_value(
            Code::UnknownZone,
            region_value,
            format!("ragc does not know the region `{region_name}`"),
        );
        if let Some(found) = crate::schema::suggest(region_name, super::regions::names()) {
            diagnostic = diagnostic.with_help(format!("did you mean `{found}`?"));
        }
        out.push(diagnostic);
        return;
    };
    for resource in stack.of_type("aws_subnet") {
        let Some(zone) = resource.body.value("availability_zone") else {
            continue;
        };
        let Some(name) = zone.as_str() else { continue };
        if known.contains(&name) {
            continue;
        }
        out.push(used_by(
            at_value(
                Code::UnknownZone,
                zone,
                format!("`{name}` is not an availability zone of {region_name}"),
            )
            .with_label(format!("{region_name} has {}", known.join(", ")))
            .with_secondary(
                region_value.origin.file,
                region_value.origin.span,
                "the stack's region",
            ),
            resource,
        ));
    }
    // An application load balancer needs subnets in two zones at least.
    for resource in stack.of_type("aws_lb") {
        let Some(subnets) = resource.body.value("subnets") else {
            continue;
        };
        let Some(items) = subnets.as_list() else {
            continue;
        };
        let mut zones_of_lb: Vec<&str> = items
            .iter()
            .filter_map(referenced)
            .filter_map(|address| stack.resources.get(&address.owned()))
            .filter_map(|subnet| {
                subnet
                    .body
                    .value("availability_zone")
                    .and_then(Value::as_str)
            })
            .collect();
        zones_of_lb.sort_unstable();
        zones_of_lb.dedup();
        if zones_of_lb.len() < 2 && !items.is_empty() {
            out.push(used_by(
                at_value(
                    Code::TooFewZones,
                    subnets,
                    format!(
                        "an application load balancer needs two availability zones, but it has {}",
                        zones_of_lb.len()
                    ),
                )
                .with_label("this gives its subnets")
                .with_help("span at least 2 zones"),
                resource,
            ));
        }
    }
}

fn cidr_of(value: &Value) -> Option<Cidr> {
    match &value.kind {
        ValueKind::Cidr(cidr) => Some(*cidr),
        ValueKind::Str(text) => Cidr::parse(text).ok(),
        _ => None,
    }
}

fn subnet_layout(stack: &Stack, out: &mut Vec<Diagnostic>) {
    let mut by_vpc: BTreeMap<&str, Vec<(Cidr, &Value, &crate::eval::stack::Resource)>> =
        BTreeMap::new();
    for subnet in stack.of_type("aws_subnet") {
        let (Some(vpc), Some(cidr_value)) =
            (subnet.body.value("vpc_id"), subnet.body.value("cidr_block"))
        else {
            continue;
        };
        let (Some(vpc), Some(cidr)) = (referenced(vpc), cidr_of(cidr_value)) else {
            continue;
        };
        by_vpc
            .entry(vpc.name)
            .or_default()
            .push((cidr, cidr_value, subnet));
        let Some(network) = stack.resources.get(&vpc.owned()) else {
            continue;
        };
        let Some(network_value) = network.body.value("cidr_block") else {
            continue;
        };
        let Some(network_cidr) = cidr_of(network_value) else {
            continue;
        };
        if !network_cidr.contains(cidr) {
            out.push(used_by(
                at_value(
                    Code::CidrOverlap,
                    cidr_value,
                    format!("subnet {cidr} lies outside its VPC's {network_cidr}"),
                )
                .with_secondary(
                    network_value.origin.file,
                    network_value.origin.span,
                    "the VPC's block",
                ),
                subnet,
            ));
        }
    }
    for subnets in by_vpc.values() {
        for (at, (cidr, value, subnet)) in subnets.iter().enumerate() {
            if let Some((other, other_value, other_subnet)) = subnets[..at]
                .iter()
                .find(|(other, ..)| other.overlaps(*cidr))
            {
                out.push(used_by(
                    at_value(
                        Code::CidrOverlap,
                        value,
                        format!(
                            "subnet {cidr} of `{}` overlaps {other} of `{}`",
                            subnet.address, other_subnet.address
                        ),
                    )
                    .with_secondary(
                        other_value.origin.file,
                        other_value.origin.span,
                        "the other subnet's block",
                    ),
                    subnet,
                ));
            }
        }
    }
}

fn capacity(stack: &Stack, out: &mut Vec<Diagnostic>) {
    for target in stack.of_type("aws_appautoscaling_target") {
        let (Some(min_value), Some(max_value)) = (
            target.body.value("min_capacity"),
            target.body.value("max_capacity"),
        ) else {
            continue;
        };
        let (Some(min), Some(max)) = (number(min_value), number(max_value)) else {
            continue;
        };
        if min < 1.0 || min > max {
            out.push(used_by(
                at_value(
                    Code::CapacityRange,
                    min_value,
                    format!("capacity {}..{} is empty or starts below 1", min, max),
                )
                .with_label("`min` must be at least 1 and at most `max`")
                .with_help("write the range as `min..max` with 1 <= min <= max"),
                target,
            ));
        }
        for service in stack.of_type("aws_ecs_service") {
            let Some(desired_value) = service.body.value("desired_count") else {
                continue;
            };
            let Some(desired) = number(desired_value) else {
                continue;
            };
            if (min..=max).contains(&desired) || min > max {
                continue;
            }
            out.push(used_by(
                at_value(
                    Code::CapacityRange,
                    desired_value,
                    format!("the service starts {desired} tasks, outside its autoscaling range {min}..{max}"),
                )
                .with_help("start within the range: min <= desired <= max"),
                service,
            ));
        }
    }
    for service in stack.of_type("aws_ecs_service") {
        let Some(desired_value) = service.body.value("desired_count") else {
            continue;
        };
        if number(desired_value).is_some_and(|desired| desired < 0.0 || desired.fract() != 0.0) {
            out.push(used_by(
                at_value(
                    Code::CapacityRange,
                    desired_value,
                    "a task count must be a whole number, 0 or more",
                ),
                service,
            ));
        }
    }
}

fn names(stack: &Stack, out: &mut Vec<Diagnostic>) {
    for type_name in ["aws_lb", "aws_lb_target_group"] {
        for resource in stack.of_type(type_name) {
            let Some(value) = resource.body.value("name") else {
                continue;
            };
            let Some(name) = value.as_str() else { continue };
            let problem = if name.len() > 32 {
                Some((
                    format!("is {} characters long; the limit is 32", name.len()),
                    "shorten the service or environment name",
                ))
            } else if name.starts_with('-') || name.ends_with('-') {
                Some((
                    "starts or ends with a hyphen".to_string(),
                    "start and end the name with a letter or digit",
                ))
            } else if !name
                .chars()
                .all(|ch| ch.is_ascii_alphanumeric() || ch == '-')
            {
                Some((
                    "may hold only letters, digits and hyphens".to_string(),
                    "replace other characters, such as `_`, with `-`",
                ))
            } else {
                None
            };
            if let Some((problem, help)) = problem {
                out.push(used_by(
                    at_value(
                        Code::NameTooLong,
                        value,
                        format!("the {type_name} name `{name}` {problem}"),
                    )
                    .with_label("this makes the name")
                    .with_help(help),
                    resource,
                ));
            }
        }
    }
}

fn ports(stack: &Stack, out: &mut Vec<Diagnostic>) {
    // One bad port may feed several arguments; report it once.
    let mut reported = std::collections::BTreeSet::new();
    let mut check = |value: &Value, resource: &crate::eval::stack::Resource| {
        if !reported.insert(value.origin) {
            return;
        }
        if number(value).is_some_and(|port| !(1.0..=65535.0).contains(&port) || port.fract() != 0.0)
        {
            out.push(used_by(
                at_value(Code::InvalidPort, value, format!("{value} is not a port"))
                    .with_label("ports are 1 to 65535"),
                resource,
            ));
        }
    };
    for resource in stack.resources.values() {
        let names: &[&str] = match resource.address.type_name.as_str() {
            "aws_lb_target_group" | "aws_lb_listener" => &["port"],
            "aws_vpc_security_group_ingress_rule" | "aws_vpc_security_group_egress_rule" => {
                &["from_port", "to_port"]
            }
            _ => &[],
        };
        for name in names {
            if let Some(value) = resource.body.value(name) {
                check(value, resource);
            }
        }
        if resource.address.type_name == "aws_ecs_service" {
            for balancer in resource.body.blocks("load_balancer") {
                if let Some(value) = balancer.value("container_port") {
                    check(value, resource);
                }
            }
        }
    }
}

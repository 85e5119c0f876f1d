//! Calls: functions written in the language (`fn`) and the built-in functions, which
//! follow Terraform's where Terraform has one of the same name.

use std::collections::BTreeMap;
use std::rc::Rc;

use super::module::{Given, Owner};
use super::value::{format_number, Origin, Value, ValueKind};
use super::{Eval, Evaluator, Locals, Scope};
use crate::diagnostics::{Code, Diagnostic, FileId};
use crate::schema::suggest;
use crate::source::Span;
use crate::syntax::ast::{Argument, Ident, ItemKind};

/// A built-in function: its name, how many arguments it takes, and what it does.
pub struct Builtin {
    pub name: &'static str,
    pub signature: &'static str,
    pub doc: &'static str,
    min: usize,
    max: usize,
}

const fn builtin(
    name: &'static str,
    signature: &'static str,
    doc: &'static str,
    min: usize,
    max: usize,
) -> Builtin {
    Builtin {
        name,
        signature,
        doc,
        min,
        max,
    }
}

pub const BUILTINS: &[Builtin] = &[
    builtin("availability_zones", "availability_zones(region: String): List<Zone>", "The availability zones of an AWS region, in order.", 1, 1),
    builtin("cidrsubnet", "cidrsubnet(prefix: Cidr, newbits: Int, netnum: Int): Cidr", "A subnet of `prefix`, as Terraform's `cidrsubnet`.", 3, 3),
    builtin("concat", "concat(lists: List...): List", "The lists joined end to end.", 1, usize::MAX),
    builtin("contains", "contains(list: List, value): Bool", "True when `list` holds `value`.", 2, 2),
    builtin("format", "format(spec: String, values...): String", "Formats values with `%s`, `%d` and `%%`, as Terraform's `format`.", 1, usize::MAX),
    builtin("join", "join(separator: String, list: List<String>): String", "The strings of `list`, separated by `separator`.", 2, 2),
    builtin("jsonencode", "jsonencode(value): String", "`value` encoded as JSON; built by the compiler, or by Terraform when the value holds attributes only Terraform knows.", 1, 1),
    builtin("keys", "keys(record): List<String>", "The keys of a record or map, sorted.", 1, 1),
    builtin("len", "len(value): Int", "The number of items of a list, fields of a record, or characters of a string.", 1, 1),
    builtin("lower", "lower(text: String): String", "`text` in lower case.", 1, 1),
    builtin("max", "max(numbers...): Number", "The largest of the numbers.", 1, usize::MAX),
    builtin("merge", "merge(records...): Record", "The fields of all records; later ones win.", 1, usize::MAX),
    builtin("min", "min(numbers...): Number", "The smallest of the numbers.", 1, usize::MAX),
    builtin("range", "range(count: Int): List<Int>", "The numbers 0 to count - 1.", 1, 1),
    builtin("replace", "replace(text: String, search: String, replacement: String): String", "`text` with every `search` replaced.", 3, 3),
    builtin("take", "take(list: List, count: Int): List", "The first `count` items of `list`.", 2, 2),
    builtin("units", "units(quantity): Number", "A quantity in its canonical unit: CPU units (1 vcpu = 1024), MiB, days or percent.", 1, 1),
    builtin("upper", "upper(text: String): String", "`text` in upper case.", 1, 1),
    builtin("values", "values(record): List", "The values of a record or map, in key order.", 1, 1),
    builtin("zipmap", "zipmap(keys: List<String>, values: List): Map", "A map from each key to the value at the same position, as Terraform's `zipmap`.", 2, 2),
];

impl<'p> Evaluator<'p> {
    pub(crate) fn call(
        &mut self,
        function: &'p Ident,
        args: &'p [Argument],
        scope: &Scope<'p>,
        origin: Origin,
    ) -> Eval<Value> {
        if let Some(item_ref) = self.global_name(scope.file, function).item {
            if let ItemKind::Fn(decl) = &self.program.item(item_ref).kind {
                let mut given = Given::with_capacity(args.len());
                for (at, argument) in args.iter().enumerate() {
                    let value = self.expr(&argument.value, scope)?;
                    let name = match &argument.name {
                        Some(name) => name.name.as_str(),
                        None => match decl.params.get(at) {
                            Some(param) => param.name.name.as_str(),
                            None => {
                                return Err(self.report(
                                    Diagnostic::new(
                                        Code::WrongArguments,
                                        scope.file,
                                        argument.value.span,
                                        format!(
                                            "`{}` takes {} arguments",
                                            function.name,
                                            decl.params.len()
                                        ),
                                    )
                                    .with_label("one too many"),
                                ))
                            }
                        },
                    };
                    let span = argument
                        .name
                        .as_ref()
                        .map_or(argument.value.span, |n| n.span);
                    given.insert(name, value, span);
                }
                let owner = Owner {
                    kind: "function",
                    name: &function.name,
                };
                let bound = self.bind_fields(
                    &decl.params,
                    &mut given,
                    owner,
                    origin,
                    scope.file,
                    item_ref.file,
                    None,
                )?;
                let mut locals = Locals::default();
                for (param, value) in decl.params.iter().zip(bound) {
                    locals = locals.with(&param.name.name, value);
                }
                let inner = Scope {
                    file: item_ref.file,
                    locals,
                    instance: None,
                };
                self.depth += 1;
                let result = self.expr(&decl.body, &inner);
                self.depth -= 1;
                let result = result?;
                return self.conform(result, &decl.result, item_ref.file);
            }
        }
        let Some(builtin) = BUILTINS
            .iter()
            .find(|builtin| builtin.name == function.name)
        else {
            let diagnostic = crate::check::unknown_function(
                self.program.scope(scope.file),
                scope.file,
                function,
            );
            return Err(self.report(diagnostic));
        };
        if let Some(named) = args.iter().find_map(|argument| argument.name.as_ref()) {
            return Err(self.error(
                Code::WrongArguments,
                scope.file,
                named.span,
                format!(
                    "`{}` takes its arguments by position: {}",
                    builtin.name, builtin.signature
                ),
            ));
        }
        if args.len() < builtin.min || args.len() > builtin.max {
            return Err(self.report(
                Diagnostic::new(
                    Code::WrongArguments,
                    scope.file,
                    function.span,
                    format!(
                        "`{}` takes {} arguments, not {}",
                        builtin.name,
                        arity(builtin),
                        args.len()
                    ),
                )
                .with_help(builtin.signature),
            ));
        }
        let mut values = Vec::with_capacity(args.len());
        for argument in args {
            values.push(self.expr(&argument.value, scope)?);
        }
        let spans: Vec<Span> = args.iter().map(|argument| argument.value.span).collect();
        // The result is blamed on an argument that came from elsewhere; `take` is blamed
        // on its count, which decides its length.
        let blamed: &[Value] = if builtin.name == "take" {
            &values[1..]
        } else {
            &values
        };
        let origin = blamed
            .iter()
            .map(|value| super::expr::culprit(value, value, origin))
            .find(|culprit| *culprit != origin)
            .unwrap_or(origin);
        self.builtin(builtin, &values, &spans, scope.file, origin)
    }

    fn builtin(
        &mut self,
        builtin: &Builtin,
        args: &[Value],
        spans: &[Span],
        file: FileId,
        origin: Origin,
    ) -> Eval<Value> {
        // Functions on the shape of lists and records work while only some items are
        // unknown; the others need every value they read.
        let structural = matches!(
            builtin.name,
            "concat" | "keys" | "len" | "merge" | "take" | "values" | "zipmap" | "jsonencode"
        );
        let deferred = if structural {
            args.iter()
                .any(|arg| matches!(arg.kind, ValueKind::Deferred(_)))
        } else {
            args.iter().any(Value::is_deferred)
        };
        if deferred && builtin.name != "jsonencode" {
            return match builtin.name {
                // Functions Terraform has under the same name run at apply time.
                "cidrsubnet" | "concat" | "contains" | "format" | "join" | "keys" | "lower"
                | "max" | "merge" | "min" | "replace" | "upper" | "values" | "zipmap" => {
                    let rendered: Vec<String> = args.iter().map(to_hcl).collect();
                    Ok(Value::deferred(
                        format!("{}({})", builtin.name, rendered.join(", ")),
                        origin,
                    ))
                }
                "len" => Ok(Value::deferred(
                    format!("length({})", to_hcl(&args[0])),
                    origin,
                )),
                _ => Err(self.deferred_needed(
                    &args[0],
                    spans[0],
                    file,
                    &format!("for `{}`", builtin.name),
                )),
            };
        }
        let kind = match builtin.name {
            "availability_zones" => {
                let region = self.known_str(&args[0], spans[0], file)?;
                match crate::lint::regions::zones(region) {
                    Some(zones) => ValueKind::List(Rc::new(
                        zones
                            .iter()
                            .map(|zone| Value::string(*zone, origin))
                            .collect(),
                    )),
                    None => {
                        let known: Vec<&str> = crate::lint::regions::names().collect();
                        let mut diagnostic = Diagnostic::new(
                            Code::UnknownZone,
                            args[0].origin.file,
                            args[0].origin.span,
                            format!("ragc does not know the region `{region}`"),
                        );
                        if let Some(found) = suggest(region, known) {
                            diagnostic = diagnostic
                                .with_help(format!("did you mean `{found}`?"))
                                .with_fix(
                                    format!("replace with \"{found}\""),
                                    format!("\"{found}\""),
                                );
                        }
                        return Err(self.report(diagnostic));
                    }
                }
            }
            "cidrsubnet" => {
                let ValueKind::Cidr(prefix) = &args[0].kind else {
                    return Err(self.expected("Cidr", &args[0], spans[0], file));
                };
                let newbits = self.known_int(&args[1], spans[1], file)?;
                let netnum = self.known_int(&args[2], spans[2], file)?;
                let subnet = u32::try_from(newbits)
                    .map_err(|_| "newbits must not be negative".to_string())
                    .and_then(|newbits| {
                        u64::try_from(netnum)
                            .map_err(|_| "netnum must not be negative".to_string())
                            .and_then(|netnum| prefix.subnet(newbits, netnum))
                    });
                match subnet {
                    Ok(cidr) => ValueKind::Cidr(cidr),
                    Err(problem) => {
                        return Err(self.report(
                            Diagnostic::new(Code::InvalidOperation, file, spans[2], problem)
                                .with_secondary(
                                    args[0].origin.file,
                                    args[0].origin.span,
                                    format!("the network is {prefix}"),
                                ),
                        ))
                    }
                }
            }
            "concat" => {
                let mut all = Vec::new();
                for (value, span) in args.iter().zip(spans) {
                    all.extend(self.known_list(value, *span, file)?.iter().cloned());
                }
                ValueKind::List(Rc::new(all))
            }
            "contains" => {
                let list = self.known_list(&args[0], spans[0], file)?;
                ValueKind::Bool(list.iter().any(|item| super::expr::same(item, &args[1])))
            }
            "format" => {
                let spec = self.known_str(&args[0], spans[0], file)?;
                let mut texts = Vec::new();
                for (value, span) in args[1..].iter().zip(&spans[1..]) {
                    texts.push(self.text_of(value, *span, file)?);
                }
                match format_spec(spec, &texts) {
                    Ok(text) => ValueKind::Str(text.into()),
                    Err(problem) => {
                        return Err(self.error(Code::WrongArguments, file, spans[0], problem))
                    }
                }
            }
            "join" => {
                let separator = self.known_str(&args[0], spans[0], file)?;
                let list = self.known_list(&args[1], spans[1], file)?;
                let mut parts = Vec::new();
                for item in list.iter() {
                    parts.push(self.text_of(item, spans[1], file)?);
                }
                ValueKind::Str(parts.join(separator).into())
            }
            "jsonencode" => {
                if !args[0].is_deferred() && to_json(&args[0]).is_none() {
                    return Err(self.expected(
                        "a value that JSON can hold",
                        &args[0],
                        spans[0],
                        file,
                    ));
                }
                ValueKind::Json(Rc::new(args[0].clone()))
            }
            "keys" | "values" => {
                let ValueKind::Record { fields, .. } = &args[0].kind else {
                    return Err(self.expected("a record", &args[0], spans[0], file));
                };
                let items = if builtin.name == "keys" {
                    fields
                        .keys()
                        .map(|key| Value::string(key.clone(), origin))
                        .collect()
                } else {
                    fields.values().cloned().collect()
                };
                ValueKind::List(Rc::new(items))
            }
            "len" => ValueKind::Number(match &args[0].kind {
                ValueKind::List(items) => items.len() as f64,
                ValueKind::Record { fields, .. } => fields.len() as f64,
                ValueKind::Str(text) => text.chars().count() as f64,
                _ => {
                    return Err(self.expected("a list, record or string", &args[0], spans[0], file))
                }
            }),
            "lower" | "upper" => {
                let text = self.known_str(&args[0], spans[0], file)?;
                ValueKind::Str(
                    if builtin.name == "lower" {
                        text.to_lowercase()
                    } else {
                        text.to_uppercase()
                    }
                    .into(),
                )
            }
            "max" | "min" => {
                let mut best: Option<&Value> = None;
                for (value, span) in args.iter().zip(spans) {
                    let number = number_of(value)
                        .ok_or_else(|| self.expected("a number", value, *span, file))?;
                    let better = best.and_then(number_of).is_none_or(|current| {
                        if builtin.name == "max" {
                            number > current
                        } else {
                            number < current
                        }
                    });
                    if better {
                        best = Some(value);
                    }
                }
                return Ok(best.cloned().unwrap_or(Value::new(ValueKind::Null, origin)));
            }
            "merge" => {
                let mut merged = BTreeMap::new();
                for (value, span) in args.iter().zip(spans) {
                    let ValueKind::Record { fields, .. } = &value.kind else {
                        return Err(self.expected("a record", value, *span, file));
                    };
                    merged.extend(fields.iter().map(|(k, v)| (k.clone(), v.clone())));
                }
                ValueKind::Record {
                    type_name: None,
                    fields: Rc::new(merged),
                }
            }
            "range" => {
                let count = self.known_int(&args[0], spans[0], file)?;
                if !(0..=100_000).contains(&count) {
                    return Err(self.error(
                        Code::InvalidOperation,
                        file,
                        spans[0],
                        format!("range({count}) must be between 0 and 100000"),
                    ));
                }
                ValueKind::List(Rc::new(
                    (0..count)
                        .map(|n| Value::new(ValueKind::Number(n as f64), origin))
                        .collect(),
                ))
            }
            "replace" => {
                let text = self.known_str(&args[0], spans[0], file)?;
                let search = self.known_str(&args[1], spans[1], file)?;
                let replacement = self.known_str(&args[2], spans[2], file)?;
                if search.is_empty() {
                    return Err(self.error(
                        Code::InvalidOperation,
                        file,
                        spans[1],
                        "cannot replace an empty string".into(),
                    ));
                }
                ValueKind::Str(text.replace(search, replacement).into())
            }
            "take" => {
                let list = self.known_list(&args[0], spans[0], file)?;
                let count = self.known_int(&args[1], spans[1], file)?;
                let Some(count) = usize::try_from(count)
                    .ok()
                    .filter(|count| *count <= list.len())
                else {
                    return Err(self.report(
                        Diagnostic::new(
                            Code::InvalidOperation,
                            args[1].origin.file,
                            args[1].origin.span,
                            format!("cannot take {count} items from a list of {}", list.len()),
                        )
                        .with_label(format!("at most {}", list.len()))
                        .with_secondary(
                            file,
                            spans[0],
                            format!("this list has {} items", list.len()),
                        ),
                    ));
                };
                ValueKind::List(Rc::new(list[..count].to_vec()))
            }
            "zipmap" => {
                let keys = self.known_list(&args[0], spans[0], file)?;
                let values = self.known_list(&args[1], spans[1], file)?;
                if keys.len() != values.len() {
                    return Err(self.error(
                        Code::InvalidOperation,
                        file,
                        spans[1],
                        format!(
                            "zipmap needs as many values as keys: {} keys, {} values",
                            keys.len(),
                            values.len()
                        ),
                    ));
                }
                let mut map = BTreeMap::new();
                for (key, value) in keys.iter().zip(values.iter()) {
                    map.insert(
                        Rc::from(self.known_str(key, spans[0], file)?),
                        value.clone(),
                    );
                }
                ValueKind::Record {
                    type_name: None,
                    fields: Rc::new(map),
                }
            }
            "units" => match args[0].kind {
                ValueKind::Quantity(amount, _) => ValueKind::Number(amount),
                _ => return Err(self.expected("a quantity with a unit", &args[0], spans[0], file)),
            },
            _ => unreachable!("every entry of BUILTINS is implemented"),
        };
        Ok(Value::new(kind, origin))
    }
}

fn arity(builtin: &Builtin) -> String {
    match (builtin.min, builtin.max) {
        (min, max) if min == max => min.to_string(),
        (min, usize::MAX) => format!("at least {min}"),
        (min, max) => format!("{min} to {max}"),
    }
}

fn number_of(value: &Value) -> Option<f64> {
    match value.kind {
        ValueKind::Number(n) | ValueKind::Quantity(n, _) => Some(n),
        _ => None,
    }
}

fn format_spec(spec: &str, values: &[String]) -> Result<String, String> {
    let mut out = String::new();
    let mut next = values.iter();
    let mut chars = spec.chars();
    while let Some(ch) = chars.next() {
        if ch != '%' {
            out.push(ch);
            continue;
        }
        match chars.next() {
            Some('%') => out.push('%'),
            Some('s' | 'd') => {
                out.push_str(next.next().ok_or("the format has more `%s` than values")?)
            }
            other => {
                return Err(format!(
                    "unsupported format verb `%{}`",
                    other.map(String::from).unwrap_or_default()
                ))
            }
        }
    }
    if next.next().is_some() {
        return Err("the format has fewer `%s` than values".into());
    }
    Ok(out)
}

/// A known value as JSON, for `jsonencode` and the emitter. Quantities become numbers in
/// their canonical unit; enum variants become their names.
pub fn to_json(value: &Value) -> Option<serde_json::Value> {
    use serde_json::Value as J;
    Some(match &value.kind {
        ValueKind::Null => J::Null,
        ValueKind::Bool(b) => J::Bool(*b),
        ValueKind::Number(n) | ValueKind::Quantity(n, _) => json_number(*n),
        ValueKind::Str(text) => J::String(String::from(&**text)),
        ValueKind::Cidr(cidr) => J::String(cidr.to_string()),
        ValueKind::Enum { variant, .. } => J::String(String::from(&**variant)),
        ValueKind::List(items) => J::Array(items.iter().map(to_json).collect::<Option<_>>()?),
        ValueKind::Record { fields, .. } => J::Object(
            fields
                .iter()
                .map(|(key, field)| to_json(field).map(|json| (key.to_string(), json)))
                .collect::<Option<_>>()?,
        ),
        ValueKind::Json(inner) => J::String(to_json(inner)?.to_string()),
        ValueKind::Range(..)
        | ValueKind::Deferred(_)
        | ValueKind::Resource(_)
        | ValueKind::Module { .. } => return None,
    })
}

pub fn json_number(number: f64) -> serde_json::Value {
    if number.fract() == 0.0 && number.abs() < 9.0e15 {
        serde_json::Value::from(number as i64)
    } else {
        serde_json::Number::from_f64(number)
            .map_or(serde_json::Value::Null, serde_json::Value::Number)
    }
}

/// A value as a Terraform expression in HCL syntax, for what Terraform computes.
pub fn to_hcl(value: &Value) -> String {
    match &value.kind {
        ValueKind::Null => "null".into(),
        ValueKind::Bool(b) => b.to_string(),
        ValueKind::Number(n) | ValueKind::Quantity(n, _) => format_number(*n),
        ValueKind::Str(text) => format!("\"{}\"", super::value::escape_hcl_literal(text)),
        ValueKind::Cidr(cidr) => format!("\"{cidr}\""),
        ValueKind::Enum { variant, .. } => format!("\"{variant}\""),
        ValueKind::Range(start, end) => format!("[{start}, {end}]"),
        ValueKind::List(items) => format!(
            "[{}]",
            items.iter().map(to_hcl).collect::<Vec<_>>().join(", ")
        ),
        ValueKind::Record { fields, .. } => {
            let entries: Vec<String> = fields
                .iter()
                .map(|(key, field)| {
                    format!(
                        "\"{}\" = {}",
                        super::value::escape_hcl_literal(key),
                        to_hcl(field)
                    )
                })
                .collect();
            format!("{{{}}}", entries.join(", "))
        }
        ValueKind::Deferred(deferred) => deferred.to_hcl(),
        ValueKind::Json(inner) => format!("jsonencode({})", to_hcl(inner)),
        ValueKind::Resource(address) => address.to_string(),
        ValueKind::Module { .. } => "null".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::cidr::Cidr;
    use super::*;

    #[test]
    fn format_follows_terraform() {
        assert_eq!(
            format_spec("%s-%d%%", &["a".into(), "1".into()]),
            Ok("a-1%".into())
        );
        assert!(format_spec("%s", &[]).is_err());
        assert!(format_spec("%x", &[]).is_err());
    }

    #[test]
    fn cidr_values_print_as_terraform_strings() {
        let origin = Origin {
            file: FileId(0),
            span: Span::default(),
        };
        let cidr = Cidr::parse("10.0.0.0/16").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            to_hcl(&Value::new(ValueKind::Cidr(cidr), origin)),
            "\"10.0.0.0/16\""
        );
    }
}

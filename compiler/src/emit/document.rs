//! The text of `jsonencode(value)`, and known values as plain JSON.

use super::writer::{Escape, Writer};
use crate::eval::value::{TemplatePart, Value, ValueKind};

/// Writes `jsonencode(inner)` as a Terraform string. Where Terraform must fill in some
/// values, it is still written as literal JSON with `${...}` only inside string values,
/// so that scanners such as checkov can read policies and container definitions; only a
/// value that cannot be written so falls back to `${jsonencode(...)}`.
pub(super) fn json_document(out: &mut Writer, inner: &Value) {
    // The document is already a template: it is escaped as JSON only, never as a
    // template again, which would double its `$${`.
    out.string_of(|out| {
        let mark = out.mark();
        if template(out, inner).is_none() {
            out.reset(mark);
            out.raw("${jsonencode(");
            out.raw(&crate::eval::to_hcl(inner));
            out.raw(")}");
        }
    });
}

/// `value` as compact JSON text in which each unknown string is an interpolation, or
/// `None` (with part of it written) when some unknown value is not a plain string
/// reference.
fn template(out: &mut Writer, value: &Value) -> Option<()> {
    if !value.is_deferred() {
        return known(out, value, Escape::Template);
    }
    match &value.kind {
        // Only a string may sit inside a JSON string.
        ValueKind::Deferred(deferred) if !deferred.is_string => return None,
        ValueKind::Deferred(deferred) => {
            out.quote();
            for part in &deferred.parts {
                match part {
                    TemplatePart::Literal(literal) => out.escaped(literal, Escape::Template),
                    // An expression with quotes or backslashes would need JSON escapes
                    // that Terraform's template parser would then see.
                    TemplatePart::Interpolation(expression)
                        if !expression.contains(['"', '\\']) =>
                    {
                        out.raw("${");
                        out.raw(expression);
                        out.raw("}");
                    }
                    TemplatePart::Interpolation(_) => return None,
                }
            }
            out.quote();
        }
        ValueKind::List(items) => {
            out.begin_array();
            for item in items.iter() {
                out.element();
                template(out, item)?;
            }
            out.end_array();
        }
        ValueKind::Record { fields, .. } => {
            out.begin_object();
            for (key, field) in fields.iter() {
                if matches!(field.kind, ValueKind::Null) {
                    continue;
                }
                out.key(key, Escape::Template);
                template(out, field)?;
            }
            out.end_object();
        }
        ValueKind::Json(inner) => {
            let mut nested = Writer::compact();
            template(&mut nested, inner)?;
            out.string(nested.as_str(), Escape::Json);
        }
        // No other value holds something unknown.
        _ => return None,
    }
    Some(())
}

/// A known value as `crate::eval::to_json` makes it, strings and keys escaped with
/// `escape`, or `None` (with part of it written) when some part is not known.
pub(super) fn known(out: &mut Writer, value: &Value, escape: Escape) -> Option<()> {
    match &value.kind {
        ValueKind::Null => out.null(),
        ValueKind::Bool(b) => out.bool(*b),
        ValueKind::Number(n) | ValueKind::Quantity(n, _) => out.number(*n),
        ValueKind::Str(text) => out.string(text, escape),
        ValueKind::Cidr(cidr) => {
            out.quote();
            out.display(cidr);
            out.quote();
        }
        ValueKind::Enum { variant, .. } => out.string(variant, escape),
        ValueKind::List(items) => {
            out.begin_array();
            for item in items.iter() {
                out.element();
                known(out, item, escape)?;
            }
            out.end_array();
        }
        ValueKind::Record { fields, .. } => {
            out.begin_object();
            for (key, field) in fields.iter() {
                out.key(key, escape);
                known(out, field, escape)?;
            }
            out.end_object();
        }
        ValueKind::Json(inner) => {
            // The inner text is escaped once, as part of this string.
            let mut nested = Writer::compact();
            known(&mut nested, inner, Escape::Json)?;
            out.string(nested.as_str(), escape);
        }
        ValueKind::Range(..)
        | ValueKind::Deferred(_)
        | ValueKind::Resource(_)
        | ValueKind::Module { .. } => return None,
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use std::rc::Rc;

    use serde_json::json;

    use super::*;
    use crate::diagnostics::FileId;
    use crate::eval::value::{Fields, Origin};
    use crate::source::Span;

    const ORIGIN: Origin = Origin {
        file: FileId(0),
        span: Span { start: 0, end: 0 },
    };

    fn text(text: &str) -> Value {
        Value::string(text, ORIGIN)
    }

    fn record(fields: &[(&str, Value)]) -> Value {
        let fields: Fields = fields
            .iter()
            .map(|(key, value)| (Rc::from(*key), value.clone()))
            .collect();
        Value::record(fields, ORIGIN)
    }

    fn json(inner: Value) -> Value {
        Value::new(ValueKind::Json(Rc::new(inner)), ORIGIN)
    }

    fn null() -> Value {
        Value::new(ValueKind::Null, ORIGIN)
    }

    /// The text of the document: the JSON string `json_document` writes, read back.
    fn document(inner: &Value) -> String {
        let mut out = Writer::pretty(0);
        json_document(&mut out, inner);
        serde_json::from_str(out.as_str()).unwrap_or_else(|e| panic!("{e}: {}", out.as_str()))
    }

    #[test]
    fn known_documents_are_compact_json_with_template_escapes() {
        let value = record(&[
            ("b", text("x${y} %{z}\n\"")),
            ("a", null()),
            ("c", Value::list(vec![text("é"), text("$")], ORIGIN)),
        ]);
        assert_eq!(
            document(&value),
            r#"{"a":null,"b":"x$${y} %%{z}\n\"","c":["é","$"]}"#
        );
    }

    #[test]
    fn unknown_strings_become_interpolations_and_nulls_are_left_out() {
        let value = record(&[
            (
                "arn",
                Value::deferred_string("aws_s3_bucket.b.arn".into(), ORIGIN),
            ),
            ("skip", null()),
            ("s", text("${literal}")),
        ]);
        assert_eq!(
            document(&value),
            r#"{"arn":"${aws_s3_bucket.b.arn}","s":"$${literal}"}"#
        );
    }

    #[test]
    fn unknown_values_that_are_not_strings_fall_back_to_jsonencode() {
        let value = record(&[
            ("name", text("web")),
            ("n", Value::deferred("aws_x.y.count".into(), ORIGIN)),
        ]);
        assert_eq!(
            document(&value),
            r#"${jsonencode({"n" = aws_x.y.count, "name" = "web"})}"#
        );
    }

    #[test]
    fn documents_inside_documents_are_strings() {
        let inner = record(&[("b", text("q\"${"))]);
        let outer = record(&[("a", json(inner))]);
        let expected = json!({ "a": json!({ "b": "q\"${" }).to_string() }).to_string();
        assert_eq!(document(&outer), expected.replace("${", "$${"));

        let unknown = record(&[("y", Value::deferred_string("a.b".into(), ORIGIN))]);
        let outer = record(&[("x", json(unknown)), ("z", text("${"))]);
        assert_eq!(document(&outer), r#"{"x":"{\"y\":\"${a.b}\"}","z":"$${"}"#);
    }

    #[test]
    fn known_values_are_written_as_to_json_writes_them() {
        let value = record(&[
            ("a", null()),
            ("b", json(record(&[("c", text("${d}"))]))),
            ("n", Value::new(ValueKind::Number(2.5), ORIGIN)),
        ]);
        let mut out = Writer::compact();
        assert!(known(&mut out, &value, Escape::Json).is_some());
        let expected = crate::eval::to_json(&value).map(|json| json.to_string());
        assert_eq!(Some(out.into_string()), expected);

        let range = Value::new(ValueKind::Range(1, 2), ORIGIN);
        assert!(known(&mut Writer::compact(), &range, Escape::Json).is_none());
    }
}

//! Evaluation of expressions: names, operators, strings, records, references to
//! resources, calls, `if`, `match` and comprehensions.

use std::collections::BTreeMap;
use std::rc::Rc;

use super::value::{Deferred, Dimension, Origin, ResourceAddress, TemplatePart, Value, ValueKind};
use super::{Eval, Evaluator, GlobalName, Node, Reported, Scope};
use crate::diagnostics::{Code, Diagnostic, FileId};
use crate::program::ItemRef;
use crate::schema::suggest;
use crate::source::Span;
use crate::syntax::ast::*;

impl<'p> Evaluator<'p> {
    pub(crate) fn expr(&mut self, expr: &'p Expr, scope: &Scope<'p>) -> Eval<Value> {
        self.step(scope.file, expr.span)?;
        self.depth += 1;
        let result = self.expr_inner(expr, scope);
        self.depth -= 1;
        result
    }

    fn expr_inner(&mut self, expr: &'p Expr, scope: &Scope<'p>) -> Eval<Value> {
        let origin = Origin {
            file: scope.file,
            span: expr.span,
        };
        let kind = match &expr.kind {
            ExprKind::Bool(value) => ValueKind::Bool(*value),
            ExprKind::Null => ValueKind::Null,
            ExprKind::Number(number) => ValueKind::Number(*number),
            ExprKind::Quantity { value, unit } => quantity(*value, *unit),
            ExprKind::Cidr(text) => match super::cidr::Cidr::parse(text) {
                Ok(cidr) => ValueKind::Cidr(cidr),
                // The parser has reported it already.
                Err(_) => return Err(Reported),
            },
            ExprKind::Str(parts) => return self.string(parts, scope, origin),
            ExprKind::Name(ident) => return self.name(ident, scope),
            ExprKind::DataType(ident) => {
                return Err(self.error(
                    Code::TypeMismatch,
                    scope.file,
                    expr.span,
                    format!(
                        "`data.{}` needs a name: `data.{}.NAME`",
                        ident.name, ident.name
                    ),
                ))
            }
            ExprKind::List(items) => {
                let mut values = Vec::with_capacity(items.len());
                for item in items {
                    values.push(self.expr(item, scope)?);
                }
                ValueKind::List(Rc::new(values))
            }
            ExprKind::Record(fields) => {
                let mut values = BTreeMap::new();
                for field in fields {
                    let value = self.expr(&field.value, scope)?;
                    if values.insert(self.key(&field.key.name), value).is_some() {
                        return Err(self.error(
                            Code::DuplicateName,
                            scope.file,
                            field.key.span,
                            format!("field `{}` is set twice", field.key.name),
                        ));
                    }
                }
                ValueKind::Record {
                    type_name: None,
                    fields: Rc::new(values),
                }
            }
            ExprKind::Construct { name, fields } => {
                return self.construct(name, fields, expr.span, scope, None)
            }
            ExprKind::Field { target, field } => return self.field(target, field, scope, origin),
            ExprKind::Index { target, index } => return self.index(target, index, scope, origin),
            ExprKind::Call { function, args } => return self.call(function, args, scope, origin),
            ExprKind::Unary { op, operand } => {
                let value = self.expr(operand, scope)?;
                return self.unary(*op, value, origin);
            }
            ExprKind::Binary { op, left, right } => {
                return self.binary(*op, left, right, scope, origin)
            }
            ExprKind::Range { start, end } => {
                let start_value = self.expr(start, scope)?;
                let end_value = self.expr(end, scope)?;
                let start_int = self.known_int(&start_value, start.span, scope.file)?;
                let end_int = self.known_int(&end_value, end.span, scope.file)?;
                ValueKind::Range(start_int, end_int)
            }
            ExprKind::If {
                condition,
                then,
                otherwise,
            } => {
                let value = self.expr(condition, scope)?;
                let chosen = if self.known_bool(&value, condition.span, scope.file)? {
                    then
                } else {
                    otherwise
                };
                return self.expr(chosen, scope);
            }
            ExprKind::Match { scrutinee, arms } => return self.match_expr(scrutinee, arms, scope),
            ExprKind::Comprehension {
                var,
                index,
                iterable,
                body,
                filter,
            } => {
                let list = self.expr(iterable, scope)?;
                let items = self.known_list(&list, iterable.span, scope.file)?;
                let mut results = Vec::with_capacity(items.len());
                for (at, item) in items.iter().enumerate() {
                    let mut inner = scope.clone();
                    inner.locals = inner.locals.with(&var.name, item.clone());
                    if let Some(index) = index {
                        inner.locals = inner.locals.with(
                            &index.name,
                            Value::new(ValueKind::Number(at as f64), item.origin),
                        );
                    }
                    if let Some(filter) = filter {
                        let keep = self.expr(filter, &inner)?;
                        if !self.known_bool(&keep, filter.span, scope.file)? {
                            continue;
                        }
                    }
                    results.push(self.expr(body, &inner)?);
                }
                // A list made from another one is blamed on it when it came from elsewhere.
                let origin = culprit(&list, &list, origin);
                return Ok(Value::new(ValueKind::List(Rc::new(results)), origin));
            }
            ExprKind::Paren(inner) => return self.expr(inner, scope),
        };
        Ok(Value::new(kind, origin))
    }

    fn string(&mut self, parts: &'p [StrPart], scope: &Scope<'p>, origin: Origin) -> Eval<Value> {
        if let [StrPart::Text(literal)] = parts {
            let text = self.facts.literals.entry(Node(literal));
            let text = text.or_insert_with(|| Rc::from(literal.as_str()));
            return Ok(Value::string(text.clone(), origin));
        }
        // The text, until a part only Terraform knows makes the string a template. A
        // string inside an interpolation finds the buffer taken and makes its own.
        let mut text = std::mem::take(&mut self.text);
        text.clear();
        let mut template: Option<Vec<TemplatePart>> = None;
        // A string built from a value written elsewhere is blamed on that value.
        let mut blamed = origin;
        // A template holding one interpolation and no text is that value, of its type.
        let mut lone_string = false;
        for (at, part) in parts.iter().enumerate() {
            match part {
                StrPart::Text(literal) => match &mut template {
                    Some(template) => push_literal(template, literal),
                    None => text.push_str(literal),
                },
                StrPart::Interpolation(expr) => {
                    let value = self.expr(expr, scope)?;
                    if blamed == origin {
                        blamed = culprit(&value, &value, origin);
                    }
                    match (&value.kind, &mut template) {
                        (ValueKind::Deferred(inner), template) => {
                            // The parts before, if any, are one literal.
                            let template = template.get_or_insert_with(|| match at {
                                0 => Vec::new(),
                                _ => vec![TemplatePart::Literal(std::mem::take(&mut text))],
                            });
                            lone_string = inner.is_string;
                            for piece in &inner.parts {
                                match piece {
                                    TemplatePart::Literal(literal) => {
                                        push_literal(template, literal)
                                    }
                                    TemplatePart::Interpolation(_) => {
                                        push_interpolation(template, piece.clone())
                                    }
                                }
                            }
                        }
                        (_, Some(template)) => {
                            let literal = self.text_of(&value, expr.span, scope.file)?;
                            push_literal(template, &literal);
                        }
                        (_, None) => self.write_text(&value, expr.span, scope.file, &mut text)?,
                    }
                }
            }
        }
        let origin = blamed;
        let value = match template {
            Some(template) => Value::new(
                ValueKind::Deferred(Rc::new(Deferred {
                    is_string: lone_string
                        || !matches!(template.as_slice(), [TemplatePart::Interpolation(_)]),
                    parts: template,
                })),
                origin,
            ),
            None => Value::string(text.as_str(), origin),
        };
        self.text = text;
        Ok(value)
    }

    /// The text of a value interpolated into a string.
    pub(crate) fn text_of(&mut self, value: &Value, span: Span, file: FileId) -> Eval<String> {
        let mut text = String::new();
        self.write_text(value, span, file, &mut text)?;
        Ok(text)
    }

    /// Appends the text of a value interpolated into a string.
    fn write_text(
        &mut self,
        value: &Value,
        span: Span,
        file: FileId,
        out: &mut String,
    ) -> Eval<()> {
        match &value.kind {
            ValueKind::Str(text) => out.push_str(text),
            ValueKind::Number(_) | ValueKind::Bool(_) | ValueKind::Cidr(_) => {
                out.push_str(&value.to_string())
            }
            ValueKind::Quantity(amount, _) => out.push_str(&super::value::format_number(*amount)),
            ValueKind::Enum { variant, .. } => out.push_str(variant),
            ValueKind::Json(inner) if !inner.is_deferred() => {
                if let Some(json) = super::builtins::to_json(inner) {
                    out.push_str(&json.to_string());
                }
            }
            _ => {
                return Err(self.report(
                    Diagnostic::new(
                        Code::TypeMismatch,
                        file,
                        span,
                        format!("cannot put {} into a string", value.type_name()),
                    )
                    .with_label(format!("this is {}", value.type_name()))
                    .with_help("interpolate a string, number, boolean, CIDR block or enum variant"),
                ))
            }
        }
        Ok(())
    }

    fn name(&mut self, ident: &'p Ident, scope: &Scope<'p>) -> Eval<Value> {
        if let Some(value) = scope.locals.get(&ident.name) {
            return Ok(value.clone());
        }
        if let Some(instance) = &scope.instance {
            if let Some(value) = self.binding(instance, ident) {
                return value;
            }
        }
        let global = self.global_name(scope.file, ident);
        if let Some(item) = global.item {
            return self.global(item, ident, scope.file);
        }
        if let Some(value) = self
            .enum_of_variant(scope.file, ident)
            .and_then(|enum_ref| self.variant(enum_ref, ident, scope.file))
        {
            return Ok(value);
        }
        if global.resource_type {
            return Err(self.report(
                Diagnostic::new(
                    Code::TypeMismatch,
                    scope.file,
                    ident.span,
                    format!("`{}` is a resource type, not a value", ident.name),
                )
                .with_help(format!(
                    "refer to one resource: `{0}.NAME` or `{0}[\"NAME\"]`",
                    ident.name
                )),
            ));
        }
        Err(self.unknown_name(scope.file, ident, "a value"))
    }

    /// The value of a top-level declaration named in an expression.
    fn global(&mut self, item_ref: ItemRef, ident: &Ident, file: FileId) -> Eval<Value> {
        let item = self.program.item(item_ref);
        let ItemKind::Let(decl) = &item.kind else {
            let what = match &item.kind {
                ItemKind::Fn(_) => "a function: call it with `(...)`",
                ItemKind::Enum(_) => "an enum: name one of its variants",
                ItemKind::Type(_) => "a record type: build one with `{ ... }`",
                ItemKind::Module(_) => "a module: instantiate it with `{ ... }`",
                _ => "not a value",
            };
            return Err(self.error(
                Code::TypeMismatch,
                file,
                ident.span,
                format!("`{}` is {what}", ident.name),
            ));
        };
        if let Some(known) = self.globals.get(&item_ref) {
            return known.clone().ok_or(Reported);
        }
        if let Some(position) = self.computing.iter().position(|other| *other == item_ref) {
            let names: Vec<String> = self.computing[position..]
                .iter()
                .filter_map(|other| self.program.item(*other).name().map(|n| n.name.clone()))
                .collect();
            return Err(self.report(
                Diagnostic::new(
                    Code::DependencyCycle,
                    item_ref.file,
                    decl.name.span,
                    format!("dependency cycle: {} -> {}", names.join(" -> "), names[0]),
                )
                .with_label("this declaration depends on itself")
                .with_help("break the cycle by computing one of these from other values"),
            ));
        }
        self.computing.push(item_ref);
        let scope = Scope {
            file: item_ref.file,
            locals: Default::default(),
            instance: None,
        };
        let result = self
            .expr(&decl.value, &scope)
            .and_then(|value| match &decl.ty {
                Some(ty) => self.conform(value, ty, item_ref.file),
                None => Ok(value),
            });
        self.computing.pop();
        self.globals.insert(item_ref, result.clone().ok());
        result
    }

    /// A bare name that is a variant of `enum_ref`, the one enum visible from `file`
    /// that has it.
    fn variant(&self, enum_ref: ItemRef, ident: &Ident, file: FileId) -> Option<Value> {
        let enum_name = self.program.item(enum_ref).name()?.name.as_str();
        Some(Value::new(
            ValueKind::Enum {
                enum_name: enum_name.into(),
                variant: ident.name.as_str().into(),
            },
            Origin {
                file,
                span: ident.span,
            },
        ))
    }

    pub(crate) fn unknown_name(&mut self, file: FileId, ident: &Ident, what: &str) -> Reported {
        let mut candidates: Vec<String> = self
            .program
            .visible_names(file)
            .into_iter()
            .map(|(name, _)| name.to_string())
            .collect();
        for (_, item_ref) in self.program.visible_names(file) {
            if let ItemKind::Enum(decl) = &self.program.item(item_ref).kind {
                candidates.extend(
                    decl.variants
                        .iter()
                        .map(|variant| variant.name.name.clone()),
                );
            }
        }
        let suggestion = suggest(&ident.name, candidates.iter().map(String::as_str));
        let mut diagnostic = Diagnostic::new(
            Code::UnknownName,
            file,
            ident.span,
            format!("cannot find `{}` in this scope", ident.name),
        )
        .with_label(format!("expected {what}"));
        if let Some(suggestion) = suggestion {
            diagnostic = diagnostic.with_suggestion(suggestion);
        }
        self.report(diagnostic)
    }

    /// True when `ident`, which means `global` at top level, names a resource type: one
    /// that no declaration, local or binding hides.
    fn is_resource_type(
        &mut self,
        ident: &'p Ident,
        global: GlobalName,
        scope: &Scope<'p>,
    ) -> bool {
        global.resource_type
            && global.item.is_none()
            && scope.locals.get(&ident.name).is_none()
            && match &scope.instance {
                Some(instance) => self.binding(instance, ident).is_none(),
                None => true,
            }
    }

    fn field(
        &mut self,
        target: &'p Expr,
        field: &'p Ident,
        scope: &Scope<'p>,
        origin: Origin,
    ) -> Eval<Value> {
        // `aws_vpc.main` and `data.aws_region.current` name resources, not values.
        match &target.kind {
            ExprKind::Name(name) => {
                let global = self.global_name(scope.file, name);
                if self.is_resource_type(name, global, scope) {
                    return self.resource_ref(false, name, &field.name, field.span, scope, origin);
                }
                if let Some(item) = global.item {
                    if let ItemKind::Enum(decl) = &self.program.item(item).kind {
                        return self.qualified_variant(decl, name, field, scope.file, origin);
                    }
                }
            }
            ExprKind::DataType(type_name) => {
                return self.resource_ref(true, type_name, &field.name, field.span, scope, origin);
            }
            _ => {}
        }
        let value = self.expr(target, scope)?;
        match &value.kind {
            ValueKind::Record { fields, .. }
            | ValueKind::Module {
                outputs: fields, ..
            } => match fields.get(field.name.as_str()) {
                Some(found) => Ok(found.clone()),
                None => {
                    let what = if matches!(value.kind, ValueKind::Module { .. }) {
                        "output"
                    } else {
                        "field"
                    };
                    let suggestion = suggest(&field.name, fields.keys().map(|key| &**key));
                    let mut diagnostic = Diagnostic::new(
                        Code::UnknownField,
                        scope.file,
                        field.span,
                        format!("{} has no {what} `{}`", value.type_name(), field.name),
                    );
                    diagnostic = match suggestion {
                        Some(name) => diagnostic.with_suggestion(name),
                        None => diagnostic.with_note(format!(
                            "its {what}s are: {}",
                            fields.keys().cloned().collect::<Vec<_>>().join(", ")
                        )),
                    };
                    Err(self.report(diagnostic))
                }
            },
            ValueKind::Resource(address) => {
                self.resource_attribute(address.clone(), field, scope.file, origin)
            }
            ValueKind::Deferred(deferred) => Ok(Value::deferred(
                format!("{}.{}", deferred.to_hcl(), field.name),
                origin,
            )),
            ValueKind::Range(start, end) if field.name == "min" || field.name == "max" => {
                let bound = if field.name == "min" { *start } else { *end };
                Ok(Value::new(ValueKind::Number(bound as f64), value.origin))
            }
            _ => Err(self.report(
                Diagnostic::new(
                    Code::TypeMismatch,
                    scope.file,
                    field.span,
                    format!("{} has no fields", value.type_name()),
                )
                .with_secondary(
                    scope.file,
                    target.span,
                    format!("this is {}", value.type_name()),
                ),
            )),
        }
    }

    /// `NatMode.single`: a variant of the enum `decl`, named as `enum_name`.
    fn qualified_variant(
        &mut self,
        decl: &EnumDecl,
        enum_name: &Ident,
        variant: &Ident,
        file: FileId,
        origin: Origin,
    ) -> Eval<Value> {
        if decl
            .variants
            .iter()
            .any(|known| known.name.name == variant.name)
        {
            return Ok(Value::new(
                ValueKind::Enum {
                    enum_name: enum_name.name.as_str().into(),
                    variant: variant.name.as_str().into(),
                },
                origin,
            ));
        }
        let names: Vec<&str> = decl.variants.iter().map(|v| v.name.name.as_str()).collect();
        Err(self.report(unknown_variant(&enum_name.name, variant, &names, file)))
    }

    /// `aws_vpc.main`: the resource declared as `main` in the current module instance.
    fn resource_ref(
        &mut self,
        data: bool,
        type_name: &'p Ident,
        name: &str,
        span: Span,
        scope: &Scope<'p>,
        origin: Origin,
    ) -> Eval<Value> {
        let Some(instance) = scope.instance.clone() else {
            return Err(self.error(
                Code::UnknownResource,
                scope.file,
                span,
                "resources can only be referred to inside the module that declares them".into(),
            ));
        };
        match instance.resource(data, &type_name.name, name) {
            Some(address) => Ok(Value::new(ValueKind::Resource(address), origin)),
            None => {
                let known = instance.resource_names(data, &type_name.name);
                let suggestion = suggest(name, known.iter().map(String::as_str));
                let kind = if data { "data source" } else { "resource" };
                let mut diagnostic = Diagnostic::new(
                    Code::UnknownResource,
                    scope.file,
                    span,
                    format!(
                        "this module declares no {kind} `{}` named `{name}`",
                        type_name.name
                    ),
                );
                diagnostic = match suggestion {
                    Some(found) => diagnostic.with_help(format!("did you mean `{found}`?")),
                    None if known.is_empty() => diagnostic.with_help(format!(
                        "declare it: `{kind} {} {name} {{ ... }}`",
                        type_name.name
                    )),
                    None => diagnostic.with_note(format!("declared: {}", known.join(", "))),
                };
                Err(self.report(diagnostic))
            }
        }
    }

    /// `aws_vpc.main.id`: an attribute Terraform will know after apply.
    fn resource_attribute(
        &mut self,
        address: Rc<ResourceAddress>,
        attribute: &'p Ident,
        file: FileId,
        origin: Origin,
    ) -> Eval<Value> {
        let key = (address, attribute.name.as_str());
        if let Some(deferred) = self.facts.attributes.get(&key) {
            return Ok(Value::new(ValueKind::Deferred(deferred.clone()), origin));
        }
        let address = &key.0;
        let schema = self.resource_schema(address.data, &address.type_name);
        let attribute_schema = schema.and_then(|schema| schema.attribute(&attribute.name));
        if let Some(schema) = schema {
            let exported = attribute_schema.is_some() || schema.block(&attribute.name).is_some();
            if !exported {
                let names: Vec<&str> = schema.exported_attributes().map(|(name, _)| name).collect();
                let mut diagnostic = Diagnostic::new(
                    Code::UnknownAttribute,
                    file,
                    attribute.span,
                    format!(
                        "`{}` has no attribute `{}`",
                        address.type_name, attribute.name
                    ),
                );
                if let Some(found) = suggest(&attribute.name, names) {
                    diagnostic = diagnostic.with_suggestion(found);
                }
                return Err(self.report(diagnostic));
            }
        }
        let mut deferred = Deferred::expression(format!("{address}.{}", attribute.name));
        deferred.is_string =
            attribute_schema.is_some_and(|schema| schema.ty == crate::schema::TfType::String);
        let deferred = Rc::new(deferred);
        self.facts.attributes.insert(key, deferred.clone());
        Ok(Value::new(ValueKind::Deferred(deferred), origin))
    }

    fn index(
        &mut self,
        target: &'p Expr,
        index: &'p Expr,
        scope: &Scope<'p>,
        origin: Origin,
    ) -> Eval<Value> {
        if let ExprKind::Name(type_name) = &target.kind {
            let global = self.global_name(scope.file, type_name);
            if self.is_resource_type(type_name, global, scope) {
                let key = self.expr(index, scope)?;
                let name = self.known_str(&key, index.span, scope.file)?;
                return self.resource_ref(false, type_name, name, index.span, scope, origin);
            }
        }
        if let ExprKind::Field {
            target: inner,
            field,
        } = &target.kind
        {
            if let ExprKind::DataType(type_name) = &inner.kind {
                let _ = field;
                return Err(self.error(
                    Code::TypeMismatch,
                    scope.file,
                    index.span,
                    format!(
                        "write `data.{}[\"NAME\"]` to pick a data source by name",
                        type_name.name
                    ),
                ));
            }
        }
        let container = self.expr(target, scope)?;
        let key = self.expr(index, scope)?;
        match &container.kind {
            ValueKind::List(items) => {
                let at = self.known_int(&key, index.span, scope.file)?;
                usize::try_from(at)
                    .ok()
                    .and_then(|at| items.get(at))
                    .cloned()
                    .ok_or_else(|| {
                        self.report(
                            Diagnostic::new(
                                Code::InvalidOperation,
                                scope.file,
                                index.span,
                                format!(
                                    "index {at} is out of range for a list of {} items",
                                    items.len()
                                ),
                            )
                            .with_secondary(
                                container.origin.file,
                                container.origin.span,
                                "the list comes from here",
                            ),
                        )
                    })
            }
            ValueKind::Record { fields, .. } => {
                let name = self.known_str(&key, index.span, scope.file)?;
                fields.get(name).cloned().ok_or_else(|| {
                    self.report(Diagnostic::new(
                        Code::UnknownField,
                        scope.file,
                        index.span,
                        format!("no key `{name}` in {}", container.type_name()),
                    ))
                })
            }
            ValueKind::Deferred(deferred) => Ok(Value::deferred(
                format!("{}[{}]", deferred.to_hcl(), super::builtins::to_hcl(&key)),
                origin,
            )),
            _ => Err(self.error(
                Code::TypeMismatch,
                scope.file,
                target.span,
                format!("cannot index into {}", container.type_name()),
            )),
        }
    }

    fn unary(&mut self, op: UnaryOp, value: Value, origin: Origin) -> Eval<Value> {
        let kind = match (op, &value.kind) {
            (UnaryOp::Not, ValueKind::Bool(b)) => ValueKind::Bool(!b),
            (UnaryOp::Neg, ValueKind::Number(n)) => ValueKind::Number(-n),
            (UnaryOp::Neg, ValueKind::Quantity(n, d)) => ValueKind::Quantity(-n, *d),
            (_, ValueKind::Deferred(deferred)) => {
                let symbol = if op == UnaryOp::Not { "!" } else { "-" };
                return Ok(Value::deferred(
                    format!("{symbol}{}", deferred.to_hcl()),
                    value.origin,
                ));
            }
            _ => {
                let wanted = if op == UnaryOp::Not {
                    "Bool"
                } else {
                    "a number"
                };
                return Err(self.report(Diagnostic::new(
                    Code::TypeMismatch,
                    origin.file,
                    origin.span,
                    format!("expected {wanted}, found {}", value.type_name()),
                )));
            }
        };
        Ok(Value::new(kind, culprit(&value, &value, origin)))
    }

    fn binary(
        &mut self,
        op: BinaryOp,
        left: &'p Expr,
        right: &'p Expr,
        scope: &Scope<'p>,
        origin: Origin,
    ) -> Eval<Value> {
        let l = self.expr(left, scope)?;
        // `&&` and `||` stop early, so `a != null && a.x` works.
        if let (BinaryOp::And | BinaryOp::Or, ValueKind::Bool(value)) = (op, &l.kind) {
            if (op == BinaryOp::And) != *value {
                return Ok(Value::new(ValueKind::Bool(*value), culprit(&l, &l, origin)));
            }
        }
        let r = self.expr(right, scope)?;
        if l.is_deferred() || r.is_deferred() {
            return self.deferred_binary(op, &l, &r, origin);
        }
        use ValueKind as V;
        let kind = match (op, &l.kind, &r.kind) {
            (BinaryOp::And | BinaryOp::Or, V::Bool(_), V::Bool(b)) => V::Bool(*b),
            (BinaryOp::Eq, _, _) => V::Bool(same(&l, &r)),
            (BinaryOp::NotEq, _, _) => V::Bool(!same(&l, &r)),
            (BinaryOp::Add, V::Number(a), V::Number(b)) => V::Number(a + b),
            (BinaryOp::Sub, V::Number(a), V::Number(b)) => V::Number(a - b),
            (BinaryOp::Mul, V::Number(a), V::Number(b)) => V::Number(a * b),
            (BinaryOp::Div, V::Number(_), V::Number(b))
            | (BinaryOp::Div, V::Quantity(..), V::Number(b) | V::Quantity(b, _))
                if *b == 0.0 =>
            {
                return Err(self.report(
                    Diagnostic::new(
                        Code::InvalidOperation,
                        scope.file,
                        right.span,
                        "division by zero",
                    )
                    .with_secondary(
                        r.origin.file,
                        r.origin.span,
                        "this is zero",
                    ),
                ))
            }
            (BinaryOp::Div, V::Number(a), V::Number(b)) => V::Number(a / b),
            (BinaryOp::Add, V::Str(a), V::Str(b)) => V::Str(format!("{a}{b}").into()),
            (BinaryOp::Add, V::List(a), V::List(b)) => {
                V::List(Rc::new(a.iter().chain(b.iter()).cloned().collect()))
            }
            (BinaryOp::Add | BinaryOp::Sub, V::Quantity(a, da), V::Quantity(b, db)) if da == db => {
                V::Quantity(if op == BinaryOp::Add { a + b } else { a - b }, *da)
            }
            (BinaryOp::Mul, V::Quantity(a, d), V::Number(b))
            | (BinaryOp::Mul, V::Number(b), V::Quantity(a, d)) => V::Quantity(a * b, *d),
            (BinaryOp::Div, V::Quantity(a, d), V::Number(b)) => V::Quantity(a / b, *d),
            (BinaryOp::Div, V::Quantity(a, da), V::Quantity(b, db)) if da == db && *b != 0.0 => {
                V::Number(a / b)
            }
            (BinaryOp::Less | BinaryOp::LessEq | BinaryOp::Greater | BinaryOp::GreaterEq, _, _) => {
                let ordering = match (&l.kind, &r.kind) {
                    (V::Number(a), V::Number(b)) => a.partial_cmp(b),
                    (V::Quantity(a, da), V::Quantity(b, db)) if da == db => a.partial_cmp(b),
                    (V::Str(a), V::Str(b)) => Some(a.cmp(b)),
                    _ => None,
                };
                let Some(ordering) = ordering else {
                    return Err(self.mismatch(op, &l, &r, left, right, scope.file));
                };
                V::Bool(match op {
                    BinaryOp::Less => ordering.is_lt(),
                    BinaryOp::LessEq => ordering.is_le(),
                    BinaryOp::Greater => ordering.is_gt(),
                    _ => ordering.is_ge(),
                })
            }
            _ => return Err(self.mismatch(op, &l, &r, left, right, scope.file)),
        };
        Ok(Value::new(kind, culprit(&l, &r, origin)))
    }

    fn mismatch(
        &mut self,
        op: BinaryOp,
        l: &Value,
        r: &Value,
        left: &Expr,
        right: &Expr,
        file: FileId,
    ) -> Reported {
        self.report(
            Diagnostic::new(
                Code::TypeMismatch,
                file,
                left.span.to(right.span),
                format!(
                    "`{}` cannot combine {} and {}",
                    op.symbol(),
                    l.type_name(),
                    r.type_name()
                ),
            )
            .with_secondary(file, left.span, format!("this is {}", l.type_name()))
            .with_secondary(file, right.span, format!("this is {}", r.type_name())),
        )
    }

    fn deferred_binary(
        &mut self,
        op: BinaryOp,
        l: &Value,
        r: &Value,
        origin: Origin,
    ) -> Eval<Value> {
        let left = super::builtins::to_hcl(l);
        let right = super::builtins::to_hcl(r);
        let expression = match (op, &l.kind, &r.kind) {
            // Terraform has no `+` on strings: join them instead.
            (BinaryOp::Add, ValueKind::Str(_), _) | (BinaryOp::Add, _, ValueKind::Str(_)) => {
                format!("join(\"\", [{left}, {right}])")
            }
            (BinaryOp::Add, ValueKind::List(_), _) | (BinaryOp::Add, _, ValueKind::List(_)) => {
                format!("concat({left}, {right})")
            }
            _ => format!("({left} {} {right})", op.symbol()),
        };
        Ok(Value::deferred(expression, origin))
    }

    fn match_expr(
        &mut self,
        scrutinee: &'p Expr,
        arms: &'p [MatchArm],
        scope: &Scope<'p>,
    ) -> Eval<Value> {
        let value = self.expr(scrutinee, scope)?;
        let ValueKind::Enum { enum_name, variant } = &value.kind else {
            if value.is_deferred() {
                return Err(self.deferred_needed(
                    &value,
                    scrutinee.span,
                    scope.file,
                    "to choose a `match` arm",
                ));
            }
            return Err(self.report(Diagnostic::new(
                Code::TypeMismatch,
                scope.file,
                scrutinee.span,
                format!("`match` needs an enum value, found {}", value.type_name()),
            )));
        };
        let variants = self.enum_variants(enum_name, scope.file);
        for arm in arms {
            if let Some(pattern) = &arm.pattern {
                if !variants.iter().any(|known| known.name.name == pattern.name) {
                    let names: Vec<&str> = variants.iter().map(|v| v.name.name.as_str()).collect();
                    return Err(
                        self.report(unknown_variant(enum_name, pattern, &names, scope.file))
                    );
                }
            }
        }
        let missing: Vec<&str> = variants
            .iter()
            .map(|known| known.name.name.as_str())
            .filter(|known| {
                !arms
                    .iter()
                    .any(|arm| arm.pattern.as_ref().is_none_or(|p| p.name == *known))
            })
            .collect();
        if !missing.is_empty() {
            let list: Vec<String> = missing.iter().map(|name| format!("`{name}`")).collect();
            return Err(self.report(
                Diagnostic::new(
                    Code::NonExhaustiveMatch,
                    scope.file,
                    scrutinee.span,
                    format!("this `match` has no arm for {}", list.join(", ")),
                )
                .with_help("add the missing arms, or a `_ => ...` arm"),
            ));
        }
        let chosen = arms
            .iter()
            .find(|arm| arm.pattern.as_ref().is_none_or(|p| p.name == **variant))
            .ok_or(Reported)?;
        let result = self.expr(&chosen.value, scope)?;
        // The result was chosen by the scrutinee: blame it when the result came from here.
        let origin = culprit(&value, &result, result.origin);
        Ok(result.at(origin))
    }

    fn enum_variants(&self, enum_name: &str, file: FileId) -> &'p [Variant] {
        let program = self.program;
        let found = program.lookup(file, enum_name).or_else(|| {
            program
                .all_items()
                .find(|(_, item)| item.name().is_some_and(|n| n.name == enum_name))
                .map(|(item_ref, _)| item_ref)
        });
        match found.map(|item| &program.item(item).kind) {
            Some(ItemKind::Enum(decl)) => &decl.variants,
            _ => &[],
        }
    }

    pub(crate) fn deferred_needed(
        &mut self,
        value: &Value,
        span: Span,
        file: FileId,
        purpose: &str,
    ) -> Reported {
        self.report(
            Diagnostic::new(
                Code::DeferredValue,
                file,
                span,
                format!("the compiler needs this value {purpose}, but only Terraform knows it"),
            )
            .with_label(format!("known only at apply time: {value}"))
            .with_help("use a value written in the sources, not an attribute of a resource"),
        )
    }

    pub(crate) fn known_bool(&mut self, value: &Value, span: Span, file: FileId) -> Eval<bool> {
        match value.kind {
            ValueKind::Bool(b) => Ok(b),
            ValueKind::Deferred(_) => Err(self.deferred_needed(value, span, file, "to decide")),
            _ => Err(self.expected("Bool", value, span, file)),
        }
    }

    pub(crate) fn known_int(&mut self, value: &Value, span: Span, file: FileId) -> Eval<i64> {
        match value.kind {
            ValueKind::Number(n) if n.fract() == 0.0 => Ok(n as i64),
            ValueKind::Deferred(_) => {
                Err(self.deferred_needed(value, span, file, "as a whole number"))
            }
            _ => Err(self.expected("Int", value, span, file)),
        }
    }

    pub(crate) fn known_str<'v>(
        &mut self,
        value: &'v Value,
        span: Span,
        file: FileId,
    ) -> Eval<&'v str> {
        match &value.kind {
            ValueKind::Str(text) => Ok(text),
            ValueKind::Deferred(_) => Err(self.deferred_needed(value, span, file, "as a name")),
            _ => Err(self.expected("String", value, span, file)),
        }
    }

    pub(crate) fn known_list(
        &mut self,
        value: &Value,
        span: Span,
        file: FileId,
    ) -> Eval<Rc<Vec<Value>>> {
        match &value.kind {
            ValueKind::List(items) => Ok(items.clone()),
            ValueKind::Deferred(_) => {
                Err(self.deferred_needed(value, span, file, "to iterate over it"))
            }
            _ => Err(self.expected("List", value, span, file)),
        }
    }

    pub(crate) fn expected(
        &mut self,
        wanted: &str,
        value: &Value,
        span: Span,
        file: FileId,
    ) -> Reported {
        let mut diagnostic = Diagnostic::new(
            Code::TypeMismatch,
            file,
            span,
            format!("expected {wanted}, found {}", value.type_name()),
        )
        .with_label(format!("this is {}", value.type_name()));
        if value.origin.span != span || value.origin.file != file {
            diagnostic = diagnostic.with_secondary(
                value.origin.file,
                value.origin.span,
                "the value comes from here",
            );
        }
        self.report(diagnostic)
    }
}

/// The origin a computed value reports: an operand that flowed in from elsewhere (an
/// environment's line, say) rather than a literal written in the expression itself.
pub(crate) fn culprit(left: &Value, right: &Value, here: Origin) -> Origin {
    let from_elsewhere = |value: &Value| {
        value.origin.file != here.file
            || !(here.span.start <= value.origin.span.start
                && value.origin.span.end <= here.span.end)
    };
    if from_elsewhere(left) {
        left.origin
    } else if from_elsewhere(right) {
        right.origin
    } else {
        here
    }
}

fn unknown_variant(enum_name: &str, variant: &Ident, names: &[&str], file: FileId) -> Diagnostic {
    let mut diagnostic = Diagnostic::new(
        Code::UnknownVariant,
        file,
        variant.span,
        format!("enum `{enum_name}` has no variant `{}`", variant.name),
    )
    .with_note(format!("its variants are: {}", names.join(", ")));
    if let Some(found) = suggest(&variant.name, names.iter().copied()) {
        diagnostic = diagnostic.with_suggestion(found);
    }
    diagnostic
}

/// Equality of values, ignoring where they were written.
pub(crate) fn same(a: &Value, b: &Value) -> bool {
    use ValueKind as V;
    match (&a.kind, &b.kind) {
        (V::List(x), V::List(y)) => {
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(p, q)| same(p, q))
        }
        (V::Record { fields: x, .. }, V::Record { fields: y, .. }) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y.iter())
                    .all(|((k1, v1), (k2, v2))| k1 == k2 && same(v1, v2))
        }
        _ => a.kind == b.kind,
    }
}

fn quantity(value: f64, unit: Unit) -> ValueKind {
    match unit {
        Unit::Vcpu => ValueKind::Quantity(value * 1024.0, Dimension::Cpu),
        Unit::Megabytes | Unit::Mebibytes => ValueKind::Quantity(value, Dimension::Memory),
        Unit::Gigabytes | Unit::Gibibytes => ValueKind::Quantity(value * 1024.0, Dimension::Memory),
        Unit::Days => ValueKind::Quantity(value, Dimension::Duration),
        Unit::Percent => ValueKind::Quantity(value, Dimension::Percent),
    }
}

/// Appends an interpolation. A literal `$` right before `${` would read as the escape
/// `$${`, so such a `$` becomes an interpolation of its own.
fn push_interpolation(template: &mut Vec<TemplatePart>, part: TemplatePart) {
    if let Some(TemplatePart::Literal(last)) = template.last_mut() {
        // Every trailing `$` moves: one left behind would pair with the next `$`.
        let kept = last.trim_end_matches('$').len();
        if kept < last.len() {
            let dollars = last.split_off(kept);
            if last.is_empty() {
                template.pop();
            }
            template.push(TemplatePart::Interpolation(format!("\"{dollars}\"")));
        }
    }
    template.push(part);
}

fn push_literal(template: &mut Vec<TemplatePart>, text: &str) {
    if let Some(TemplatePart::Literal(last)) = template.last_mut() {
        last.push_str(text);
    } else {
        template.push(TemplatePart::Literal(text.to_string()));
    }
}

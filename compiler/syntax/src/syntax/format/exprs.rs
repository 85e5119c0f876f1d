//! Expressions: their one-line form, and the broken form of those that have one.
//!
//! A list, record, construct, call, `if`, `match` or comprehension is printed on one line
//! when it was written on one line, holds no comment and fits in the line width;
//! otherwise it is broken, one element per line (a call whose last argument breaks anyway
//! "hugs" it instead: `f(a, {` ... `})`). Other expressions have no broken form: only
//! their operands may break.

use super::printer::{closing, end, start, width, Align, Element, Printer, INDENT};
use super::trivia;
use crate::syntax::ast::{Argument, BinaryOp, Expr, ExprKind, FieldInit, MatchArm, UnaryOp};

/// Whether the expression has a form that spans several lines.
fn is_breakable(expr: &Expr) -> bool {
    matches!(
        expr.kind,
        ExprKind::List(_)
            | ExprKind::Record(_)
            | ExprKind::Construct { .. }
            | ExprKind::Call { .. }
            | ExprKind::If { .. }
            | ExprKind::Match { .. }
            | ExprKind::Comprehension { .. }
    )
}

fn unary_symbol(op: UnaryOp) -> &'static str {
    match op {
        UnaryOp::Not => "!",
        UnaryOp::Neg => "-",
    }
}

fn binary_symbol(op: BinaryOp) -> String {
    format!(" {} ", op.symbol())
}

impl Printer<'_> {
    /// The one-line form of `expr`, or None when it cannot be on one line: it holds a
    /// comment, a doc comment, a multi-line string, or a breakable expression that was
    /// written on several lines.
    pub(super) fn flat(&self, expr: &Expr) -> Option<String> {
        if self.has_comment_in(start(expr.span), end(expr.span)) {
            return None;
        }
        let mut out = String::new();
        self.flat_into(expr, &mut out)?;
        Some(out)
    }

    fn flat_into(&self, expr: &Expr, out: &mut String) -> Option<()> {
        if is_breakable(expr) && !self.one_line(expr.span) {
            return None;
        }
        match &expr.kind {
            ExprKind::Bool(value) => out.push_str(if *value { "true" } else { "false" }),
            ExprKind::Null => out.push_str("null"),
            ExprKind::Number(_)
            | ExprKind::Quantity { .. }
            | ExprKind::Cidr(_)
            | ExprKind::Str(_) => out.push_str(self.source(expr.span)),
            ExprKind::Name(name) => out.push_str(&name.name),
            ExprKind::DataType(name) => {
                out.push_str("data.");
                out.push_str(&name.name);
            }
            ExprKind::List(items) => {
                out.push('[');
                self.flat_joined(items, out, |printer, item, out| {
                    printer.flat_into(item, out)
                })?;
                out.push(']');
            }
            ExprKind::Record(fields) => self.flat_record(fields, out)?,
            ExprKind::Construct { name, fields } => {
                out.push_str(&name.name);
                out.push(' ');
                self.flat_record(fields, out)?;
            }
            ExprKind::Field { target, field } => {
                self.flat_into(target, out)?;
                out.push('.');
                out.push_str(&field.name);
            }
            ExprKind::Index { target, index } => {
                self.flat_into(target, out)?;
                out.push('[');
                self.flat_into(index, out)?;
                out.push(']');
            }
            ExprKind::Call { function, args } => {
                out.push_str(&function.name);
                out.push('(');
                self.flat_joined(args, out, Printer::flat_argument)?;
                out.push(')');
            }
            ExprKind::Unary { op, operand } => {
                out.push_str(unary_symbol(*op));
                self.flat_into(operand, out)?;
            }
            ExprKind::Binary { op, left, right } => {
                self.flat_into(left, out)?;
                out.push_str(&binary_symbol(*op));
                self.flat_into(right, out)?;
            }
            ExprKind::Range { start, end } => {
                self.flat_into(start, out)?;
                out.push_str("..");
                self.flat_into(end, out)?;
            }
            ExprKind::If {
                condition,
                then,
                otherwise,
            } => {
                out.push_str("if ");
                self.flat_into(condition, out)?;
                out.push_str(" { ");
                self.flat_into(then, out)?;
                out.push_str(" } else ");
                if matches!(otherwise.kind, ExprKind::If { .. }) {
                    self.flat_into(otherwise, out)?;
                } else {
                    out.push_str("{ ");
                    self.flat_into(otherwise, out)?;
                    out.push_str(" }");
                }
            }
            ExprKind::Match { scrutinee, arms } => {
                out.push_str("match ");
                self.flat_into(scrutinee, out)?;
                if arms.is_empty() {
                    out.push_str(" {}");
                } else {
                    out.push_str(" { ");
                    self.flat_joined(arms, out, Printer::flat_arm)?;
                    out.push_str(" }");
                }
            }
            ExprKind::Comprehension {
                var,
                index,
                iterable,
                body,
                filter,
            } => {
                out.push_str("[for ");
                out.push_str(&var.name);
                if let Some(index) = index {
                    out.push_str(", ");
                    out.push_str(&index.name);
                }
                out.push_str(" in ");
                self.flat_into(iterable, out)?;
                out.push_str(": ");
                self.flat_into(body, out)?;
                if let Some(filter) = filter {
                    out.push_str(" if ");
                    self.flat_into(filter, out)?;
                }
                out.push(']');
            }
            ExprKind::Paren(inner) => {
                out.push('(');
                self.flat_into(inner, out)?;
                out.push(')');
            }
        }
        // A string may span lines through an interpolation; it is then no one-line form.
        (!out.contains('\n')).then_some(())
    }

    fn flat_joined<T>(
        &self,
        items: &[T],
        out: &mut String,
        mut each: impl FnMut(&Self, &T, &mut String) -> Option<()>,
    ) -> Option<()> {
        for (position, item) in items.iter().enumerate() {
            if position > 0 {
                out.push_str(", ");
            }
            each(self, item, out)?;
        }
        Some(())
    }

    /// `{ a = 1, b = 2 }`; fields with doc comments need lines of their own.
    fn flat_record(&self, fields: &[FieldInit], out: &mut String) -> Option<()> {
        if fields.is_empty() {
            out.push_str("{}");
            return Some(());
        }
        if fields.iter().any(|field| field.doc.is_some()) {
            return None;
        }
        out.push_str("{ ");
        self.flat_joined(fields, out, |printer, field, out| {
            out.push_str(printer.source(field.key.span));
            out.push_str(" = ");
            printer.flat_into(&field.value, out)
        })?;
        out.push_str(" }");
        Some(())
    }

    fn flat_argument(&self, argument: &Argument, out: &mut String) -> Option<()> {
        if let Some(name) = &argument.name {
            out.push_str(&name.name);
            out.push_str(" = ");
        }
        self.flat_into(&argument.value, out)
    }

    fn flat_arm(&self, arm: &MatchArm, out: &mut String) -> Option<()> {
        out.push_str(arm.pattern.as_ref().map_or("_", |name| name.name.as_str()));
        out.push_str(" => ");
        self.flat_into(&arm.value, out)
    }

    /// Prints an expression in its one-line form if it can and it fits, else in its
    /// broken form, else part by part so that its operands can break.
    pub(super) fn expr(&mut self, expr: &Expr) {
        self.flush_before(start(expr.span));
        if self.write_leaf(expr) {
            return;
        }
        if let Some(flat) = self.flat(expr) {
            if self.fits(width(&flat)) {
                self.write(&flat);
                return;
            }
        }
        match &expr.kind {
            ExprKind::List(items) => self.broken_list(expr, items),
            ExprKind::Record(fields) => self.record_body(closing(expr.span), fields),
            ExprKind::Construct { name, fields } => {
                self.write(&name.name);
                self.write(" ");
                self.record_body(closing(expr.span), fields);
            }
            ExprKind::Call { function, args } => self.broken_call(expr, &function.name, args),
            ExprKind::If { .. } => self.broken_if(expr),
            ExprKind::Match { scrutinee, arms } => {
                self.write("match ");
                self.expr(scrutinee);
                self.write(" ");
                self.bracketed(("{", "}"), closing(expr.span), arms, "", Printer::arm);
            }
            ExprKind::Comprehension { .. } => self.broken_comprehension(expr),
            ExprKind::Field { target, field } => {
                self.expr(target);
                self.write(".");
                self.ident(field);
            }
            ExprKind::Index { target, index } => {
                self.expr(target);
                self.write("[");
                self.expr(index);
                self.flush_before(closing(expr.span));
                self.write("]");
            }
            ExprKind::Unary { op, operand } => {
                self.write(unary_symbol(*op));
                self.expr(operand);
            }
            ExprKind::Binary { op, left, right } => {
                self.expr(left);
                self.write(&binary_symbol(*op));
                self.expr(right);
            }
            ExprKind::Range { start, end } => {
                self.expr(start);
                self.write("..");
                self.expr(end);
            }
            ExprKind::Paren(inner) => {
                self.write("(");
                self.expr(inner);
                self.flush_before(closing(expr.span));
                self.write(")");
            }
            // Leaves were printed by `write_leaf`.
            _ => {}
        }
    }

    /// Prints a literal or a name, which never breaks. Literals are printed as written, so
    /// that escapes, units and number spellings survive.
    fn write_leaf(&mut self, expr: &Expr) -> bool {
        match &expr.kind {
            ExprKind::Number(_)
            | ExprKind::Quantity { .. }
            | ExprKind::Cidr(_)
            | ExprKind::Str(_) => {
                self.write(self.source(expr.span));
                // Comments inside an interpolation were printed with the string.
                self.skip_comments_before(end(expr.span));
            }
            ExprKind::Bool(value) => self.write(if *value { "true" } else { "false" }),
            ExprKind::Null => self.write("null"),
            ExprKind::Name(name) => self.write(&name.name),
            ExprKind::DataType(name) => self.write(&format!("data.{}", name.name)),
            _ => return false,
        }
        true
    }

    /// A record body broken one field per line, `=` aligned, no commas.
    pub(super) fn record_body(&mut self, close_at: usize, fields: &[FieldInit]) {
        self.bracketed(("{", "}"), close_at, fields, "", Printer::field_init);
    }

    pub(super) fn field_init(&mut self, field: &FieldInit) -> Option<Align> {
        // Keys are printed as written: a quoted key keeps its quotes.
        let align = self.aligned_key(self.source(field.key.span), " = ");
        self.expr(&field.value);
        Some(align)
    }

    fn argument(&mut self, argument: &Argument) {
        if let Some(name) = &argument.name {
            self.ident(name);
            self.write(" = ");
        }
        self.expr(&argument.value);
    }

    /// `pattern => value`, with `=>` aligned like the `=` of fields.
    fn arm(&mut self, arm: &MatchArm) -> Option<Align> {
        let pattern = arm.pattern.as_ref().map_or("_", |name| name.name.as_str());
        let align = self.aligned_key(pattern, " => ");
        self.expr(&arm.value);
        Some(align)
    }

    /// A list hugging its record, or one item per line with trailing commas.
    fn broken_list(&mut self, list: &Expr, items: &[Expr]) {
        if self.hug_list(list, items) {
            return;
        }
        self.bracketed(("[", "]"), closing(list.span), items, ",", |p, item| {
            p.expr(item);
            None
        });
    }

    /// A call hugging its last argument, or one argument per line with trailing commas.
    fn broken_call(&mut self, call: &Expr, function: &str, args: &[Argument]) {
        if self.hug_call(call, function, args) {
            return;
        }
        self.write(function);
        self.bracketed(("(", ")"), closing(call.span), args, ",", |p, arg| {
            p.argument(arg);
            None
        });
    }

    /// `f(a, b, {` ... `})`: a call whose last argument is a bracketed form that breaks
    /// anyway keeps its other arguments on the first line and closes on the last one.
    /// Returns false, printing nothing, when the call must be broken one argument per line.
    fn hug_call(&mut self, call: &Expr, function: &str, args: &[Argument]) -> bool {
        let Some((last, others)) = args.split_last() else {
            return false;
        };
        let mut prefix = format!("{function}(");
        for arg in others {
            // Comments among these arguments are ruled out by `can_hug`.
            let Some(()) = self.flat_argument(arg, &mut prefix) else {
                return false;
            };
            prefix.push_str(", ");
        }
        if let Some(name) = &last.name {
            prefix.push_str(&name.name);
            prefix.push_str(" = ");
        }
        let last_start = last.start(self.text);
        let huggable = self.can_hug(call, &last.value, last_start, width(&prefix));
        if huggable {
            self.write(&prefix);
            self.expr(&last.value);
            self.write(")");
        }
        huggable
    }

    /// `[{` ... `}]`: a list of one record that breaks anyway.
    fn hug_list(&mut self, list: &Expr, items: &[Expr]) -> bool {
        let [item] = items else {
            return false;
        };
        let record = matches!(item.kind, ExprKind::Record(_) | ExprKind::Construct { .. });
        let huggable = record && self.can_hug(list, item, start(item.span), 1);
        if huggable {
            self.write("[");
            self.expr(item);
            self.write("]");
        }
        huggable
    }

    /// Whether `inner`, the last element of `outer`, can be printed after `prefix_width`
    /// characters of `outer` on the current line: it is a bracketed form, no comment sits
    /// around it, and it breaks anyway (it cannot be on one line, or does not fit there
    /// with the closing bracket after it). When it would fit, the outer form is broken one
    /// element per line instead, so that the choice is the same when formatting again.
    fn can_hug(&self, outer: &Expr, inner: &Expr, inner_start: usize, prefix_width: usize) -> bool {
        let bracketed = matches!(
            inner.kind,
            ExprKind::List(_)
                | ExprKind::Record(_)
                | ExprKind::Construct { .. }
                | ExprKind::Comprehension { .. }
        );
        let lonely = !self.has_comment_in(start(outer.span), inner_start)
            && !self.has_comment_in(end(inner.span), end(outer.span));
        let breaks = self
            .flat(inner)
            .is_none_or(|flat| !self.fits(prefix_width + width(&flat) + 1));
        // The opening bracket must fit after the prefix.
        bracketed && lonely && breaks && self.fits(prefix_width + 1)
    }

    /// `if a {` / `} else if b {` / `} else {` / `}`, each branch on its own lines. An
    /// `else { if ... }` reads the same as `else if ...`, so it is printed that way.
    fn broken_if(&mut self, expr: &Expr) {
        let mut current = expr;
        while let ExprKind::If {
            condition,
            then,
            otherwise,
        } = &current.kind
        {
            self.write("if ");
            self.expr(condition);
            self.write(" ");
            self.branch(then);
            self.write(" else ");
            if matches!(otherwise.kind, ExprKind::If { .. }) {
                current = otherwise;
            } else {
                self.branch(otherwise);
                return;
            }
        }
    }

    /// `{`, the branch's value on its own line, `}`.
    fn branch(&mut self, value: &Expr) {
        let close_at = trivia::skip_trivia(self.text, end(value.span));
        self.bracketed(
            ("{", "}"),
            close_at,
            std::slice::from_ref(value),
            "",
            |p, value| {
                p.expr(value);
                None
            },
        );
    }

    /// `[`, `for x in xs: body` and `if filter` on lines of their own, `]`.
    fn broken_comprehension(&mut self, expr: &Expr) {
        let ExprKind::Comprehension {
            var,
            index,
            iterable,
            body,
            filter,
        } = &expr.kind
        else {
            return;
        };
        self.write("[");
        self.indent += INDENT;
        self.open_line(start(var.span));
        self.write("for ");
        self.ident(var);
        if let Some(index) = index {
            self.write(", ");
            self.ident(index);
        }
        self.write(" in ");
        self.expr(iterable);
        self.write(": ");
        self.expr(body);
        if let Some(filter) = filter {
            self.open_line(start(filter.span));
            self.write("if ");
            self.expr(filter);
        }
        self.open_line(closing(expr.span));
        self.indent = self.indent.saturating_sub(INDENT);
        self.write("]");
    }
}

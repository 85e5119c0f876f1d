//! Builds the typed tree of `ast.rs` from pest's pairs, one item chunk at a time.

use pest::iterators::{Pair, Pairs};
use pest::Parser as _;

use super::ast::*;
use super::errors::describe_pest_error;
use crate::diagnostics::{Code, Diagnostic, FileId};
use crate::source::Span;

#[derive(pest_derive::Parser)]
#[grammar = "syntax/rag.pest"]
pub(super) struct RagParser;

/// Parses one item chunk, with spans counted from its first byte.
pub(super) fn parse_chunk(
    file: FileId,
    chunk: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Item> {
    match RagParser::parse(Rule::chunk, chunk) {
        Ok(mut pairs) => {
            let chunk_pair = pairs.next()?;
            let builder = Builder {
                file,
                diagnostics,
                depth: 0,
                too_deep: false,
            };
            builder.chunk(chunk_pair)
        }
        Err(error) => {
            diagnostics.push(describe_pest_error(file, chunk, &error));
            None
        }
    }
}

/// How deeply expressions may nest (brackets, operators, `.field` chains). Deeper input
/// is rejected here, so that no later phase can overflow its stack on it.
const MAX_NESTING: usize = 200;

struct Builder<'d> {
    file: FileId,
    diagnostics: &'d mut Vec<Diagnostic>,
    depth: usize,
    too_deep: bool,
}

/// The next inner pair; the grammar guarantees it exists wherever this is called.
fn next<'i>(pairs: &mut Pairs<'i, Rule>) -> Pair<'i, Rule> {
    match pairs.next() {
        Some(pair) => pair,
        None => unreachable!("the grammar guarantees this pair"),
    }
}

impl Builder<'_> {
    fn span(&self, pair: &Pair<'_, Rule>) -> Span {
        let span = pair.as_span();
        Span::new(span.start(), span.end())
    }

    fn ident(&self, pair: Pair<'_, Rule>) -> Ident {
        let span = pair.as_span();
        Ident {
            span: Span::new(span.start(), span.end()),
            name: span.as_str().to_string(),
        }
    }

    fn chunk(mut self, pair: Pair<'_, Rule>) -> Option<Item> {
        let (doc, item) = doc_text(&mut pair.into_inner());
        if item.as_rule() == Rule::EOI {
            return None;
        }
        let span = self.span(&item);
        let kind = match item.as_rule() {
            Rule::import => {
                let path = next(&mut item.into_inner());
                let path_span = self.span(&path);
                let path = self.plain_string(path)?;
                ItemKind::Import(Import { path, path_span })
            }
            Rule::let_decl => ItemKind::Let(self.let_decl(item)),
            Rule::fn_decl => {
                let mut inner = item.into_inner();
                let name = self.ident(next(&mut inner));
                let mut params = Vec::new();
                let mut part = next(&mut inner);
                while part.as_rule() == Rule::param {
                    params.push(self.field_decl(part));
                    part = next(&mut inner);
                }
                let result = self.type_expr(part);
                let body = self.expr(next(&mut inner));
                ItemKind::Fn(FnDecl {
                    name,
                    params,
                    result,
                    body,
                })
            }
            Rule::enum_decl => {
                let mut inner = item.into_inner();
                let name = self.ident(next(&mut inner));
                let variants = inner
                    .map(|variant| {
                        let (doc, name) = doc_text(&mut variant.into_inner());
                        Variant {
                            doc,
                            name: self.ident(name),
                        }
                    })
                    .collect();
                ItemKind::Enum(EnumDecl { name, variants })
            }
            Rule::type_decl => {
                let mut inner = item.into_inner();
                let name = self.ident(next(&mut inner));
                let fields = inner.map(|field| self.field_decl(field)).collect();
                ItemKind::Type(TypeDecl { name, fields })
            }
            Rule::module_decl => {
                let mut inner = item.into_inner();
                let name = self.ident(next(&mut inner));
                let mut params = Vec::new();
                let mut body = Vec::new();
                for part in inner {
                    match part.as_rule() {
                        Rule::param => params.push(self.field_decl(part)),
                        _ => body.push(self.stmt(part)),
                    }
                }
                ItemKind::Module(ModuleDecl { name, params, body })
            }
            Rule::env_decl => {
                let mut inner = item.into_inner();
                let name = self.ident(next(&mut inner));
                let module = self.ident(next(&mut inner));
                let body = next(&mut inner);
                let body_span = self.span(&body);
                let fields = self.field_inits(body);
                ItemKind::Env(EnvDecl {
                    name,
                    module,
                    fields,
                    body_span,
                })
            }
            _ => return None,
        };
        Some(Item { doc, kind, span })
    }

    fn let_decl(&mut self, pair: Pair<'_, Rule>) -> LetDecl {
        let mut inner = pair.into_inner();
        let name = self.ident(next(&mut inner));
        let mut ty = None;
        let mut part = next(&mut inner);
        if part.as_rule() == Rule::type_expr {
            ty = Some(self.type_expr(part));
            part = next(&mut inner);
        }
        LetDecl {
            name,
            ty,
            value: self.expr(part),
        }
    }

    fn field_decl(&mut self, pair: Pair<'_, Rule>) -> FieldDecl {
        let mut inner = pair.into_inner();
        let (doc, name) = doc_text(&mut inner);
        let name = self.ident(name);
        let ty = self.type_expr(next(&mut inner));
        let default = inner.next().map(|expr| self.expr(expr));
        FieldDecl {
            doc,
            name,
            ty,
            default,
        }
    }

    fn type_expr(&mut self, pair: Pair<'_, Rule>) -> TypeExpr {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let name = self.ident(next(&mut inner));
        let mut args = Vec::new();
        let mut optional = false;
        for part in inner {
            match part.as_rule() {
                Rule::optional_mark => optional = true,
                _ => args.push(self.type_expr(part)),
            }
        }
        TypeExpr {
            name,
            args,
            optional,
            span,
        }
    }

    fn stmt(&mut self, pair: Pair<'_, Rule>) -> Stmt {
        let span = self.span(&pair);
        let (doc, stmt) = doc_text(&mut pair.into_inner());
        let kind = match stmt.as_rule() {
            Rule::let_decl => StmtKind::Let(self.let_decl(stmt)),
            Rule::resource_decl => StmtKind::Resource(self.resource_decl(stmt)),
            Rule::data_decl => StmtKind::Data(self.resource_decl(stmt)),
            Rule::provider_decl | Rule::backend_decl => {
                let is_provider = stmt.as_rule() == Rule::provider_decl;
                let mut parts = stmt.into_inner();
                let config = ConfigBlock {
                    name: self.ident(next(&mut parts)),
                    body: self.block(next(&mut parts)),
                };
                if is_provider {
                    StmtKind::Provider(config)
                } else {
                    StmtKind::Backend(config)
                }
            }
            Rule::for_stmt => {
                let mut parts = stmt.into_inner();
                let var = self.ident(next(&mut parts));
                let mut index = None;
                let mut part = next(&mut parts);
                if part.as_rule() == Rule::ident {
                    index = Some(self.ident(part));
                    part = next(&mut parts);
                }
                let iterable = self.expr(part);
                let body = parts.map(|stmt| self.stmt(stmt)).collect();
                StmtKind::For(ForStmt {
                    var,
                    index,
                    iterable,
                    body,
                })
            }
            Rule::if_stmt => {
                let mut parts = stmt.into_inner();
                let condition = self.expr(next(&mut parts));
                let body = parts.map(|stmt| self.stmt(stmt)).collect();
                StmtKind::If(IfStmt { condition, body })
            }
            Rule::assert_stmt => {
                let mut parts = stmt.into_inner();
                let condition = self.expr(next(&mut parts));
                let message = self.expr(next(&mut parts));
                StmtKind::Assert(AssertStmt { condition, message })
            }
            Rule::output_decl => {
                let mut parts = stmt.into_inner();
                let name = self.ident(next(&mut parts));
                let value = self.expr(next(&mut parts));
                StmtKind::Output(OutputDecl { name, value })
            }
            _ => {
                let mut parts = stmt.into_inner();
                let name = self.ident(next(&mut parts));
                let ty = self.type_expr(next(&mut parts));
                let default = parts.next().map(|expr| self.expr(expr));
                StmtKind::Variable(VariableDecl { name, ty, default })
            }
        };
        Stmt { doc, kind, span }
    }

    fn resource_decl(&mut self, pair: Pair<'_, Rule>) -> ResourceDecl {
        let mut inner = pair.into_inner();
        let type_name = self.ident(next(&mut inner));
        let name_pair = next(&mut inner);
        let name_inner = next(&mut name_pair.into_inner());
        let name = match name_inner.as_rule() {
            Rule::ident => ResourceName::Plain(self.ident(name_inner)),
            _ => ResourceName::Template(self.string(name_inner)),
        };
        let body = self.block(next(&mut inner));
        ResourceDecl {
            type_name,
            name,
            body,
        }
    }

    fn block(&mut self, pair: Pair<'_, Rule>) -> Block {
        let span = self.span(&pair);
        let entries = pair
            .into_inner()
            .map(|entry| {
                let mut parts = entry.into_inner();
                let name = self.ident(next(&mut parts));
                let body = next(&mut parts);
                if body.as_rule() == Rule::block_body {
                    BlockEntry::Block {
                        name,
                        body: self.block(body),
                    }
                } else {
                    BlockEntry::Attribute {
                        name,
                        value: self.expr(body),
                    }
                }
            })
            .collect();
        Block { entries, span }
    }

    fn field_inits(&mut self, pair: Pair<'_, Rule>) -> Vec<FieldInit> {
        pair.into_inner()
            .map(|field| {
                let mut parts = field.into_inner();
                let (doc, key_pair) = doc_text(&mut parts);
                let key_pair = next(&mut key_pair.into_inner());
                let key = match key_pair.as_rule() {
                    Rule::string => {
                        let span = self.span(&key_pair);
                        Ident {
                            name: self.plain_string(key_pair).unwrap_or_default(),
                            span,
                        }
                    }
                    _ => self.ident(key_pair),
                };
                FieldInit {
                    doc,
                    key,
                    value: self.expr(next(&mut parts)),
                }
            })
            .collect()
    }

    /// A string literal without interpolation (import paths, record keys).
    fn plain_string(&mut self, pair: Pair<'_, Rule>) -> Option<String> {
        let span = self.span(&pair);
        let expr = self.string(pair);
        match expr.kind {
            ExprKind::Str(parts) => {
                let mut text = String::new();
                for part in parts {
                    match part {
                        StrPart::Text(chunk) => text.push_str(&chunk),
                        StrPart::Interpolation(_) => {
                            self.diagnostics.push(
                                Diagnostic::new(
                                    Code::SyntaxError,
                                    self.file,
                                    span,
                                    "interpolation is not allowed here",
                                )
                                .with_help("write a plain string without `${...}`"),
                            );
                            return None;
                        }
                    }
                }
                Some(text)
            }
            _ => None,
        }
    }

    fn string(&mut self, pair: Pair<'_, Rule>) -> Expr {
        let span = self.span(&pair);
        let mut parts: Vec<StrPart> = Vec::new();
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::text => push_text(&mut parts, part.as_str()),
                Rule::escape => push_text(
                    &mut parts,
                    match part.as_str() {
                        "\\n" => "\n",
                        "\\t" => "\t",
                        other => &other[1..],
                    },
                ),
                _ => {
                    let expr = next(&mut part.into_inner());
                    parts.push(StrPart::Interpolation(self.expr(expr)));
                }
            }
        }
        Expr {
            kind: ExprKind::Str(parts),
            span,
        }
    }

    fn expr(&mut self, pair: Pair<'_, Rule>) -> Expr {
        let span = self.span(&pair);
        match pair.as_rule() {
            Rule::expr => {
                let mut inner = pair.into_inner();
                // Operands and operators alternate; each operator nests one level.
                let width = inner.len() / 2;
                self.nested(span, width, |builder| {
                    let first = builder.expr(next(&mut inner));
                    if width == 0 {
                        return first;
                    }
                    let mut rest = Vec::with_capacity(width);
                    while let Some(operator) = inner.next() {
                        let operand = builder.expr(next(&mut inner));
                        rest.push((infix(operator.as_str()), operand));
                    }
                    climb(first, &mut rest.into_iter().peekable(), 0)
                })
            }
            Rule::operand => self.operand(pair, span),
            _ => self.nested(span, 0, |builder| Expr {
                kind: builder.primary(pair),
                span,
            }),
        }
    }

    /// Builds one level deeper, or reports an expression nested too deeply when `width`
    /// more levels (operators, prefixes or suffixes in a row) would pass `MAX_NESTING`.
    fn nested(&mut self, span: Span, width: usize, build: impl FnOnce(&mut Self) -> Expr) -> Expr {
        if self.depth + width > MAX_NESTING {
            return self.nested_too_deeply(span);
        }
        self.depth += 1;
        let expr = build(self);
        self.depth -= 1;
        expr
    }

    /// Reports, once per item, an expression nested deeper than `MAX_NESTING`.
    fn nested_too_deeply(&mut self, span: Span) -> Expr {
        if !self.too_deep {
            self.too_deep = true;
            self.diagnostics.push(
                Diagnostic::new(
                    Code::SyntaxError,
                    self.file,
                    span,
                    format!("this expression nests more than {MAX_NESTING} levels deep"),
                )
                .with_help("split it into several `let`s"),
            );
        }
        Expr {
            kind: ExprKind::Null,
            span,
        }
    }

    /// Prefix operators, then a primary with its `.field` and `[index]` suffixes (in a
    /// `postfix_expr` after prefixes, in the `named` pair after a name). The prefixes, the
    /// suffixed primary and the primary count as three levels of nesting.
    fn operand(&mut self, pair: Pair<'_, Rule>, span: Span) -> Expr {
        let mut inner = pair.into_inner();
        let mut prefixes = Vec::new();
        let mut primary = next(&mut inner);
        while primary.as_rule() == Rule::unary_op {
            prefixes.push((primary.as_str() == "!", self.span(&primary)));
            primary = next(&mut inner);
        }
        // Without prefixes, the suffixed primary is the operand.
        let mut suffixed = span;
        if primary.as_rule() == Rule::postfix_expr {
            suffixed = self.span(&primary);
            inner = primary.into_inner();
            primary = next(&mut inner);
        }
        self.nested(span, prefixes.len(), |builder| {
            let mut expr = match primary.as_rule() {
                Rule::named | Rule::if_named => builder.named(primary, suffixed),
                _ => builder.nested(suffixed, inner.len(), |builder| {
                    let expr = builder.expr(primary);
                    builder.postfixes(expr, inner, suffixed)
                }),
            };
            for (is_not, op_span) in prefixes.into_iter().rev() {
                let span = op_span.to(expr.span);
                expr = Expr {
                    kind: ExprKind::Unary {
                        op: if is_not { UnaryOp::Not } else { UnaryOp::Neg },
                        operand: Box::new(expr),
                    },
                    span,
                };
            }
            expr
        })
    }

    /// Applies `.field` and `[index]` suffixes; every suffix node spans the whole suffixed
    /// primary.
    fn postfixes(&mut self, mut expr: Expr, postfixes: Pairs<'_, Rule>, span: Span) -> Expr {
        for postfix in postfixes {
            let end = self.span(&postfix);
            let target = next(&mut postfix.into_inner());
            let kind = if target.as_rule() == Rule::attr_name {
                ExprKind::Field {
                    target: Box::new(expr),
                    field: self.ident(target),
                }
            } else {
                ExprKind::Index {
                    target: Box::new(expr),
                    index: Box::new(self.expr(target)),
                }
            };
            expr = Expr {
                span: span.to(end),
                kind,
            };
        }
        expr
    }

    /// A name, a call or a construct, then its suffixes. The name with its call or
    /// construct is one level of nesting, spanning what the grammar read before the
    /// suffixes (the whitespace after a bare name included); the expression spans what
    /// was read, without that whitespace.
    fn named(&mut self, pair: Pair<'_, Rule>, suffixed: Span) -> Expr {
        let mut end = self.span(&pair).end;
        let mut parts = pair.into_inner();
        let name = self.ident(next(&mut parts));
        let mut call = None;
        if let Some(part) = parts.peek() {
            if part.as_rule() == Rule::suffix {
                end = self.span(&part).end;
                call = Some(part);
                parts.next();
            } else {
                end = self.span(&part).start;
            }
        }
        let level = Span {
            start: name.span.start,
            end,
        };
        self.nested(suffixed, parts.len(), |builder| {
            let expr = builder.nested(level, 0, |builder| builder.call(name, call));
            builder.postfixes(expr, parts, suffixed)
        })
    }

    /// A name, or the call or construct its suffix makes of it.
    fn call(&mut self, name: Ident, suffix: Option<Pair<'_, Rule>>) -> Expr {
        let Some(suffix) = suffix else {
            return Expr {
                span: name.span,
                kind: ExprKind::Name(name),
            };
        };
        let span = name.span.to(self.span(&suffix));
        let kind = if suffix.as_str().starts_with('{') {
            ExprKind::Construct {
                name,
                fields: self.field_inits(suffix),
            }
        } else {
            ExprKind::Call {
                function: name,
                args: suffix
                    .into_inner()
                    .map(|argument| self.argument(argument))
                    .collect(),
            }
        };
        Expr { kind, span }
    }

    fn primary(&mut self, pair: Pair<'_, Rule>) -> ExprKind {
        let span = self.span(&pair);
        match pair.as_rule() {
            Rule::paren => ExprKind::Paren(Box::new(self.expr(next(&mut pair.into_inner())))),
            Rule::boolean => ExprKind::Bool(pair.as_str() == "true"),
            Rule::null => ExprKind::Null,
            Rule::number => {
                let mut inner = pair.into_inner();
                let digits = next(&mut inner);
                if digits.as_rule() == Rule::cidr {
                    let text = digits.as_str();
                    if let Err(problem) = crate::cidr::Cidr::parse(text) {
                        self.diagnostics.push(
                            Diagnostic::new(Code::InvalidLiteral, self.file, span, problem)
                                .with_label("invalid CIDR block"),
                        );
                    }
                    return ExprKind::Cidr(text.to_string());
                }
                let value = self.number(digits.as_str(), span);
                match inner.next() {
                    Some(unit) => ExprKind::Quantity {
                        value,
                        unit: Unit::from_suffix(unit.as_str()).unwrap_or(Unit::Days),
                    },
                    None => ExprKind::Number(value),
                }
            }
            Rule::string => self.string(pair).kind,
            Rule::data_ref => ExprKind::DataType(self.ident(next(&mut pair.into_inner()))),
            Rule::list => ExprKind::List(pair.into_inner().map(|item| self.expr(item)).collect()),
            Rule::record => ExprKind::Record(self.field_inits(pair)),
            Rule::if_expr => {
                let mut inner = pair.into_inner();
                let condition = self.expr(next(&mut inner));
                let then = self.expr(next(&mut inner));
                let otherwise = next(&mut inner);
                let otherwise = if otherwise.as_rule() == Rule::if_expr {
                    let span = self.span(&otherwise);
                    Expr {
                        kind: self.primary(otherwise),
                        span,
                    }
                } else {
                    self.expr(otherwise)
                };
                ExprKind::If {
                    condition: Box::new(condition),
                    then: Box::new(then),
                    otherwise: Box::new(otherwise),
                }
            }
            Rule::match_expr => {
                let mut inner = pair.into_inner();
                let scrutinee = self.expr(next(&mut inner));
                let arms = inner
                    .map(|arm| {
                        let mut parts = arm.into_inner();
                        let pattern_pair = next(&mut next(&mut parts).into_inner());
                        let pattern_span = self.span(&pattern_pair);
                        let pattern = (pattern_pair.as_rule() == Rule::ident)
                            .then(|| self.ident(pattern_pair));
                        MatchArm {
                            pattern,
                            pattern_span,
                            value: self.expr(next(&mut parts)),
                        }
                    })
                    .collect();
                ExprKind::Match {
                    scrutinee: Box::new(scrutinee),
                    arms,
                }
            }
            Rule::comprehension => {
                let mut parts = pair.into_inner();
                let var = self.ident(next(&mut parts));
                let mut part = next(&mut parts);
                let mut index = None;
                if part.as_rule() == Rule::ident {
                    index = Some(self.ident(part));
                    part = next(&mut parts);
                }
                let iterable = Box::new(self.expr(part));
                let body = Box::new(self.expr(next(&mut parts)));
                let filter = parts.next().map(|filter| Box::new(self.expr(filter)));
                ExprKind::Comprehension {
                    var,
                    index,
                    iterable,
                    body,
                    filter,
                }
            }
            _ => ExprKind::Null,
        }
    }

    fn argument(&mut self, pair: Pair<'_, Rule>) -> Argument {
        let mut parts = pair.into_inner();
        let first = next(&mut parts);
        match parts.next() {
            Some(value) => Argument {
                name: Some(self.ident(first)),
                value: self.expr(value),
            },
            None => Argument {
                name: None,
                value: self.expr(first),
            },
        }
    }

    fn number(&mut self, text: &str, span: Span) -> f64 {
        match text.parse::<f64>() {
            Ok(value) if value.is_finite() && value < 9.0e15 => value,
            _ => {
                self.diagnostics.push(
                    Diagnostic::new(Code::InvalidLiteral, self.file, span, "number is too large")
                        .with_label("numbers must be below 9e15"),
                );
                0.0
            }
        }
    }
}

fn push_text(parts: &mut Vec<StrPart>, text: &str) {
    if let Some(StrPart::Text(last)) = parts.last_mut() {
        last.push_str(text);
    } else {
        parts.push(StrPart::Text(text.to_string()));
    }
}

/// An infix operator: `..` or a binary operator.
#[derive(Clone, Copy)]
enum Infix {
    Range,
    Binary(BinaryOp),
}

impl Infix {
    fn precedence(self) -> u8 {
        match self {
            Infix::Range => 1,
            Infix::Binary(BinaryOp::Or) => 2,
            Infix::Binary(BinaryOp::And) => 3,
            Infix::Binary(
                BinaryOp::Eq
                | BinaryOp::NotEq
                | BinaryOp::Less
                | BinaryOp::LessEq
                | BinaryOp::Greater
                | BinaryOp::GreaterEq,
            ) => 4,
            Infix::Binary(BinaryOp::Add | BinaryOp::Sub) => 5,
            Infix::Binary(BinaryOp::Mul | BinaryOp::Div) => 6,
        }
    }
}

fn infix(symbol: &str) -> Infix {
    if symbol == ".." {
        Infix::Range
    } else {
        Infix::Binary(binary_op(symbol))
    }
}

/// Precedence climbing over `left (op operand)*`: every operator is left-associative.
fn climb<I>(mut left: Expr, rest: &mut std::iter::Peekable<I>, min_precedence: u8) -> Expr
where
    I: Iterator<Item = (Infix, Expr)>,
{
    while let Some((op, _)) = rest.peek() {
        let precedence = op.precedence();
        if precedence < min_precedence {
            break;
        }
        let Some((op, mut right)) = rest.next() else {
            break;
        };
        while rest
            .peek()
            .is_some_and(|(next, _)| next.precedence() > precedence)
        {
            right = climb(right, rest, precedence + 1);
        }
        let span = left.span.to(right.span);
        let kind = match op {
            Infix::Range => ExprKind::Range {
                start: Box::new(left),
                end: Box::new(right),
            },
            Infix::Binary(op) => ExprKind::Binary {
                op,
                left: Box::new(left),
                right: Box::new(right),
            },
        };
        left = Expr { kind, span };
    }
    left
}

fn binary_op(symbol: &str) -> BinaryOp {
    match symbol {
        "||" => BinaryOp::Or,
        "&&" => BinaryOp::And,
        "==" => BinaryOp::Eq,
        "!=" => BinaryOp::NotEq,
        "<" => BinaryOp::Less,
        "<=" => BinaryOp::LessEq,
        ">" => BinaryOp::Greater,
        ">=" => BinaryOp::GreaterEq,
        "+" => BinaryOp::Add,
        "-" => BinaryOp::Sub,
        "*" => BinaryOp::Mul,
        _ => BinaryOp::Div,
    }
}

/// Reads the leading `///` lines of `pairs`, joined into one doc string without the
/// markers, and the pair after them.
fn doc_text<'i>(pairs: &mut Pairs<'i, Rule>) -> (Option<String>, Pair<'i, Rule>) {
    let mut text: Option<String> = None;
    loop {
        let doc = next(pairs);
        if doc.as_rule() != Rule::doc {
            return (text, doc);
        }
        let line = &doc.as_str()[3..];
        let line = line.strip_prefix(' ').unwrap_or(line).trim_end();
        match &mut text {
            Some(text) => {
                text.push('\n');
                text.push_str(line);
            }
            None => text = Some(line.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostics::FileId;
    use crate::source::Span;
    use crate::syntax::ast::{Expr, ExprKind, ItemKind, StmtKind};
    use crate::syntax::parse;

    /// The diagnostics of `text`: message and primary span.
    fn errors(text: &str) -> Vec<(String, (u32, u32))> {
        parse(FileId(0), text)
            .diagnostics
            .iter()
            .map(|diagnostic| {
                let span = diagnostic.labels.first().map(|label| label.span);
                let span = span.unwrap_or_default();
                (diagnostic.message.clone(), (span.start, span.end))
            })
            .collect()
    }

    fn error(message: &str, span: (u32, u32)) -> Vec<(String, (u32, u32))> {
        vec![(message.to_string(), span)]
    }

    /// The value of the only item, `let a = ...`.
    fn value(text: &str) -> Expr {
        let parsed = parse(FileId(0), text);
        assert!(
            parsed.diagnostics.is_empty(),
            "{text}: {:?}",
            parsed.diagnostics
        );
        match parsed.file.items.into_iter().next().map(|item| item.kind) {
            Some(ItemKind::Let(decl)) => decl.value,
            other => panic!("{text}: {other:?}"),
        }
    }

    const KEYWORDS: [&str; 22] = [
        "import", "let", "fn", "enum", "type", "module", "resource", "data", "provider", "backend",
        "for", "in", "if", "else", "match", "assert", "output", "variable", "env", "true", "false",
        "null",
    ];

    #[test]
    fn keywords_are_not_names_but_words_starting_with_them_are() {
        for keyword in KEYWORDS {
            let message = format!("expected a name, found `{keyword}`");
            assert_eq!(
                errors(&format!("let {keyword} = 1")),
                error(&message, (4, 5))
            );
            let expected = match keyword {
                "true" | "false" | "null" => vec![],
                "if" => error(
                    "expected an expression, found the end of this item",
                    (10, 10),
                ),
                "match" => error(
                    "expected an expression, found the end of this item",
                    (13, 13),
                ),
                _ => error(
                    &format!("expected an expression, found `{keyword}`"),
                    (8, 9),
                ),
            };
            assert_eq!(errors(&format!("let a = {keyword}")), expected, "{keyword}");
            for word in [format!("{keyword}x"), format!("{keyword}_1")] {
                let text = format!("let {word} = {word}");
                assert!(matches!(value(&text).kind, ExprKind::Name(_)), "{text}");
            }
        }
    }

    #[test]
    fn a_name_starting_with_if_is_an_if_when_it_reads_as_one() {
        let ExprKind::If { condition, .. } = value("let a = iffy { 1 } else { 2 }").kind else {
            panic!("not an `if`");
        };
        assert!(matches!(condition.kind, ExprKind::Name(name) if name.name == "fy"));
        assert!(matches!(
            value("let a = matches.x").kind,
            ExprKind::Field { .. }
        ));
    }

    #[test]
    fn messages_name_every_token_that_could_follow() {
        let unit = "a unit (`vcpu`, `MB`, `GB`, `MiB`, `GiB`, `days`, `%`)";
        let cases = [
            (
                "let a = f c",
                "`(`, `.`, `[`, `{`, an operator or end of file",
                "`c`",
                (10, 11),
            ),
            (
                "let a = b.c d",
                "`.`, `[`, an operator or end of file",
                "`d`",
                (12, 13),
            ),
            (
                "let a = [1 2]",
                &format!("`.`, `[`, {unit} or an operator"),
                "`2`",
                (11, 12),
            ),
            ("let a = 5x", unit, "`x`", (9, 10)),
            (
                "let a = \"\\q\"",
                "a string or an expression",
                "`\\`",
                (9, 10),
            ),
            ("let a: Map<String = 1", "a type", "`=`", (18, 19)),
            ("enum E { 1 }", "an enum variant", "`1`", (9, 10)),
            ("module m(1) {}", "a parameter", "`1`", (9, 10)),
            // Only the doc comment a field may start with is expected there: no words.
            (
                "type T {\n  x Int\n}",
                "the rest of this item, or a closing bracket",
                "`x`",
                (11, 12),
            ),
        ];
        for (text, expected, found, span) in cases {
            let message = format!("expected {expected}, found {found}");
            assert_eq!(errors(text), error(&message, span), "{text}");
        }
    }

    #[test]
    fn spans_are_those_of_the_grammar() {
        let text = "module m() {\n  let a = b\n  output o = f(x).y[0] + -c\n}";
        let parsed = parse(FileId(0), text);
        let Some(ItemKind::Module(module)) = parsed.file.items.first().map(|item| &item.kind)
        else {
            panic!("not a module");
        };
        // A statement ends after the whitespace its last expression was followed by.
        let spans: Vec<Span> = module.body.iter().map(|stmt| stmt.span).collect();
        assert_eq!(spans, [Span::new(15, 27), Span::new(27, 53)]);
        let StmtKind::Output(output) = &module.body[1].kind else {
            panic!("not an output");
        };
        let ExprKind::Binary { left, .. } = &output.value.kind else {
            panic!("not a sum");
        };
        // Every `.field` and `[index]` spans the whole suffixed call.
        let ExprKind::Index { target, .. } = &left.kind else {
            panic!("not an index");
        };
        assert_eq!(
            (left.span, target.span),
            (Span::new(38, 47), Span::new(38, 47))
        );
    }

    #[test]
    fn nesting_is_measured_as_before() {
        let nested = |inner: &str| {
            let depth = 50;
            errors(&format!(
                "let x = {}{inner}{}",
                "(".repeat(depth),
                ")".repeat(depth)
            ))
        };
        let message = "this expression nests more than 200 levels deep";
        assert_eq!(nested("a"), error(message, (58, 59)));
        // The levels of a name, a call and a string end after the blank that follows them.
        assert_eq!(nested("a "), error(message, (58, 60)));
        assert_eq!(nested("f(x) "), error(message, (58, 63)));
        assert_eq!(nested("\"s\" "), error(message, (58, 62)));
        assert!(errors(&format!("let x = {}a{}", "(".repeat(49), ")".repeat(49))).is_empty());
    }
}

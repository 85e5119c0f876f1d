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

/// Parses one chunk that starts at byte `base` of the file.
pub(super) fn parse_chunk(
    file: FileId,
    chunk: &str,
    base: usize,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Item> {
    match RagParser::parse(Rule::chunk, chunk) {
        Ok(mut pairs) => {
            let chunk_pair = pairs.next()?;
            let builder = Builder {
                base,
                file,
                diagnostics,
                depth: 0,
                too_deep: false,
            };
            builder.chunk(chunk_pair)
        }
        Err(error) => {
            diagnostics.push(describe_pest_error(file, chunk, base, &error));
            None
        }
    }
}

/// How deeply expressions may nest (brackets, operators, `.field` chains). Deeper input
/// is rejected here, so that no later phase can overflow its stack on it.
const MAX_NESTING: usize = 200;

struct Builder<'d> {
    base: usize,
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
        Span::new(span.start() + self.base, span.end() + self.base)
    }

    fn ident(&self, pair: Pair<'_, Rule>) -> Ident {
        Ident {
            span: self.span(&pair),
            name: pair.as_str().to_string(),
        }
    }

    fn chunk(mut self, pair: Pair<'_, Rule>) -> Option<Item> {
        let mut inner = pair.into_inner();
        let docs = inner.next().filter(|pair| pair.as_rule() == Rule::docs)?;
        let doc = doc_text(docs);
        let item = next(&mut inner);
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
                        let mut parts = variant.into_inner();
                        let doc = doc_text(next(&mut parts));
                        Variant {
                            doc,
                            name: self.ident(next(&mut parts)),
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
        let doc = doc_text(next(&mut inner));
        let name = self.ident(next(&mut inner));
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
        let mut inner = pair.into_inner();
        let doc = doc_text(next(&mut inner));
        let stmt = next(&mut inner);
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
                let rule = entry.as_rule();
                let mut parts = entry.into_inner();
                let name = self.ident(next(&mut parts));
                if rule == Rule::nested_block {
                    BlockEntry::Block {
                        name,
                        body: self.block(next(&mut parts)),
                    }
                } else {
                    BlockEntry::Attribute {
                        name,
                        value: self.expr(next(&mut parts)),
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
                let doc = doc_text(next(&mut parts));
                let key_pair = next(&mut next(&mut parts).into_inner());
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
        // Operator chains, prefix operators and `.field` chains build nested trees.
        let width = match pair.as_rule() {
            Rule::expr => pair.clone().into_inner().count() / 2,
            Rule::operand | Rule::postfix_expr => pair.clone().into_inner().count() - 1,
            _ => 0,
        };
        if self.depth + width > MAX_NESTING {
            return self.nested_too_deeply(span);
        }
        self.depth += 1;
        let expr = self.expr_at_depth(pair, span);
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

    fn expr_at_depth(&mut self, pair: Pair<'_, Rule>, span: Span) -> Expr {
        match pair.as_rule() {
            Rule::expr => {
                let mut operands = Vec::new();
                let mut operators = Vec::new();
                for part in pair.into_inner() {
                    match part.as_rule() {
                        Rule::operand => operands.push(self.expr(part)),
                        _ => operators.push(infix(part.as_str())),
                    }
                }
                let mut operands = operands.into_iter();
                let first = operands.next().unwrap_or(Expr {
                    kind: ExprKind::Null,
                    span,
                });
                let mut rest = operators.into_iter().zip(operands).peekable();
                climb(first, &mut rest, 0)
            }
            Rule::operand => {
                let mut ops = Vec::new();
                let mut operand = None;
                for part in pair.into_inner() {
                    match part.as_rule() {
                        Rule::unary_op => ops.push((part.as_str() == "!", self.span(&part))),
                        _ => operand = Some(self.expr(part)),
                    }
                }
                let mut expr = operand.unwrap_or(Expr {
                    kind: ExprKind::Null,
                    span,
                });
                for (is_not, op_span) in ops.into_iter().rev() {
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
            }
            Rule::postfix_expr => {
                let mut inner = pair.into_inner();
                let mut expr = self.expr(next(&mut inner));
                for postfix in inner {
                    let end = self.span(&postfix);
                    let rule = postfix.as_rule();
                    let target = next(&mut postfix.into_inner());
                    let kind = if rule == Rule::field_access {
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
            _ => {
                // `named` ends with an optional suffix, so its pair may hold the
                // whitespace after the name: measure what was read instead.
                let span = match pair.as_rule() {
                    Rule::named => pair
                        .clone()
                        .into_inner()
                        .map(|part| self.span(&part))
                        .reduce(Span::to)
                        .unwrap_or(span),
                    _ => span,
                };
                let kind = self.primary(pair);
                Expr { kind, span }
            }
        }
    }

    fn primary(&mut self, pair: Pair<'_, Rule>) -> ExprKind {
        let span = self.span(&pair);
        match pair.as_rule() {
            Rule::paren => ExprKind::Paren(Box::new(self.expr(next(&mut pair.into_inner())))),
            Rule::boolean => ExprKind::Bool(pair.as_str() == "true"),
            Rule::null => ExprKind::Null,
            Rule::number => ExprKind::Number(self.number(pair.as_str(), span)),
            Rule::unit_literal => {
                let mut inner = pair.into_inner();
                let value = self.number(next(&mut inner).as_str(), span);
                let unit = Unit::from_suffix(next(&mut inner).as_str()).unwrap_or(Unit::Days);
                ExprKind::Quantity { value, unit }
            }
            Rule::cidr => {
                let text = pair.as_str();
                if let Err(problem) = crate::cidr::Cidr::parse(text) {
                    self.diagnostics.push(
                        Diagnostic::new(Code::InvalidLiteral, self.file, span, problem)
                            .with_label("invalid CIDR block"),
                    );
                }
                ExprKind::Cidr(text.to_string())
            }
            Rule::string => self.string(pair).kind,
            Rule::data_ref => ExprKind::DataType(self.ident(next(&mut pair.into_inner()))),
            Rule::named => {
                let mut inner = pair.into_inner();
                let name = self.ident(next(&mut inner));
                match inner.next() {
                    None => ExprKind::Name(name),
                    Some(suffix) if suffix.as_rule() == Rule::construct_body => {
                        let fields = self.field_inits(next(&mut suffix.into_inner()));
                        ExprKind::Construct { name, fields }
                    }
                    Some(suffix) => ExprKind::Call {
                        function: name,
                        args: suffix
                            .into_inner()
                            .map(|argument| self.argument(argument))
                            .collect(),
                    },
                }
            }
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
                let mut parts: Vec<Pair<'_, Rule>> = pair.into_inner().collect();
                let var = self.ident(parts.remove(0));
                let index = (parts.first().map(Pair::as_rule) == Some(Rule::ident))
                    .then(|| self.ident(parts.remove(0)));
                let mut exprs = parts.into_iter().map(|part| self.expr(part));
                let iterable = Box::new(exprs.next().unwrap_or_else(|| unreachable!()));
                let body = Box::new(exprs.next().unwrap_or_else(|| unreachable!()));
                let filter = exprs.next().map(Box::new);
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
        let mut parts: Vec<Pair<'_, Rule>> = pair.into_inner().collect();
        let value = parts.pop().map(|value| self.expr(value));
        let name = parts.pop().map(|name| self.ident(name));
        Argument {
            name,
            value: value.unwrap_or(Expr {
                kind: ExprKind::Null,
                span: Span::default(),
            }),
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

/// Joins `///` lines into one doc string, without the markers.
fn doc_text(docs: Pair<'_, Rule>) -> Option<String> {
    let lines: Vec<&str> = docs
        .into_inner()
        .map(|doc| {
            let text = &doc.as_str()[3..];
            text.strip_prefix(' ').unwrap_or(text).trim_end()
        })
        .collect();
    (!lines.is_empty()).then(|| lines.join("\n"))
}

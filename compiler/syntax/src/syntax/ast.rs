//! The typed syntax tree of one `.rag` file. Every node carries the byte span it was
//! parsed from; nothing here knows about names, types or values.

use serde::{Deserialize, Serialize};

use crate::source::Span;

/// A name as written, with where it was written.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

/// Everything the parser could read of one file, in source order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct File {
    pub items: Vec<Item>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Item {
    pub doc: Option<String>,
    pub kind: ItemKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ItemKind {
    Import(Import),
    Let(LetDecl),
    Fn(FnDecl),
    Enum(EnumDecl),
    Type(TypeDecl),
    Module(ModuleDecl),
    Env(EnvDecl),
}

impl Item {
    /// The name the item declares, if it declares one (imports do not).
    pub fn name(&self) -> Option<&Ident> {
        match &self.kind {
            ItemKind::Import(_) => None,
            ItemKind::Let(decl) => Some(&decl.name),
            ItemKind::Fn(decl) => Some(&decl.name),
            ItemKind::Enum(decl) => Some(&decl.name),
            ItemKind::Type(decl) => Some(&decl.name),
            ItemKind::Module(decl) => Some(&decl.name),
            ItemKind::Env(decl) => Some(&decl.name),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Import {
    pub path: String,
    pub path_span: Span,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LetDecl {
    pub name: Ident,
    pub ty: Option<TypeExpr>,
    pub value: Expr,
}

/// `fn name(params): Type = expr`: a function written in the language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FnDecl {
    pub name: Ident,
    pub params: Vec<FieldDecl>,
    pub result: TypeExpr,
    pub body: Expr,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnumDecl {
    pub name: Ident,
    pub variants: Vec<Variant>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Variant {
    pub doc: Option<String>,
    pub name: Ident,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TypeDecl {
    pub name: Ident,
    pub fields: Vec<FieldDecl>,
}

/// A typed field of a record type, or a parameter of a module.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldDecl {
    pub doc: Option<String>,
    pub name: Ident,
    pub ty: TypeExpr,
    pub default: Option<Expr>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModuleDecl {
    pub name: Ident,
    pub params: Vec<FieldDecl>,
    pub body: Vec<Stmt>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnvDecl {
    pub name: Ident,
    pub module: Ident,
    pub fields: Vec<FieldInit>,
    /// The span of the `{ ... }` body, where missing fields are reported.
    pub body_span: Span,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stmt {
    pub doc: Option<String>,
    pub kind: StmtKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum StmtKind {
    Let(LetDecl),
    Resource(ResourceDecl),
    Data(ResourceDecl),
    /// `provider aws { ... }`: the provider configuration of the stack.
    Provider(ConfigBlock),
    /// `backend s3 { ... }`: where Terraform keeps the stack's state.
    Backend(ConfigBlock),
    For(ForStmt),
    If(IfStmt),
    Assert(AssertStmt),
    Output(OutputDecl),
    Variable(VariableDecl),
}

/// `resource TYPE NAME { ... }` or `data TYPE NAME { ... }`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResourceDecl {
    pub type_name: Ident,
    pub name: ResourceName,
    pub body: Block,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConfigBlock {
    pub name: Ident,
    pub body: Block,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ResourceName {
    /// `resource aws_vpc main`.
    Plain(Ident),
    /// `resource aws_subnet "public-${zone}"`: a name computed from loop variables.
    Template(Expr),
}

impl ResourceName {
    pub fn span(&self) -> Span {
        match self {
            ResourceName::Plain(ident) => ident.span,
            ResourceName::Template(expr) => expr.span,
        }
    }
}

/// The body of a resource or of one of its nested blocks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Block {
    pub entries: Vec<BlockEntry>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum BlockEntry {
    Attribute { name: Ident, value: Expr },
    Block { name: Ident, body: Block },
}

impl BlockEntry {
    pub fn name(&self) -> &Ident {
        match self {
            BlockEntry::Attribute { name, .. } | BlockEntry::Block { name, .. } => name,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ForStmt {
    pub var: Ident,
    pub index: Option<Ident>,
    pub iterable: Expr,
    pub body: Vec<Stmt>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IfStmt {
    pub condition: Expr,
    pub body: Vec<Stmt>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssertStmt {
    pub condition: Expr,
    pub message: Expr,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutputDecl {
    pub name: Ident,
    pub value: Expr,
}

/// A Terraform input variable: a value chosen at deploy time, such as an image tag.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VariableDecl {
    pub name: Ident,
    pub ty: TypeExpr,
    pub default: Option<Expr>,
}

/// A type as written: `String`, `List<Zone>`, `Bucket?`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TypeExpr {
    pub name: Ident,
    pub args: Vec<TypeExpr>,
    pub optional: bool,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

impl Expr {
    /// The expressions directly inside this one, in source order, for walkers that treat
    /// most forms alike.
    pub fn children(&self) -> Vec<&Expr> {
        match &self.kind {
            ExprKind::Bool(_)
            | ExprKind::Null
            | ExprKind::Number(_)
            | ExprKind::Quantity { .. }
            | ExprKind::Cidr(_)
            | ExprKind::Name(_)
            | ExprKind::DataType(_) => Vec::new(),
            ExprKind::Str(parts) => parts
                .iter()
                .filter_map(|part| match part {
                    StrPart::Interpolation(inner) => Some(inner),
                    StrPart::Text(_) => None,
                })
                .collect(),
            ExprKind::List(items) => items.iter().collect(),
            ExprKind::Record(fields) | ExprKind::Construct { fields, .. } => {
                fields.iter().map(|field| &field.value).collect()
            }
            ExprKind::Field { target, .. } => vec![target],
            ExprKind::Index { target, index } => vec![target, index],
            ExprKind::Call { args, .. } => args.iter().map(|arg| &arg.value).collect(),
            ExprKind::Unary { operand, .. } | ExprKind::Paren(operand) => vec![operand],
            ExprKind::Binary { left, right, .. }
            | ExprKind::Range {
                start: left,
                end: right,
            } => {
                vec![left, right]
            }
            ExprKind::If {
                condition,
                then,
                otherwise,
            } => vec![condition, then, otherwise],
            ExprKind::Match { scrutinee, arms } => std::iter::once(&**scrutinee)
                .chain(arms.iter().map(|arm| &arm.value))
                .collect(),
            ExprKind::Comprehension {
                iterable,
                body,
                filter,
                ..
            } => {
                let mut children = vec![&**iterable, &**body];
                children.extend(filter.as_deref());
                children
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Unit {
    Vcpu,
    Megabytes,
    Gigabytes,
    Mebibytes,
    Gibibytes,
    Days,
    Percent,
}

impl Unit {
    pub fn from_suffix(suffix: &str) -> Option<Unit> {
        Some(match suffix {
            "vcpu" => Unit::Vcpu,
            "MB" => Unit::Megabytes,
            "GB" => Unit::Gigabytes,
            "MiB" => Unit::Mebibytes,
            "GiB" => Unit::Gibibytes,
            "days" | "day" => Unit::Days,
            "%" => Unit::Percent,
            _ => return None,
        })
    }

    pub fn suffix(self) -> &'static str {
        match self {
            Unit::Vcpu => "vcpu",
            Unit::Megabytes => "MB",
            Unit::Gigabytes => "GB",
            Unit::Mebibytes => "MiB",
            Unit::Gibibytes => "GiB",
            Unit::Days => "days",
            Unit::Percent => "%",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum BinaryOp {
    Or,
    And,
    Eq,
    NotEq,
    Less,
    LessEq,
    Greater,
    GreaterEq,
    Add,
    Sub,
    Mul,
    Div,
}

impl BinaryOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Or => "||",
            BinaryOp::And => "&&",
            BinaryOp::Eq => "==",
            BinaryOp::NotEq => "!=",
            BinaryOp::Less => "<",
            BinaryOp::LessEq => "<=",
            BinaryOp::Greater => ">",
            BinaryOp::GreaterEq => ">=",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum UnaryOp {
    Not,
    Neg,
}

/// One piece of a string literal: text, or an interpolated expression.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum StrPart {
    Text(String),
    Interpolation(Expr),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldInit {
    pub doc: Option<String>,
    pub key: Ident,
    pub value: Expr,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Argument {
    pub name: Option<Ident>,
    pub value: Expr,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatchArm {
    /// `None` is the wildcard `_`.
    pub pattern: Option<Ident>,
    pub pattern_span: Span,
    pub value: Expr,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ExprKind {
    Bool(bool),
    Null,
    /// A number as written, so that `0.5` and `512` keep their text for formatting.
    Number(f64),
    Quantity {
        value: f64,
        unit: Unit,
    },
    Cidr(String),
    Str(Vec<StrPart>),
    Name(Ident),
    /// `data.TYPE`, followed by `.name.attribute`.
    DataType(Ident),
    List(Vec<Expr>),
    Record(Vec<FieldInit>),
    /// `Name { field = value }`: a record of a declared type, or a module instance.
    Construct {
        name: Ident,
        fields: Vec<FieldInit>,
    },
    Field {
        target: Box<Expr>,
        field: Ident,
    },
    Index {
        target: Box<Expr>,
        index: Box<Expr>,
    },
    Call {
        function: Ident,
        args: Vec<Argument>,
    },
    Unary {
        op: UnaryOp,
        operand: Box<Expr>,
    },
    Binary {
        op: BinaryOp,
        left: Box<Expr>,
        right: Box<Expr>,
    },
    Range {
        start: Box<Expr>,
        end: Box<Expr>,
    },
    If {
        condition: Box<Expr>,
        then: Box<Expr>,
        otherwise: Box<Expr>,
    },
    Match {
        scrutinee: Box<Expr>,
        arms: Vec<MatchArm>,
    },
    Comprehension {
        var: Ident,
        index: Option<Ident>,
        iterable: Box<Expr>,
        body: Box<Expr>,
        filter: Option<Box<Expr>>,
    },
    Paren(Box<Expr>),
}

//! Where the cursor is, read from the tokens around it rather than from the syntax
//! tree, so that completion works in files that do not parse: an environment's body
//! with a half-written field, a resource block left open, a `.` with nothing after it.
//!
//! The tokens of the item around the cursor are read from its start with a stack of
//! open brackets; each bracket learns what it opens from the tokens before it
//! (`env prod = fargate_rag {` opens an environment's body). The entry being written in
//! the innermost bracket (since the last `,`, line break or bracket) tells a key from a
//! value.

use super::lexer::{item_start, tokenize, Token, TokenKind};

/// Whose keys a braced body holds.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Owner {
    /// `env NAME = MODULE { ... }`: the module's parameters.
    Env {
        module: String,
    },
    /// `NAME { ... }` in an expression: a record type's fields or a module's parameters.
    Construct {
        name: String,
    },
    /// `{ ... }` whose type comes from where it is written.
    Record {
        expected: Box<Expected>,
    },
    /// A resource or data source body, or a nested block inside one.
    Resource {
        data: bool,
        type_name: String,
        path: Vec<String>,
    },
    Provider,
    Backend,
}

/// Where the type a value should have comes from.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Expected {
    None,
    /// The type of key `key` of `owner`.
    Key {
        owner: Owner,
        key: String,
    },
    /// An element of a list of the expected type.
    Element(Box<Expected>),
    /// A type written in the text (`let x: Type = ...`).
    Annotation(String),
    /// Argument `index` (or the one named `name`) of a call.
    Argument {
        function: String,
        index: usize,
        name: Option<String>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ChainPart {
    Name(String),
    Index,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Position {
    /// Nowhere to complete: a comment, a string, a name being declared.
    Nothing,
    /// Inside `import "..."`; `typed` is what precedes the cursor in the string.
    ImportPath { typed: String },
    /// Where a top-level item starts.
    TopLevel,
    /// Where a statement of a module body starts.
    Statement,
    /// After `resource` or `data`.
    ResourceType { data: bool },
    /// After `env NAME =`.
    ModuleName,
    /// After `:` in a parameter, field or `let`.
    TypeName,
    /// Where a key of a braced body goes; `set` are the keys already written.
    Keys { owner: Owner, set: Vec<String> },
    /// Where a value goes.
    Value { expected: Expected },
    /// After `a.b.`.
    AfterDot { chain: Vec<ChainPart> },
    /// After a number.
    Unit,
}

/// A name bound inside the item around the cursor, read from the text.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TextLocal {
    pub name: String,
    pub kind: LocalKind,
    pub ty: LocalTy,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LocalKind {
    Param,
    Let,
    LoopVar,
    Variable,
}

/// What the text says about a local's type.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum LocalTy {
    Unknown,
    /// A written type: `Service`, `List<Zone>`.
    Written(String),
    /// `let x = NAME { ... }`.
    Construct(String),
    /// `let x = NAME(...)`.
    Call(String),
}

#[derive(Debug, Clone)]
pub(crate) struct CursorContext {
    /// The part of a name already typed before the cursor.
    pub prefix: String,
    /// Where the completion replaces text.
    pub replace: (usize, usize),
    pub position: Position,
    /// Names bound in the enclosing module or function.
    pub locals: Vec<TextLocal>,
    /// Resources and data sources declared in the enclosing module: (data, type, name).
    pub resources: Vec<(bool, String, String)>,
    /// The cursor is inside a module body (where resource types are values).
    pub in_module: bool,
}

#[derive(Debug, Clone, PartialEq)]
enum FrameKind {
    Top,
    /// A statement body: a module's, a `for`'s or an `if`'s.
    Body,
    Keys(Owner),
    Call {
        function: String,
    },
    List {
        expected: Expected,
    },
    /// `( ... )`, `[ ... ]` after a name, `${ ... }`.
    Group,
    /// Module or function parameters, or the fields of a `type`.
    Params,
    /// `if c { ... } else { ... }` in an expression, or a `match` body.
    ExprBlock {
        expected: Expected,
    },
    Enum,
    Str,
}

#[derive(Debug, Clone)]
struct Frame {
    kind: FrameKind,
    /// Index of the first token of the entry being written.
    entry_start: usize,
    /// Arguments seen so far, for calls.
    commas: usize,
}

impl Frame {
    fn new(kind: FrameKind, entry_start: usize) -> Frame {
        Frame {
            kind,
            entry_start,
            commas: 0,
        }
    }

    /// Whether a line break ends an entry here.
    fn lines_are_entries(&self) -> bool {
        matches!(
            self.kind,
            FrameKind::Top
                | FrameKind::Body
                | FrameKind::Keys(_)
                | FrameKind::Params
                | FrameKind::Enum
                | FrameKind::ExprBlock { .. }
        )
    }
}

const KEYWORDS: &[&str] = &[
    "import", "let", "fn", "enum", "type", "module", "resource", "data", "provider", "backend",
    "for", "in", "if", "else", "match", "assert", "output", "variable", "env", "true", "false",
    "null",
];

fn is_name(token: &Token<'_>) -> bool {
    token.is_ident() && !KEYWORDS.contains(&token.text)
}

/// Reads the context of the cursor at byte `offset` of `text`.
pub(crate) fn cursor_context(text: &str, offset: usize) -> CursorContext {
    let offset = clamp(text, offset);
    let all_tokens = tokenize(text);
    let start = item_start(&all_tokens, text, offset);
    let item_tokens: Vec<Token<'_>> = all_tokens
        .iter()
        .copied()
        .filter(|token| token.start >= start)
        // The item ends where the next one starts.
        .take_while(|token| !(token.start >= offset && super::lexer::starts_item(token, text)))
        .collect();

    let (prefix_start, prefix) = typed_prefix(text, offset);
    let mut context = CursorContext {
        prefix: prefix.to_string(),
        replace: (prefix_start, offset),
        position: Position::Nothing,
        locals: Vec::new(),
        resources: Vec::new(),
        in_module: false,
    };
    let in_comment = item_tokens
        .iter()
        .any(|t| t.is_trivia() && t.start < offset && offset <= t.end);
    if in_comment {
        return context;
    }
    let before: Vec<Token<'_>> = item_tokens
        .iter()
        .copied()
        .filter(|token| token.end <= prefix_start && !token.is_trivia())
        .collect();
    let frames = frames(&before);
    let Some(frame) = frames.last() else {
        return context;
    };
    context.in_module = item_tokens.first().is_some_and(|t| t.is("module"))
        || item_tokens
            .iter()
            .find(|t| !t.is_trivia())
            .is_some_and(|t| t.is("module"));
    let first_word = item_tokens.iter().find(|t| !t.is_trivia()).map(|t| t.text);
    if matches!(first_word, Some("module" | "fn")) {
        let meaningful: Vec<Token<'_>> = item_tokens
            .iter()
            .copied()
            .filter(|t| !t.is_trivia())
            .collect();
        context.locals = locals(&meaningful, offset);
        context.resources = resources(&meaningful);
    }

    // The string the cursor is in: an import path, or nothing to complete.
    if frame.kind == FrameKind::Str {
        let entry = &before[frame_parent_entry(&frames, &before)..];
        if entry.first().is_some_and(|t| t.is("import")) {
            let opened = entry.iter().rev().find(|t| t.kind == TokenKind::StrOpen);
            if let Some(open) = opened {
                context.replace = (open.end, offset);
                context.prefix = text[open.end..offset].to_string();
                context.position = Position::ImportPath {
                    typed: context.prefix.clone(),
                };
            }
        }
        return context;
    }

    // A number being typed, perhaps followed by the start of a unit (`2G`).
    if prefix.starts_with(|ch: char| ch.is_ascii_digit()) {
        let digits = prefix
            .find(|ch: char| !(ch.is_ascii_digit() || ch == '.'))
            .unwrap_or(prefix.len());
        if digits < prefix.len() {
            context.prefix = prefix[digits..].to_string();
            context.replace = (prefix_start + digits, offset);
            context.position = Position::Unit;
        }
        return context;
    }

    let mut entry: &[Token<'_>] = &before[frame.entry_start.min(before.len())..];
    let gap = before
        .last()
        .map_or("", |last| &text[last.end..prefix_start]);
    if frame.lines_are_entries() && gap.contains('\n') && !continues(entry.last()) {
        entry = &[];
    }
    if let Some(last) = entry.last() {
        if last.kind == TokenKind::Number && !gap.contains('\n') {
            context.position = Position::Unit;
            return context;
        }
        if last.is(".") && gap.is_empty() {
            context.position = Position::AfterDot {
                chain: chain_before(&entry[..entry.len() - 1]),
            };
            return context;
        }
    }
    context.position = position_in(frame, entry, &frames, &before);
    if let Position::Keys { owner, .. } = &context.position {
        let set = keys_set(&before, frame, &item_tokens, prefix_start, offset);
        context.position = Position::Keys {
            owner: owner.clone(),
            set,
        };
    }
    context
}

fn clamp(text: &str, mut offset: usize) -> usize {
    offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// The name characters right before `offset`: (where they start, the text).
fn typed_prefix(text: &str, offset: usize) -> (usize, &str) {
    let bytes = text.as_bytes();
    let mut start = offset;
    while start > 0 && (bytes[start - 1].is_ascii_alphanumeric() || bytes[start - 1] == b'_') {
        start -= 1;
    }
    (start, &text[start..offset])
}

/// Whether an entry ending with `token` goes on to the next line (`a =`, `x +`).
fn continues(token: Option<&Token<'_>>) -> bool {
    token.is_some_and(|t| {
        t.kind == TokenKind::Punct
            && matches!(
                t.text,
                "=" | "+"
                    | "-"
                    | "*"
                    | "/"
                    | "=="
                    | "!="
                    | "&&"
                    | "||"
                    | "<"
                    | ">"
                    | "<="
                    | ">="
                    | "=>"
                    | ":"
                    | ".."
            )
    })
}

/// Index (in `before`) where the entry holding the innermost frame's opener starts.
fn frame_parent_entry(frames: &[Frame], _before: &[Token<'_>]) -> usize {
    match frames.len() {
        0 | 1 => 0,
        n => frames[n - 2].entry_start,
    }
}

/// Replays the tokens before the cursor and returns the stack of open brackets.
fn frames(tokens: &[Token<'_>]) -> Vec<Frame> {
    let mut frames = vec![Frame::new(FrameKind::Top, 0)];
    for (index, token) in tokens.iter().enumerate() {
        let Some(frame) = frames.last_mut() else {
            frames.push(Frame::new(FrameKind::Top, index));
            continue;
        };
        // An unterminated string ends with its line.
        if frame.kind == FrameKind::Str && token.newline_before {
            frames.pop();
        }
        let Some(frame) = frames.last_mut() else {
            continue;
        };
        if frame.lines_are_entries() && token.newline_before {
            let previous = index.checked_sub(1).and_then(|at| tokens.get(at));
            if index > frame.entry_start && !continues(previous) && !token.is("else") {
                frame.entry_start = index;
            }
        }
        match token.kind {
            TokenKind::StrOpen => frames.push(Frame::new(FrameKind::Str, index + 1)),
            TokenKind::StrClose if frames.last().is_some_and(|f| f.kind == FrameKind::Str) => {
                frames.pop();
            }
            TokenKind::InterpOpen => frames.push(Frame::new(FrameKind::Group, index + 1)),
            TokenKind::InterpClose => {
                frames.pop();
            }
            TokenKind::Punct => match token.text {
                "{" | "(" | "[" => {
                    let kind = opened_frame(&frames, tokens, index);
                    frames.push(Frame::new(kind, index + 1));
                }
                "}" | ")" | "]" if frames.len() > 1 => {
                    frames.pop();
                }
                "," => {
                    if let Some(frame) = frames.last_mut() {
                        frame.entry_start = index + 1;
                        frame.commas += 1;
                    }
                }
                _ => {}
            },
            _ => {}
        }
    }
    frames
}

/// What the bracket at `tokens[index]` opens, from the entry before it.
fn opened_frame(frames: &[Frame], tokens: &[Token<'_>], index: usize) -> FrameKind {
    let Some(frame) = frames.last() else {
        return FrameKind::Group;
    };
    let entry = &tokens[frame.entry_start.min(index)..index];
    let bracket = tokens[index].text;
    let previous = entry.last();
    let first = entry.first().map_or("", |t| t.text);
    let has_equals = entry.iter().any(|t| t.is("="));

    // Headers of items and statements.
    match (&frame.kind, bracket) {
        (FrameKind::Top, "(") if matches!(first, "module" | "fn") && entry.len() == 2 => {
            return FrameKind::Params
        }
        (FrameKind::Top, "{") if first == "module" => return FrameKind::Body,
        (FrameKind::Top, "{") if first == "enum" => return FrameKind::Enum,
        (FrameKind::Top, "{") if first == "type" => return FrameKind::Params,
        (FrameKind::Top, "{") if first == "env" && !has_equals_after_module(entry) => {
            let module = entry.get(3).filter(|t| is_name(t)).map_or("", |t| t.text);
            return FrameKind::Keys(Owner::Env {
                module: module.to_string(),
            });
        }
        (FrameKind::Body, "{") if !has_equals => match first {
            "resource" | "data" => {
                let type_name = entry.get(1).map_or("", |t| t.text);
                return FrameKind::Keys(Owner::Resource {
                    data: first == "data",
                    type_name: type_name.to_string(),
                    path: Vec::new(),
                });
            }
            "provider" => return FrameKind::Keys(Owner::Provider),
            "backend" => return FrameKind::Keys(Owner::Backend),
            "for" | "if" => return FrameKind::Body,
            _ => {}
        },
        (FrameKind::Keys(owner), "{") if !has_equals && entry.len() == 1 => {
            let name = entry[0].text.to_string();
            return FrameKind::Keys(match owner {
                Owner::Resource {
                    data,
                    type_name,
                    path,
                } => {
                    let mut path = path.clone();
                    path.push(name);
                    Owner::Resource {
                        data: *data,
                        type_name: type_name.clone(),
                        path,
                    }
                }
                other => other.clone(),
            });
        }
        _ => {}
    }

    // Anything else opens an expression.
    let expected = value_expected(frame, entry, frames);
    let value: &[Token<'_>] = match entry.iter().rposition(|t| t.is("=")) {
        Some(at) if !matches!(frame.kind, FrameKind::Call { .. }) || has_equals => &entry[at + 1..],
        _ => entry,
    };
    match bracket {
        "(" => match previous {
            Some(name) if is_name(name) && name.end == tokens[index].start => FrameKind::Call {
                function: name.text.to_string(),
            },
            _ => FrameKind::Group,
        },
        "[" => match previous {
            Some(prev)
                if prev.end == tokens[index].start
                    && (is_name(prev) || prev.is("]") || prev.is(")")) =>
            {
                FrameKind::Group
            }
            _ => FrameKind::List { expected },
        },
        _ => {
            let opened_blocks = value.iter().filter(|t| t.is("{")).count();
            let starts_control = value.first().is_some_and(|t| t.is("if") || t.is("match"));
            if previous.is_some_and(|t| t.is("else")) || (starts_control && opened_blocks == 0) {
                FrameKind::ExprBlock { expected }
            } else if let Some(name) = previous.filter(|t| is_name(t)) {
                FrameKind::Keys(Owner::Construct {
                    name: name.text.to_string(),
                })
            } else {
                FrameKind::Keys(Owner::Record {
                    expected: Box::new(expected),
                })
            }
        }
    }
}

/// `env a = m {`: true when something other than a module name follows the `=`.
fn has_equals_after_module(entry: &[Token<'_>]) -> bool {
    entry.len() != 4
}

/// The type a value written in `entry` of `frame` should have.
fn value_expected(frame: &Frame, entry: &[Token<'_>], frames: &[Frame]) -> Expected {
    let _ = frames;
    match &frame.kind {
        FrameKind::Keys(owner) => match entry {
            [key, equals, ..] if equals.is("=") => Expected::Key {
                owner: owner.clone(),
                key: key.text.to_string(),
            },
            _ => Expected::None,
        },
        FrameKind::Call { function } => {
            let name = match entry {
                [name, equals, ..] if equals.is("=") && is_name(name) => {
                    Some(name.text.to_string())
                }
                _ => None,
            };
            Expected::Argument {
                function: function.clone(),
                index: frame.commas,
                name,
            }
        }
        FrameKind::List { expected } => Expected::Element(Box::new(expected.clone())),
        FrameKind::ExprBlock { expected } => expected.clone(),
        FrameKind::Top | FrameKind::Body => {
            // `let x: Type = ...`
            match entry {
                [keyword, _, colon, rest @ ..] if keyword.is("let") && colon.is(":") => {
                    let end = rest.iter().position(|t| t.is("=")).unwrap_or(rest.len());
                    Expected::Annotation(rest[..end].iter().map(|t| t.text).collect())
                }
                _ => Expected::None,
            }
        }
        _ => Expected::None,
    }
}

/// The position for the tokens `entry` written so far in `frame`.
fn position_in(
    frame: &Frame,
    entry: &[Token<'_>],
    frames: &[Frame],
    before: &[Token<'_>],
) -> Position {
    let _ = before;
    let words: Vec<&str> = entry.iter().map(|t| t.text).collect();
    let value = || Position::Value {
        expected: value_expected(frame, entry, frames),
    };
    let after_colon = || {
        let colon = entry.iter().rposition(|t| t.is(":"));
        let equals = entry.iter().rposition(|t| t.is("="));
        match (colon, equals) {
            (Some(c), None) => Some(c),
            (Some(c), Some(e)) if c > e => Some(c),
            _ => None,
        }
    };
    match &frame.kind {
        FrameKind::Top => match words.as_slice() {
            [] => Position::TopLevel,
            ["env", _, "="] => Position::ModuleName,
            ["let", ..] | ["fn", ..] => {
                if words.contains(&"=") {
                    value()
                } else if after_colon().is_some() || words.last() == Some(&":") {
                    Position::TypeName
                } else {
                    Position::Nothing
                }
            }
            _ => Position::Nothing,
        },
        FrameKind::Body => match words.as_slice() {
            [] => Position::Statement,
            ["resource"] => Position::ResourceType { data: false },
            ["data"] => Position::ResourceType { data: true },
            ["let" | "variable", ..] if !words.contains(&"=") => {
                if after_colon().is_some() {
                    Position::TypeName
                } else {
                    Position::Nothing
                }
            }
            ["let" | "output" | "variable", ..] => value(),
            ["for", ..] if words.contains(&"in") => value(),
            ["if" | "assert", ..] => value(),
            _ => Position::Nothing,
        },
        FrameKind::Keys(owner) => {
            if entry.is_empty() {
                Position::Keys {
                    owner: owner.clone(),
                    set: Vec::new(),
                }
            } else if words.get(1) == Some(&"=") {
                value()
            } else {
                Position::Nothing
            }
        }
        FrameKind::Params => {
            if after_colon().is_some() {
                Position::TypeName
            } else if let Some(equals) = entry.iter().rposition(|t| t.is("=")) {
                let colon = entry[..equals].iter().rposition(|t| t.is(":"));
                let written: String = colon
                    .map(|c| entry[c + 1..equals].iter().map(|t| t.text).collect())
                    .unwrap_or_default();
                Position::Value {
                    expected: Expected::Annotation(written),
                }
            } else {
                Position::Nothing
            }
        }
        FrameKind::Enum | FrameKind::Str => Position::Nothing,
        FrameKind::Call { .. }
        | FrameKind::List { .. }
        | FrameKind::Group
        | FrameKind::ExprBlock { .. } => value(),
    }
}

/// The names before a `.`: `service.image` gives `[service, image]`.
fn chain_before(tokens: &[Token<'_>]) -> Vec<ChainPart> {
    let mut chain = Vec::new();
    let mut at = tokens.len();
    while let Some(last) = at.checked_sub(1).and_then(|i| tokens.get(i)) {
        if last.is_ident() {
            chain.push(ChainPart::Name(last.text.to_string()));
            at -= 1;
        } else if last.is("]") {
            // Skip back to the matching `[`.
            let mut depth = 0;
            let mut found = None;
            for index in (0..at).rev() {
                if tokens[index].is("]") {
                    depth += 1;
                } else if tokens[index].is("[") {
                    depth -= 1;
                    if depth == 0 {
                        found = Some(index);
                        break;
                    }
                }
            }
            let Some(open) = found else { break };
            chain.push(ChainPart::Index);
            at = open;
            continue;
        } else {
            break;
        }
        match at.checked_sub(1).and_then(|i| tokens.get(i)) {
            Some(dot) if dot.is(".") => at -= 1,
            _ => break,
        }
    }
    chain.reverse();
    // An index must follow a name.
    while chain.first() == Some(&ChainPart::Index) {
        chain.remove(0);
    }
    chain
}

/// The keys already written in the body the cursor is in, before and after it.
fn keys_set(
    before: &[Token<'_>],
    frame: &Frame,
    item_tokens: &[Token<'_>],
    prefix_start: usize,
    offset: usize,
) -> Vec<String> {
    let body_start = frame.entry_start;
    let opener = before[..body_start.min(before.len())]
        .iter()
        .rposition(|t| t.is("{") || t.is(","));
    let _ = opener;
    // Find where this body opened: walk back from the cursor to the unmatched `{`.
    let mut depth = 0i32;
    let mut open_index = None;
    for (index, token) in before.iter().enumerate().rev() {
        match token.text {
            "}" | ")" | "]" if token.kind == TokenKind::Punct => depth += 1,
            "{" | "(" | "[" if token.kind == TokenKind::Punct => {
                if depth == 0 {
                    open_index = Some(index);
                    break;
                }
                depth -= 1;
            }
            _ => {}
        }
    }
    let Some(open_index) = open_index else {
        return Vec::new();
    };
    let open_at = before[open_index].end;
    let body: Vec<Token<'_>> = item_tokens
        .iter()
        .copied()
        .filter(|t| {
            t.start >= open_at
                && !t.is_trivia()
                && !(t.start >= prefix_start && t.end <= offset.max(prefix_start))
        })
        .collect();
    let mut keys = Vec::new();
    let mut depth = 0i32;
    let mut entry_start = true;
    for (index, token) in body.iter().enumerate() {
        if token.kind == TokenKind::Punct {
            match token.text {
                "{" | "(" | "[" => depth += 1,
                "}" | ")" | "]" => {
                    if depth == 0 {
                        break;
                    }
                    depth -= 1;
                }
                _ => {}
            }
        }
        if depth == 0 && (entry_start || token.newline_before) && token.is_ident() {
            if let Some(next) = body.get(index + 1) {
                if next.is("=") || next.is("{") {
                    keys.push(token.text.to_string());
                }
            }
        }
        entry_start = depth == 0 && (token.is(",") || token.is("{") && index == 0);
    }
    keys
}

/// The index of the innermost `{` around each token, and the index of each `{`'s `}`.
fn braces(tokens: &[Token<'_>]) -> (Vec<Option<usize>>, Vec<Option<usize>>) {
    let mut open: Vec<usize> = Vec::new();
    let mut enclosing = Vec::with_capacity(tokens.len());
    let mut close = vec![None; tokens.len()];
    for (at, token) in tokens.iter().enumerate() {
        if token.is("}") {
            if let Some(opened) = open.pop() {
                close[opened] = Some(at);
            }
        }
        enclosing.push(open.last().copied());
        if token.is("{") {
            open.push(at);
        }
    }
    (enclosing, close)
}

/// Parameters, `let`s, loop variables and Terraform variables of a module or function
/// that the cursor at `offset` sees. A `let` or variable of a `for` or `if` body is seen
/// after it in that body only, and a loop variable in its loop's body only, as the
/// checker reads them (docs/language.md); those of the module body everywhere in it.
fn locals(tokens: &[Token<'_>], offset: usize) -> Vec<TextLocal> {
    let (enclosing, close) = braces(tokens);
    let module_body = tokens.iter().position(|t| t.is("{"));
    // The cursor is inside the body opened at `open`.
    let inside = |open: usize| {
        tokens[open].start < offset && close[open].is_none_or(|end| offset <= tokens[end].start)
    };
    let seen_at = |at: usize| match enclosing[at] {
        Some(open) if Some(open) != module_body => tokens[at].start < offset && inside(open),
        _ => true,
    };
    let mut locals = Vec::new();
    let mut push = |name: &str, kind: LocalKind, ty: LocalTy| {
        if !locals.iter().any(|l: &TextLocal| l.name == name) {
            locals.push(TextLocal {
                name: name.to_string(),
                kind,
                ty,
            });
        }
    };
    // Parameters: `NAME : TYPE` at depth 1 of the header's parentheses.
    if let Some(open) = tokens.iter().position(|t| t.is("(")) {
        let mut depth = 0;
        let mut at = open;
        while at < tokens.len() {
            let token = &tokens[at];
            match token.text {
                "(" | "[" | "{" if token.kind == TokenKind::Punct => depth += 1,
                ")" | "]" | "}" if token.kind == TokenKind::Punct => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                _ => {}
            }
            if depth == 1 && is_name(token) && tokens.get(at + 1).is_some_and(|t| t.is(":")) {
                let written = type_tokens(&tokens[at + 2..]);
                push(token.text, LocalKind::Param, LocalTy::Written(written));
            }
            at += 1;
        }
    }
    for (at, token) in tokens.iter().enumerate().skip(1) {
        let next = |n: usize| tokens.get(at + n);
        if !seen_at(at) {
            continue;
        }
        if token.is("let") {
            let Some(name) = next(1).filter(|t| is_name(t)) else {
                continue;
            };
            let ty = if next(2).is_some_and(|t| t.is(":")) {
                LocalTy::Written(type_tokens(&tokens[at + 3..]))
            } else if next(2).is_some_and(|t| t.is("=")) {
                match (next(3), next(4)) {
                    (Some(value), Some(open)) if is_name(value) && open.is("{") => {
                        LocalTy::Construct(value.text.to_string())
                    }
                    (Some(value), Some(open)) if is_name(value) && open.is("(") => {
                        LocalTy::Call(value.text.to_string())
                    }
                    _ => LocalTy::Unknown,
                }
            } else {
                LocalTy::Unknown
            };
            push(name.text, LocalKind::Let, ty);
        } else if token.is("variable") {
            if let Some(name) = next(1).filter(|t| is_name(t)) {
                let ty = if next(2).is_some_and(|t| t.is(":")) {
                    LocalTy::Written(type_tokens(&tokens[at + 3..]))
                } else {
                    LocalTy::Unknown
                };
                push(name.text, LocalKind::Variable, ty);
            }
        } else if token.is("for") {
            // A `for` statement's variables are seen in its body only; a comprehension's
            // (after `[`) wherever the cursor is.
            let statement = !tokens[at - 1].is("[");
            let body =
                (at..tokens.len()).find(|&b| tokens[b].is("{") && enclosing[b] == enclosing[at]);
            if statement && body.is_some_and(|open| !inside(open)) {
                continue;
            }
            if let Some(name) = next(1).filter(|t| is_name(t)) {
                push(name.text, LocalKind::LoopVar, LocalTy::Unknown);
                if next(2).is_some_and(|t| t.is(",")) {
                    if let Some(index) = next(3).filter(|t| is_name(t)) {
                        push(
                            index.text,
                            LocalKind::LoopVar,
                            LocalTy::Written("Int".into()),
                        );
                    }
                }
            }
        }
    }
    locals
}

/// The text of a type starting at `tokens[0]`: a name, `<...>` and `?`.
fn type_tokens(tokens: &[Token<'_>]) -> String {
    let mut text = String::new();
    let Some(first) = tokens.first().filter(|t| t.is_ident()) else {
        return text;
    };
    text.push_str(first.text);
    let mut at = 1;
    if tokens.get(1).is_some_and(|t| t.is("<")) {
        let mut depth = 0;
        while let Some(token) = tokens.get(at) {
            if token.is("<") {
                depth += 1;
            } else if token.is(">") {
                depth -= 1;
            }
            text.push_str(token.text);
            if token.is(",") {
                text.push(' ');
            }
            at += 1;
            if depth == 0 {
                break;
            }
        }
    }
    if tokens.get(at).is_some_and(|t| t.is("?")) {
        text.push('?');
    }
    text
}

/// Resources and data sources declared in a module: (data, type, name).
fn resources(tokens: &[Token<'_>]) -> Vec<(bool, String, String)> {
    let mut found = Vec::new();
    for (at, token) in tokens.iter().enumerate() {
        if !(token.is("resource") || token.is("data")) {
            continue;
        }
        let (Some(type_name), Some(name)) = (tokens.get(at + 1), tokens.get(at + 2)) else {
            continue;
        };
        if type_name.is_ident() && is_name(name) && tokens.get(at + 3).is_some_and(|t| t.is("{")) {
            found.push((
                token.is("data"),
                type_name.text.to_string(),
                name.text.to_string(),
            ));
        } else if type_name.is_ident() && name.kind == TokenKind::StrOpen {
            // A computed name: the type still counts.
            found.push((token.is("data"), type_name.text.to_string(), String::new()));
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at_marker(text: &str) -> CursorContext {
        let offset = text.find('|').unwrap_or(text.len());
        let text = text.replacen('|', "", 1);
        cursor_context(&text, offset)
    }

    #[test]
    fn environment_keys_and_values() {
        let context = at_marker("env prod = fargate_rag {\n  zones = 3\n  na|\n}\n");
        assert_eq!(
            context.position,
            Position::Keys {
                owner: Owner::Env {
                    module: "fargate_rag".into()
                },
                set: vec!["zones".into()]
            }
        );
        assert_eq!(context.prefix, "na");
        let context = at_marker("env prod = fargate_rag {\n  nat = |\n");
        assert_eq!(
            context.position,
            Position::Value {
                expected: Expected::Key {
                    owner: Owner::Env {
                        module: "fargate_rag".into()
                    },
                    key: "nat".into()
                }
            }
        );
    }

    #[test]
    fn resource_bodies_nest() {
        let context = at_marker(
            "module m() {\n  resource aws_lb_target_group app {\n    health_check {\n      pa|\n",
        );
        assert_eq!(
            context.position,
            Position::Keys {
                owner: Owner::Resource {
                    data: false,
                    type_name: "aws_lb_target_group".into(),
                    path: vec!["health_check".into()]
                },
                set: vec![]
            }
        );
    }

    #[test]
    fn the_lets_of_a_for_body_are_seen_after_them_and_its_variable_inside_it() {
        let names = |text: &str| -> Vec<String> {
            let context = at_marker(text);
            context.locals.into_iter().map(|local| local.name).collect()
        };
        let module = "module m(zones: List<Zone>) {\n  let top = 1\n";
        let body = "  for zone in zones {\n    let b = |\n    let a = zone\n  }\n}";
        assert_eq!(
            names(&format!("{module}{body}")),
            ["zones", "top", "zone", "b"]
        );
        let after = "  for zone in zones {\n    let a = zone\n  }\n  output o = |\n}";
        assert_eq!(names(&format!("{module}{after}")), ["zones", "top"]);
    }

    #[test]
    fn dots_units_and_imports() {
        let context = at_marker("module m(s: Service) {\n  let x = s.image.|\n}");
        assert_eq!(
            context.position,
            Position::AfterDot {
                chain: vec![ChainPart::Name("s".into()), ChainPart::Name("image".into())]
            }
        );
        assert_eq!(
            context.locals,
            vec![
                TextLocal {
                    name: "s".into(),
                    kind: LocalKind::Param,
                    ty: LocalTy::Written("Service".into())
                },
                TextLocal {
                    name: "x".into(),
                    kind: LocalKind::Let,
                    ty: LocalTy::Unknown
                }
            ]
        );
        assert_eq!(
            at_marker("env a = b {\n  task = { cpu = 1 |").position,
            Position::Unit
        );
        assert_eq!(
            at_marker("import \"ap|").position,
            Position::ImportPath { typed: "ap".into() }
        );
        assert_eq!(at_marker("|").position, Position::TopLevel);
        assert_eq!(
            at_marker("module m() {\n  resource |").position,
            Position::ResourceType { data: false }
        );
    }
}

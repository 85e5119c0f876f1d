//! Turns pest's errors into diagnostics that speak the user's words: rule names are
//! replaced by what they mean ("a name", "an expression"), never shown raw.

use pest::error::{ErrorVariant, InputLocation};

use super::parser::Rule;
use crate::diagnostics::{Code, Diagnostic, FileId};
use crate::source::Span;

pub(super) fn describe_pest_error(
    file: FileId,
    chunk: &str,
    error: &pest::error::Error<Rule>,
) -> Diagnostic {
    let at = match error.location {
        InputLocation::Pos(at) => at,
        InputLocation::Span((start, _)) => start,
    };
    // An item that ends too early is reported where its text ends, not on the next item.
    let at_end = chunk[at..].trim().is_empty();
    let at = if at_end {
        chunk[..at].trim_end().len()
    } else {
        at
    };
    let end = match chunk[at..].char_indices().nth(1) {
        _ if at_end => at,
        Some((next, _)) => at + next,
        None => chunk.len(),
    };
    let span = Span::new(at, end);
    let word: String = chunk[at..]
        .chars()
        .take_while(|ch| ch.is_ascii_alphanumeric() || *ch == '_')
        .collect();
    let found = match chunk[at..].chars().next() {
        _ if at_end => "the end of this item".to_string(),
        None => "end of file".to_string(),
        Some('\n') => "end of line".to_string(),
        Some(_) if !word.is_empty() => format!("`{word}`"),
        Some(ch) => format!("`{ch}`"),
    };
    let expected = match &error.variant {
        ErrorVariant::ParsingError { positives, .. } => describe_expected(positives),
        // pest's own guard against deep recursion.
        ErrorVariant::CustomError { message } if message.contains("limit reached") => {
            return Diagnostic::new(
                Code::SyntaxError,
                file,
                span,
                "this item nests too deeply to read",
            )
            .with_help("split deeply nested expressions into several `let`s");
        }
        ErrorVariant::CustomError { message } => message.clone(),
    };
    let mut diagnostic = Diagnostic::new(
        Code::SyntaxError,
        file,
        span,
        format!("expected {expected}, found {found}"),
    )
    .with_label(format!("expected {expected}"));
    if let Some(help) = help_for(chunk, at) {
        diagnostic = diagnostic.with_help(help);
    }
    if at_end {
        if let Some((open, bracket)) = unclosed_bracket(&chunk[..at]) {
            diagnostic = diagnostic.with_secondary(
                file,
                Span::new(open, open + 1),
                format!("this `{bracket}` is never closed"),
            );
        }
    }
    diagnostic
}

/// The last opening bracket without its closing one, outside strings and comments.
fn unclosed_bracket(text: &str) -> Option<(usize, char)> {
    let mut open: Vec<(usize, char)> = Vec::new();
    let mut in_string = false;
    let mut chars = text.char_indices().peekable();
    while let Some((at, ch)) = chars.next() {
        match ch {
            '\\' if in_string => {
                chars.next();
            }
            '"' => in_string = !in_string,
            '\n' => in_string = false,
            '/' if !in_string && chars.peek().is_some_and(|(_, next)| *next == '/') => {
                while chars.peek().is_some_and(|(_, next)| *next != '\n') {
                    chars.next();
                }
            }
            '{' | '(' | '[' if !in_string => open.push((at, ch)),
            '}' | ')' | ']' if !in_string => {
                open.pop();
            }
            _ => {}
        }
    }
    open.pop()
}

fn describe_expected(rules: &[Rule]) -> String {
    let mut words: Vec<&str> = rules
        .iter()
        .flat_map(|rule| rule_words(*rule))
        .copied()
        .collect();
    words.sort_unstable();
    words.dedup();
    match words.as_slice() {
        [] => "the rest of this item, or a closing bracket".to_string(),
        [one] => (*one).to_string(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

/// What a rule stands for, in the words of an "expected ..." message; a rule that reads
/// one of several tokens stands for each of them.
fn rule_words(rule: Rule) -> &'static [&'static str] {
    match rule {
        Rule::EOI => &["end of file"],
        Rule::ident
        | Rule::name
        | Rule::named
        | Rule::if_named
        | Rule::attr_name => &["a name"],
        Rule::string | Rule::text | Rule::escape => &["a string"],
        // A doc comment may start almost anything; naming it would hide what is missing.
        Rule::doc => &[],
        Rule::import
        | Rule::let_decl
        | Rule::fn_decl
        | Rule::enum_decl
        | Rule::type_decl
        | Rule::module_decl
        | Rule::env_decl => &["a declaration (`import`, `let`, `fn`, `enum`, `type`, `module`, `env`)"],
        Rule::stmt
        | Rule::resource_decl
        | Rule::data_decl
        | Rule::provider_decl
        | Rule::backend_decl
        | Rule::for_stmt
        | Rule::if_stmt
        | Rule::assert_stmt
        | Rule::output_decl
        | Rule::variable_decl => &["a statement (`let`, `resource`, `data`, `provider`, `backend`, `for`, `if`, `assert`, `output`, `variable`)"],
        Rule::type_expr | Rule::optional_mark => &["a type"],
        Rule::param => &["a parameter"],
        Rule::field_decl | Rule::field_init | Rule::field_key => &["a field"],
        Rule::variant => &["an enum variant"],
        Rule::block_body | Rule::record_body => &["`{`"],
        Rule::block_entry => &["an argument or a nested block"],
        Rule::resource_name => &["a resource name"],
        Rule::infix_op => &["an operator"],
        Rule::unit => &["a unit (`vcpu`, `MB`, `GB`, `MiB`, `GiB`, `days`, `%`)"],
        Rule::match_arm | Rule::pattern | Rule::wildcard => &["a match arm (`variant => value`)"],
        Rule::argument => &["an argument"],
        Rule::suffix => &["`(`", "`{`"],
        Rule::postfix => &["`.`", "`[`"],
        _ => &["an expression"],
    }
}

/// A hint for the mistakes people make most.
fn help_for(chunk: &str, at: usize) -> Option<String> {
    let before = chunk[..at].trim_end();
    let after = chunk[at..].trim_start();
    let after_word = after.trim_start_matches(|ch: char| ch.is_ascii_alphanumeric() || ch == '_');
    let colon_after_name =
        after_word.trim_start().starts_with(':') && after_word.len() < after.len();
    if (after.starts_with(':') && before.ends_with(|ch: char| ch.is_alphanumeric()))
        || (colon_after_name && !before.ends_with('('))
    {
        return Some("fields are set with `=`, not `:` (`name = value`)".into());
    }
    let line = &chunk[chunk[..at].rfind('\n').map_or(0, |start| start + 1)..];
    let line = line.split('\n').next().unwrap_or_default();
    if line.matches('"').count() % 2 == 1 {
        return Some("a string is not closed on this line".into());
    }
    if after.is_empty() {
        return Some("a bracket or a string may be left open above".into());
    }
    if after.starts_with('\'') {
        return Some("strings are written with double quotes".into());
    }
    None
}

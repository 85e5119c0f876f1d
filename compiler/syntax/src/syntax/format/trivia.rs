//! The parts of the source that the syntax tree does not keep: `//` comments and blank
//! lines. The printer re-inserts them around the nodes it prints.

/// A `//` comment as found in the source (never a `///` doc comment, which the tree keeps).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Comment {
    /// Byte offset of the `//`.
    pub start: usize,
    /// The comment from `//` to the end of its line, without trailing whitespace.
    pub text: String,
    /// Code precedes the comment on its line, so it belongs at the end of that line.
    pub trailing: bool,
    /// The line above the comment is blank.
    pub blank_before: bool,
}

/// Where the lexer is: in code (counting braces, so that the `}` closing an interpolation
/// is recognised) or inside a string literal.
#[derive(Debug, Clone, Copy)]
enum Context {
    Code { depth: usize },
    Str,
}

/// Every `//` comment of `text`, in source order. Strings are skipped, including strings
/// nested in interpolations, but comments inside an interpolation's code are found: the
/// grammar allows them there.
pub(super) fn comments(text: &str) -> Vec<Comment> {
    let bytes = text.as_bytes();
    let mut contexts = vec![Context::Code { depth: 0 }];
    let mut found = Vec::new();
    let mut at = 0;
    while let Some(&byte) = bytes.get(at) {
        let next = bytes.get(at + 1).copied();
        match contexts.last().copied() {
            Some(Context::Str) => match byte {
                // An escape: the escaped character cannot end the string.
                b'\\' => at += 1,
                b'"' => {
                    contexts.pop();
                }
                b'$' if next == Some(b'{') => {
                    contexts.push(Context::Code { depth: 0 });
                    at += 1;
                }
                _ => {}
            },
            Some(Context::Code { depth }) => match byte {
                b'"' => contexts.push(Context::Str),
                b'/' if next == Some(b'/') => {
                    let end = line_end(text, at);
                    if !is_doc(text, at) {
                        found.push(comment(text, at, end));
                    }
                    at = end;
                    continue;
                }
                b'{' => set_depth(&mut contexts, depth + 1),
                b'}' if depth > 0 => set_depth(&mut contexts, depth - 1),
                // The `}` that closes an interpolation returns to its string.
                b'}' if contexts.len() > 1 => {
                    contexts.pop();
                }
                _ => {}
            },
            None => break,
        }
        at += 1;
    }
    found
}

fn set_depth(contexts: &mut [Context], depth: usize) {
    if let Some(last) = contexts.last_mut() {
        *last = Context::Code { depth };
    }
}

/// `///` followed by anything but a fourth `/` is a doc comment (see `rag.pest`).
fn is_doc(text: &str, at: usize) -> bool {
    let rest = text.get(at..).unwrap_or("");
    rest.starts_with("///") && !rest.starts_with("////")
}

fn comment(text: &str, start: usize, end: usize) -> Comment {
    let line_start = line_start(text, start);
    let before = text.get(line_start..start).unwrap_or("");
    Comment {
        start,
        text: text.get(start..end).unwrap_or("").trim_end().to_string(),
        trailing: !before.trim().is_empty(),
        blank_before: blank_line_above(text, line_start),
    }
}

/// The offset of the `\n` ending the line that holds `at`, or the end of the text.
pub(super) fn line_end(text: &str, at: usize) -> usize {
    let rest = text.get(at..).unwrap_or("");
    rest.find('\n').map_or(text.len(), |offset| at + offset)
}

/// The offset where the line holding `at` starts.
fn line_start(text: &str, at: usize) -> usize {
    let before = text.get(..at).unwrap_or("");
    before.rfind('\n').map_or(0, |newline| newline + 1)
}

/// Whether the line above the line starting at `line_start` holds only whitespace.
fn blank_line_above(text: &str, line_start: usize) -> bool {
    if line_start == 0 {
        return false;
    }
    let above_start = self::line_start(text, line_start - 1);
    let above = text.get(above_start..line_start - 1).unwrap_or("");
    above.trim().is_empty()
}

/// The first offset at or after `at` that is neither whitespace nor inside a comment
/// (`//` comments and `///` doc comments alike).
pub(super) fn skip_trivia(text: &str, mut at: usize) -> usize {
    loop {
        let rest = text.get(at..).unwrap_or("");
        let trimmed = rest.trim_start_matches([' ', '\t', '\r', '\n']);
        at += rest.len() - trimmed.len();
        if trimmed.starts_with("//") {
            at = line_end(text, at);
        } else {
            return at;
        }
    }
}

/// Whether the user left a blank line before the node starting at `start`, or before the
/// doc comment above it. Comment lines between the doc and the node are looked through,
/// since the printer moves such comments above the doc.
pub(super) fn blank_before_leading(text: &str, start: usize) -> bool {
    let mut line = line_start(text, start);
    if !text.get(line..start).unwrap_or("").trim().is_empty() {
        // The node does not start its line: there is no line above it to be blank.
        return false;
    }
    let mut first_line = line;
    while line > 0 {
        let above = line_start(text, line - 1);
        let content = text.get(above..line - 1).unwrap_or("").trim();
        if is_doc(content, 0) {
            first_line = above;
        } else if !(content.is_empty() || content.starts_with("//")) {
            break;
        }
        line = above;
    }
    blank_line_above(text, first_line)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<String> {
        comments(text).into_iter().map(|c| c.text).collect()
    }

    #[test]
    fn comments_skip_strings_and_docs_but_not_interpolated_code() {
        let text = "/// doc // not a comment\nlet a = \"// text ${ b // real\n } \\\" // text\" // end\n//// four\n";
        assert_eq!(texts(text), vec!["// real", "// end", "//// four"]);
    }

    #[test]
    fn comments_know_whether_they_trail_code_and_follow_a_blank_line() {
        let found = comments("let a = 1 // t\n\n  // own\n");
        assert!(found[0].trailing && !found[0].blank_before);
        assert!(!found[1].trailing && found[1].blank_before);
    }

    #[test]
    fn blank_lines_are_seen_through_docs_and_comments() {
        let text = "a\n\n/// doc\n// note\nlet b = 1\nlet c = 2\n";
        let at = |needle: &str| text.find(needle).unwrap_or(0);
        assert!(blank_before_leading(text, at("let b")));
        assert!(!blank_before_leading(text, at("let c")));
        assert!(!blank_before_leading(text, at("1")));
        assert_eq!(skip_trivia(text, 1), at("let b"));
        assert_eq!(skip_trivia(text, at("b = 1") + 1), at("= 1"));
    }
}

//! A forgiving tokenizer for editor features: it reads any text, including text the
//! parser rejects, and never fails. Completion reads the tokens around the cursor to
//! learn where it is (an environment's body, a resource block, after a `.`) without
//! needing the file to parse.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenKind {
    Ident,
    Number,
    /// An operator or bracket: `{`, `=`, `==`, `=>`, `..`, `.`, `%`.
    Punct,
    /// The `"` that opens a string.
    StrOpen,
    /// Text inside a string.
    StrText,
    /// The `"` that closes a string; missing when the line ends first.
    StrClose,
    /// `${` inside a string.
    InterpOpen,
    /// The `}` that closes an interpolation.
    InterpClose,
    Comment,
    DocComment,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Token<'t> {
    pub kind: TokenKind,
    pub text: &'t str,
    pub start: usize,
    pub end: usize,
    /// A line break comes between this token and the previous one.
    pub newline_before: bool,
    /// The token starts its line (only whitespace before it).
    pub at_line_start: bool,
}

impl Token<'_> {
    pub fn is(&self, text: &str) -> bool {
        matches!(self.kind, TokenKind::Ident | TokenKind::Punct) && self.text == text
    }

    pub fn is_ident(&self) -> bool {
        self.kind == TokenKind::Ident
    }

    pub fn is_trivia(&self) -> bool {
        matches!(self.kind, TokenKind::Comment | TokenKind::DocComment)
    }
}

const TWO_CHAR_PUNCT: &[&str] = &["==", "!=", "<=", ">=", "=>", "&&", "||", ".."];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Code inside `{ ... }` (or at top level): a `}` closes a brace.
    Brace,
    /// Code inside `${ ... }`: a `}` returns to the string.
    Interpolation,
}

/// Splits `text` into tokens; whitespace is dropped, comments are kept.
pub(crate) fn tokenize(text: &str) -> Vec<Token<'_>> {
    let bytes = text.as_bytes();
    let mut tokens = Vec::new();
    let mut modes: Vec<Mode> = vec![Mode::Brace];
    let mut at = 0;
    let mut newline_before = false;
    let mut line_start = true;
    let mut in_string = false;
    while at < bytes.len() {
        let ch = bytes[at];
        if in_string {
            let start = at;
            match ch {
                b'"' => {
                    push(
                        &mut tokens,
                        text,
                        TokenKind::StrClose,
                        start,
                        at + 1,
                        &mut newline_before,
                        &mut line_start,
                    );
                    at += 1;
                    in_string = false;
                }
                b'\n' => {
                    // An unterminated string ends with its line.
                    in_string = false;
                }
                b'$' if bytes.get(at + 1) == Some(&b'{') => {
                    push(
                        &mut tokens,
                        text,
                        TokenKind::InterpOpen,
                        start,
                        at + 2,
                        &mut newline_before,
                        &mut line_start,
                    );
                    at += 2;
                    modes.push(Mode::Interpolation);
                    in_string = false;
                }
                _ => {
                    let mut end = at;
                    while end < bytes.len() {
                        match bytes[end] {
                            b'"' | b'\n' => break,
                            b'$' if bytes.get(end + 1) == Some(&b'{') => break,
                            b'\\' => end = (end + 2).min(bytes.len()),
                            _ => end += 1,
                        }
                    }
                    let end = char_boundary(text, end);
                    push(
                        &mut tokens,
                        text,
                        TokenKind::StrText,
                        start,
                        end,
                        &mut newline_before,
                        &mut line_start,
                    );
                    at = end;
                }
            }
            continue;
        }
        match ch {
            b'\n' => {
                newline_before = true;
                line_start = true;
                at += 1;
            }
            b' ' | b'\t' | b'\r' => at += 1,
            b'/' if bytes.get(at + 1) == Some(&b'/') => {
                let end = text[at..].find('\n').map_or(text.len(), |n| at + n);
                let is_doc = text[at..end].starts_with("///") && !text[at..end].starts_with("////");
                let kind = if is_doc {
                    TokenKind::DocComment
                } else {
                    TokenKind::Comment
                };
                push(
                    &mut tokens,
                    text,
                    kind,
                    at,
                    end,
                    &mut newline_before,
                    &mut line_start,
                );
                at = end;
            }
            b'"' => {
                push(
                    &mut tokens,
                    text,
                    TokenKind::StrOpen,
                    at,
                    at + 1,
                    &mut newline_before,
                    &mut line_start,
                );
                at += 1;
                in_string = true;
            }
            b'0'..=b'9' => {
                let mut end = at;
                while end < bytes.len() && bytes[end].is_ascii_digit() {
                    end += 1;
                }
                if bytes.get(end) == Some(&b'.')
                    && bytes.get(end + 1).is_some_and(u8::is_ascii_digit)
                {
                    end += 1;
                    while end < bytes.len() && bytes[end].is_ascii_digit() {
                        end += 1;
                    }
                }
                push(
                    &mut tokens,
                    text,
                    TokenKind::Number,
                    at,
                    end,
                    &mut newline_before,
                    &mut line_start,
                );
                at = end;
            }
            b'a'..=b'z' | b'A'..=b'Z' | b'_' => {
                let mut end = at;
                while end < bytes.len()
                    && (bytes[end].is_ascii_alphanumeric() || bytes[end] == b'_')
                {
                    end += 1;
                }
                push(
                    &mut tokens,
                    text,
                    TokenKind::Ident,
                    at,
                    end,
                    &mut newline_before,
                    &mut line_start,
                );
                at = end;
            }
            b'{' => {
                modes.push(Mode::Brace);
                push(
                    &mut tokens,
                    text,
                    TokenKind::Punct,
                    at,
                    at + 1,
                    &mut newline_before,
                    &mut line_start,
                );
                at += 1;
            }
            b'}' => {
                let kind = match modes.pop() {
                    Some(Mode::Interpolation) => {
                        in_string = true;
                        TokenKind::InterpClose
                    }
                    _ => TokenKind::Punct,
                };
                if modes.is_empty() {
                    modes.push(Mode::Brace);
                }
                push(
                    &mut tokens,
                    text,
                    kind,
                    at,
                    at + 1,
                    &mut newline_before,
                    &mut line_start,
                );
                at += 1;
            }
            _ if ch.is_ascii() => {
                let two = text.get(at..at + 2).unwrap_or("");
                let len = if TWO_CHAR_PUNCT.contains(&two) { 2 } else { 1 };
                push(
                    &mut tokens,
                    text,
                    TokenKind::Punct,
                    at,
                    at + len,
                    &mut newline_before,
                    &mut line_start,
                );
                at += len;
            }
            _ => {
                // Any other character: one punctuation token, so offsets stay on boundaries.
                let len = text[at..].chars().next().map_or(1, char::len_utf8);
                push(
                    &mut tokens,
                    text,
                    TokenKind::Punct,
                    at,
                    at + len,
                    &mut newline_before,
                    &mut line_start,
                );
                at += len;
            }
        }
    }
    tokens
}

fn char_boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at += 1;
    }
    at
}

fn push<'t>(
    tokens: &mut Vec<Token<'t>>,
    text: &'t str,
    kind: TokenKind,
    start: usize,
    end: usize,
    newline_before: &mut bool,
    line_start: &mut bool,
) {
    let end = char_boundary(text, end);
    tokens.push(Token {
        kind,
        text: &text[start..end],
        start,
        end,
        newline_before: *newline_before,
        at_line_start: *line_start,
    });
    *newline_before = false;
    *line_start = false;
}

/// Keywords that start a top-level item.
pub(crate) const ITEM_KEYWORDS: &[&str] = &["import", "let", "fn", "enum", "type", "module", "env"];

/// Whether `token` starts a top-level item, by the parser's rule for cutting a file
/// into items: an item keyword in the first column of a line, followed by a space or a
/// quote.
pub(crate) fn starts_item(token: &Token<'_>, text: &str) -> bool {
    let first_column = token.start == 0 || text.as_bytes().get(token.start - 1) == Some(&b'\n');
    let after = text[token.end..].chars().next();
    first_column
        && token.is_ident()
        && ITEM_KEYWORDS.contains(&token.text)
        && after.is_none_or(|ch| ch.is_whitespace() || ch == '"')
}

/// Where the top-level item around `offset` starts (with its doc comments).
pub(crate) fn item_start(tokens: &[Token<'_>], text: &str, offset: usize) -> usize {
    let mut start = 0;
    for (index, token) in tokens.iter().enumerate() {
        if token.start >= offset {
            break;
        }
        if starts_item(token, text) {
            start = doc_start(tokens, index);
        }
    }
    start
}

/// The start of the doc comments right above token `index`, or the token's own start.
fn doc_start(tokens: &[Token<'_>], index: usize) -> usize {
    let mut start = tokens[index].start;
    let mut at = index;
    while at > 0 && tokens[at - 1].kind == TokenKind::DocComment {
        at -= 1;
        start = tokens[at].start;
    }
    start
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(TokenKind, &str)> {
        tokenize(text)
            .into_iter()
            .map(|t| (t.kind, t.text))
            .collect()
    }

    #[test]
    fn strings_with_interpolations_nest() {
        use TokenKind::*;
        assert_eq!(
            kinds("a = \"x-${b.c}\" // note"),
            vec![
                (Ident, "a"),
                (Punct, "="),
                (StrOpen, "\""),
                (StrText, "x-"),
                (InterpOpen, "${"),
                (Ident, "b"),
                (Punct, "."),
                (Ident, "c"),
                (InterpClose, "}"),
                (StrClose, "\""),
                (Comment, "// note"),
            ]
        );
    }

    #[test]
    fn unterminated_strings_end_with_the_line() {
        let tokens = tokenize("import \"ap\nlet x = 1");
        assert_eq!(tokens[2].text, "ap");
        assert!(tokens[3].is("let") && tokens[3].newline_before);
    }

    #[test]
    fn garbage_never_panics() {
        for text in ["é\"${", "}}}\"${\"", "1.", "\"\\", "💥 = 2 GB %"] {
            let _ = tokenize(text);
        }
    }
}

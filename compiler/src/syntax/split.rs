//! Cuts a file into top-level item chunks before parsing, so that each item is parsed
//! on its own and a broken item cannot swallow the ones after it.
//!
//! A chunk starts at a line that begins, in its first column, with a keyword that only
//! starts top-level items. `let` starts a chunk there only outside any bracket, since a
//! module body may hold a badly indented `let`.

/// Byte ranges of the chunks, covering the whole text in order.
pub fn item_chunks(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut starts = vec![0];
    let mut depth: i64 = 0;
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        if starts_item(line, depth) && line_start != 0 {
            starts.push(line_start);
            depth = 0;
        }
        depth += bracket_balance(line);
        line_start += line.len();
    }
    starts.dedup();
    let mut chunks: Vec<std::ops::Range<usize>> =
        starts.windows(2).map(|pair| pair[0]..pair[1]).collect();
    chunks.push(starts.last().copied().unwrap_or(0)..text.len());
    // Doc comments belong to the item below them: move each chunk's trailing `///` lines
    // into the next chunk.
    for at in 1..chunks.len() {
        let previous = chunks[at - 1].clone();
        let docs_start = trailing_doc_start(&text[previous.clone()]) + previous.start;
        chunks[at - 1].end = docs_start;
        chunks[at].start = docs_start;
    }
    chunks
}

fn starts_item(line: &str, depth: i64) -> bool {
    const ALWAYS: [&str; 6] = ["import", "fn", "enum", "type", "module", "env"];
    let word: String = line
        .chars()
        .take_while(|ch| ch.is_ascii_alphanumeric() || *ch == '_')
        .collect();
    let after = line[word.len()..].chars().next();
    let is_word = !word.is_empty() && after.is_none_or(|ch| ch.is_whitespace() || ch == '"');
    is_word && (ALWAYS.contains(&word.as_str()) || (word == "let" && depth <= 0))
}

/// Where the block of `///` lines (and blank lines) at the end of a chunk starts.
fn trailing_doc_start(chunk: &str) -> usize {
    let mut start = chunk.len();
    let mut found_doc = false;
    let mut end = chunk.len();
    for line in chunk[..end].rsplit_inclusive_lines() {
        let trimmed = line.trim();
        if trimmed.starts_with("///") {
            found_doc = true;
            start = end - line.len();
        } else if !trimmed.is_empty() && !trimmed.starts_with("//") {
            // Plain comments may sit between doc comments and their item.
            break;
        }
        end -= line.len();
    }
    if found_doc {
        start
    } else {
        chunk.len()
    }
}

trait RsplitLines {
    fn rsplit_inclusive_lines(&self) -> std::iter::Rev<std::str::SplitInclusive<'_, char>>;
}

impl RsplitLines for str {
    fn rsplit_inclusive_lines(&self) -> std::iter::Rev<std::str::SplitInclusive<'_, char>> {
        self.split_inclusive('\n').rev()
    }
}

/// Opening minus closing brackets on a line, outside strings and comments.
fn bracket_balance(line: &str) -> i64 {
    let mut balance = 0;
    let mut in_string = false;
    let mut chars = line.chars().peekable();
    while let Some(ch) = chars.next() {
        match ch {
            '\\' if in_string => {
                chars.next();
            }
            '"' => in_string = !in_string,
            '/' if !in_string && chars.peek() == Some(&'/') => break,
            '{' | '(' | '[' if !in_string => balance += 1,
            '}' | ')' | ']' if !in_string => balance -= 1,
            _ => {}
        }
    }
    balance
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_broken_item_does_not_swallow_the_next() {
        let text = "let a = {\n\n/// doc\nenv b = m {}\nmodule m() {\n  let c = 1\nlet d = 3\n}\n";
        let chunks: Vec<&str> = item_chunks(text).into_iter().map(|r| &text[r]).collect();
        assert_eq!(
            chunks,
            vec![
                "let a = {\n\n",
                "/// doc\nenv b = m {}\n",
                "module m() {\n  let c = 1\nlet d = 3\n}\n"
            ]
        );
    }
}

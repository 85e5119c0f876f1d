//! Cuts a file into top-level item chunks before parsing, so that each item is parsed
//! on its own and a broken item cannot swallow the ones after it.
//!
//! A chunk starts at a line that begins, in its first column, with a keyword that starts
//! top-level items. Statements inside bodies are indented (`ragc fmt` makes sure), so a
//! `let` in the first column starts an item even after a bracket left open above: the
//! open bracket then breaks only its own item.

/// Byte ranges of the chunks, covering the whole text in order.
pub fn item_chunks(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut starts = vec![0];
    let line_starts = memchr::memchr_iter(b'\n', text.as_bytes()).map(|at| at + 1);
    for line_start in line_starts.filter(|&at| at < text.len()) {
        // Item keywords are lower-case words: most lines are ruled out by their first byte.
        let lower = text.as_bytes()[line_start].is_ascii_lowercase();
        if lower && starts_item(&text[line_start..]) {
            starts.push(line_start);
        }
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

fn starts_item(line: &str) -> bool {
    const ITEM_KEYWORDS: [&str; 7] = ["import", "let", "fn", "enum", "type", "module", "env"];
    let (word, after) = line.split_at(
        line.find(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_'))
            .unwrap_or(line.len()),
    );
    let after = after.chars().next();
    let is_word = !word.is_empty() && after.is_none_or(|ch| ch.is_whitespace() || ch == '"');
    is_word && ITEM_KEYWORDS.contains(&word)
}

/// The name an item chunk declares, read from its first line (`module web(` gives
/// `web`), even when the rest does not parse.
pub fn declared_name(chunk: &str) -> Option<String> {
    let line = chunk.lines().find(|line| starts_item(line))?;
    let mut words = line
        .split(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_'))
        .filter(|w| !w.is_empty());
    let keyword = words.next()?;
    let name = words.next()?;
    (keyword != "import").then(|| name.to_string())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_broken_item_does_not_swallow_the_next() {
        let text = "let a = {\n\n/// doc\nenv b = m {}\nmodule m() {\n  let c = 1\n}\nlet d = [\nlet e = 3\n";
        let chunks: Vec<&str> = item_chunks(text).into_iter().map(|r| &text[r]).collect();
        assert_eq!(
            chunks,
            vec![
                "let a = {\n\n",
                "/// doc\nenv b = m {}\n",
                "module m() {\n  let c = 1\n}\n",
                "let d = [\n",
                "let e = 3\n"
            ]
        );
    }
}

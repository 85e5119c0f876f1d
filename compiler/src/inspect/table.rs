//! Tables of text for the terminal and for Markdown, shared by `diff` and `cost`.

/// A header row and rows of cells; every row has as many cells as the header.
pub(crate) struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

impl Table {
    pub(crate) fn new(header: Vec<String>) -> Table {
        Table {
            header,
            rows: Vec::new(),
        }
    }

    pub(crate) fn row(&mut self, cells: Vec<String>) {
        debug_assert_eq!(cells.len(), self.header.len());
        self.rows.push(cells);
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Columns aligned with two spaces between them; with `color`, the header in bold.
    pub(crate) fn to_text(&self, color: bool) -> String {
        let mut widths: Vec<usize> = self
            .header
            .iter()
            .map(|cell| cell.chars().count())
            .collect();
        for row in &self.rows {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(cell.chars().count());
            }
        }
        let line = |cells: &[String]| {
            let mut text = String::new();
            for (at, (cell, width)) in cells.iter().zip(&widths).enumerate() {
                text.push_str(cell);
                if at + 1 < cells.len() {
                    let pad = width - cell.chars().count() + 2;
                    text.extend(std::iter::repeat_n(' ', pad));
                }
            }
            text.push('\n');
            text
        };
        let mut out = String::new();
        if color {
            out.push_str(BOLD);
            out.push_str(line(&self.header).trim_end());
            out.push_str(RESET);
            out.push('\n');
        } else {
            out.push_str(&line(&self.header));
        }
        for row in &self.rows {
            out.push_str(&line(row));
        }
        out
    }

    /// A GitHub Markdown table, left-aligned.
    pub(crate) fn to_markdown(&self) -> String {
        let line = |cells: &[String]| {
            let cells: Vec<String> = cells.iter().map(|cell| cell.replace('|', "\\|")).collect();
            format!("| {} |\n", cells.join(" | "))
        };
        let mut out = line(&self.header);
        out.push_str(&format!("|{}\n", " :--- |".repeat(self.header.len())));
        for row in &self.rows {
            out.push_str(&line(row));
        }
        out
    }
}

/// `text` in bold when `color`.
pub(crate) fn bold(text: &str, color: bool) -> String {
    if color {
        format!("{BOLD}{text}{RESET}")
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_columns_are_aligned_and_markdown_escapes_bars() {
        let mut table = Table::new(vec!["a".into(), "bb".into()]);
        table.row(vec!["ccc".into(), "x|y".into()]);
        assert_eq!(table.to_text(false), "a    bb\nccc  x|y\n");
        assert_eq!(
            table.to_markdown(),
            "| a | bb |\n| :--- | :--- |\n| ccc | x\\|y |\n"
        );
    }
}

//! A JSON writer that appends to one `String`, laid out byte for byte as
//! `serde_json::to_string_pretty` (or `serde_json::to_string`, when compact) lays out a
//! `serde_json::Value`. It does not sort keys: callers write them in byte order.

use std::fmt::Write as _;

/// How the text of a string or a key is escaped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Escape {
    /// JSON escapes only, as `serde_json::to_string` writes them.
    Json,
    /// JSON escapes, and `${` and `%{` doubled to `$${` and `%%{` so that Terraform reads
    /// the text literally (as `eval::value::escape_template`).
    Template,
}

/// Where the writer stands, to go back to when a value turns out not to be writable.
#[derive(Debug, Clone, Copy)]
pub(super) struct Mark {
    len: usize,
    depth: usize,
    first: bool,
}

#[derive(Debug)]
pub(super) struct Writer {
    out: String,
    pretty: bool,
    /// True inside `string_of`: what is written is the text of a string, so quotes and
    /// escapes are escaped once more.
    in_string: bool,
    depth: usize,
    /// True until the innermost open container has an element.
    first: bool,
}

impl Writer {
    /// Laid out as `serde_json::to_string_pretty`.
    pub(super) fn pretty(capacity: usize) -> Writer {
        Writer::new(String::with_capacity(capacity), true)
    }

    /// Laid out as `serde_json::to_string`.
    pub(super) fn compact() -> Writer {
        Writer::new(String::new(), false)
    }

    fn new(out: String, pretty: bool) -> Writer {
        Writer {
            out,
            pretty,
            in_string: false,
            depth: 0,
            first: true,
        }
    }

    pub(super) fn as_str(&self) -> &str {
        &self.out
    }

    pub(super) fn into_string(self) -> String {
        self.out
    }

    pub(super) fn mark(&self) -> Mark {
        Mark {
            len: self.out.len(),
            depth: self.depth,
            first: self.first,
        }
    }

    /// Forgets everything written since `mark`.
    pub(super) fn reset(&mut self, mark: Mark) {
        self.out.truncate(mark.len);
        self.depth = mark.depth;
        self.first = mark.first;
    }

    /// A string whose text is the compact JSON that `write` writes, as if that JSON were
    /// written with `Writer::compact` and then passed to `string`, in one pass. Not
    /// nested: a string inside the text is written with a writer of its own.
    pub(super) fn string_of<T>(&mut self, write: impl FnOnce(&mut Writer) -> T) -> T {
        debug_assert!(!self.in_string, "string_of does not nest");
        self.quote();
        let pretty = std::mem::replace(&mut self.pretty, false);
        self.in_string = true;
        let result = write(self);
        self.in_string = false;
        self.pretty = pretty;
        self.quote();
        result
    }

    pub(super) fn begin_object(&mut self) {
        self.open('{');
    }

    pub(super) fn end_object(&mut self) {
        self.close('}');
    }

    pub(super) fn begin_array(&mut self) {
        self.open('[');
    }

    pub(super) fn end_array(&mut self) {
        self.close(']');
    }

    /// Starts the next element of an array.
    pub(super) fn element(&mut self) {
        self.separator();
    }

    /// Starts the next entry of an object: its key, then its value is written.
    pub(super) fn key(&mut self, key: &str, escape: Escape) {
        self.separator();
        self.string(key, escape);
        if self.pretty {
            self.out.push_str(": ");
        } else {
            self.out.push(':');
        }
    }

    pub(super) fn null(&mut self) {
        self.out.push_str("null");
    }

    pub(super) fn bool(&mut self, value: bool) {
        self.out.push_str(if value { "true" } else { "false" });
    }

    pub(super) fn int(&mut self, value: i64) {
        // Writing to a `String` cannot fail.
        let _ = write!(self.out, "{value}");
    }

    /// A number as `crate::eval::json_number` makes it: integral values as integers,
    /// others as serde_json prints them, and `null` for what JSON cannot hold.
    pub(super) fn number(&mut self, value: f64) {
        if value.fract() == 0.0 && value.abs() < 9.0e15 {
            self.int(value as i64);
        } else {
            match serde_json::Number::from_f64(value) {
                Some(number) => {
                    let _ = write!(self.out, "{number}");
                }
                None => self.null(),
            }
        }
    }

    pub(super) fn string(&mut self, text: &str, escape: Escape) {
        self.quote();
        self.escaped(text, escape);
        self.quote();
    }

    /// A string written in pieces: `quote`, then `escaped` and `raw` text, then `quote`.
    pub(super) fn quote(&mut self) {
        // Pushes of constant text, which compile to stores rather than copies.
        if self.in_string {
            self.out.push_str("\\\"");
        } else {
            self.out.push('"');
        }
    }

    /// Text inside a string, escaped.
    pub(super) fn escaped(&mut self, text: &str, escape: Escape) {
        escape_into(&mut self.out, text, escape, self.in_string);
    }

    /// JSON text as it is, such as `${` inside a string (inside `string_of`, escaped once
    /// as part of the string's text).
    pub(super) fn raw(&mut self, text: &str) {
        if self.in_string {
            escape_into(&mut self.out, text, Escape::Json, false);
        } else {
            self.out.push_str(text);
        }
    }

    /// Text that needs no escapes, written with `fmt`.
    pub(super) fn display(&mut self, value: impl std::fmt::Display) {
        let _ = write!(self.out, "{value}");
    }

    fn open(&mut self, bracket: char) {
        self.out.push(bracket);
        self.depth += 1;
        self.first = true;
    }

    fn close(&mut self, bracket: char) {
        self.depth -= 1;
        // An empty container stays `{}` or `[]` on one line.
        if self.pretty && !self.first {
            self.newline();
        }
        self.out.push(bracket);
        self.first = false;
    }

    fn separator(&mut self) {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
        if self.pretty {
            self.newline();
        }
    }

    fn newline(&mut self) {
        // A newline and the usual indentation in one copy; deeper levels a space at a time.
        const INDENT: &str = "\n                                                                ";
        let spaces = 2 * self.depth;
        let copied = spaces.min(INDENT.len() - 1);
        self.out.push_str(&INDENT[..1 + copied]);
        for _ in copied..spaces {
            self.out.push(' ');
        }
    }
}

/// What a byte becomes inside a JSON string, as serde_json escapes it: 0 for itself,
/// `u` for `\u00XX`, else the letter after the backslash.
const JSON: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut byte = 0;
    while byte < 0x20 {
        table[byte] = b'u';
        byte += 1;
    }
    table[0x08] = b'b';
    table[0x09] = b't';
    table[0x0a] = b'n';
    table[0x0c] = b'f';
    table[0x0d] = b'r';
    table[b'"' as usize] = b'"';
    table[b'\\' as usize] = b'\\';
    table
};

/// As `JSON`, with `{` marked: the byte before it may be a sign (`$` or `%`) to double.
/// Looking for the one `{` rather than the two signs is one test less per word.
const TEMPLATE: [u8; 256] = {
    let mut table = JSON;
    table[b'{' as usize] = b'{';
    table
};

/// Appends `text` escaped for the inside of a JSON string, and escaped `twice` for the
/// inside of a string that is inside a string. Most text needs no escape: one scan finds
/// so, and the text is copied whole.
#[inline]
fn escape_into(out: &mut String, text: &str, escape: Escape, twice: bool) {
    match first_special(text.as_bytes(), escape) {
        None => out.push_str(text),
        Some(first) => escape_from(out, text, first, escape, twice),
    }
}

/// `escape_into` for text with a byte to look at, the one at `first`. Only ASCII bytes
/// are ever escaped, so the runs copied between them are whole characters.
#[inline(never)]
fn escape_from(out: &mut String, text: &str, first: usize, escape: Escape, twice: bool) {
    let bytes = text.as_bytes();
    // The start of the run of bytes not yet copied.
    let mut start = 0;
    let mut found = Some(first);
    while let Some(at) = found {
        let byte = bytes[at];
        if byte != b'{' {
            out.push_str(&text[start..at]);
            push_escape(out, byte, twice);
            start = at + 1;
        } else if at > 0 && matches!(bytes[at - 1], b'$' | b'%') {
            // A sign before a `{` is doubled: the run is copied up to and with the
            // sign, the sign is written again, and the `{` starts the next run.
            out.push_str(&text[start..at]);
            out.push(char::from(bytes[at - 1]));
            start = at;
        }
        found = first_special(&bytes[at + 1..], escape).map(|offset| at + 1 + offset);
    }
    out.push_str(&text[start..]);
}

/// Appends the escape of `byte`, one that `JSON` escapes.
fn push_escape(out: &mut String, byte: u8, twice: bool) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let letter = JSON[usize::from(byte)];
    if twice {
        // The backslash escaped, then the letter if it needs it: `\\\"`, `\\n`.
        out.push_str("\\\\");
        if letter == b'"' || letter == b'\\' {
            out.push('\\');
        }
    } else {
        out.push('\\');
    }
    out.push(char::from(letter));
    if letter == b'u' {
        out.push_str("00");
        out.push(char::from(HEX[usize::from(byte >> 4)]));
        out.push(char::from(HEX[usize::from(byte & 0xf)]));
    }
}

/// The index of the first byte of `bytes` that `escape` has to look at: one that JSON
/// escapes, or in a template a `{`.
#[inline]
fn first_special(bytes: &[u8], escape: Escape) -> Option<usize> {
    // A scan for each, so that neither asks which per word.
    match escape {
        Escape::Json => scan::<false>(bytes),
        Escape::Template => scan::<true>(bytes),
    }
}

/// `first_special`, for a template when `BRACES`. Eight bytes at a time while they last.
/// Not inlined: in each writer method that escapes, it cost more than the call.
#[inline(never)]
fn scan<const BRACES: bool>(bytes: &[u8]) -> Option<usize> {
    let (words, _) = bytes.as_chunks::<8>();
    for (index, word) in words.iter().enumerate() {
        let marks = special_bytes::<BRACES>(u64::from_le_bytes(*word));
        if marks != 0 {
            return Some(8 * index + first_mark(marks));
        }
    }
    let looked_at = 8 * words.len();
    if looked_at == bytes.len() {
        return None;
    }
    match bytes.last_chunk::<8>() {
        // The last eight bytes, overlapping those looked at already: they need nothing,
        // so the first mark is past them.
        Some(last) => {
            let marks = special_bytes::<BRACES>(u64::from_le_bytes(*last));
            (marks != 0).then(|| bytes.len() - 8 + first_mark(marks))
        }
        None => scan_few::<BRACES>(bytes),
    }
}

/// `scan` for fewer than eight bytes.
fn scan_few<const BRACES: bool>(bytes: &[u8]) -> Option<usize> {
    match (bytes.first_chunk::<4>(), bytes.last_chunk::<4>()) {
        // The first four bytes and the last four, overlapping, in one word: a mark in
        // its last four lanes is a byte of `tail`, after the first four that need nothing.
        (Some(head), Some(tail)) => {
            let word =
                u64::from(u32::from_le_bytes(*head)) | u64::from(u32::from_le_bytes(*tail)) << 32;
            let marks = special_bytes::<BRACES>(word);
            (marks != 0).then(|| match first_mark(marks) {
                lane @ 0..4 => lane,
                // Lane 4 holds the first byte of `tail`, at `len - 4`.
                lane => bytes.len() + lane - 8,
            })
        }
        _ => {
            let table = if BRACES { &TEMPLATE } else { &JSON };
            bytes.iter().position(|&b| table[usize::from(b)] != 0)
        }
    }
}

/// `b` in every byte (lane) of a word.
const fn lanes(b: u8) -> u64 {
    u64::from_le_bytes([b; 8])
}

/// The bytes of a little-endian `word` that JSON escapes, and `{` when `BRACES`, marked
/// by their high bits. Each test subtracts from every lane so that the lanes it looks
/// for wrap below zero and get their high bit set; lanes with it set before (non-ASCII)
/// are left out. A lane that wraps borrows from the next one, which may then be marked
/// wrongly, but only after a right mark: the lowest mark is exact.
fn special_bytes<const BRACES: bool>(word: u64) -> u64 {
    // With bit 1 flipped, control bytes stay below 0x20 and `"` (0x22) becomes 0x20.
    let controls_and_quotes = (word ^ lanes(0x02)).wrapping_sub(lanes(0x21));
    let backslashes = (word ^ lanes(b'\\')).wrapping_sub(lanes(1));
    let mut wrapped = controls_and_quotes | backslashes;
    if BRACES {
        wrapped |= (word ^ lanes(b'{')).wrapping_sub(lanes(1));
    }
    wrapped & !word & lanes(0x80)
}

/// The index of the byte of the lowest mark of nonzero `marks`.
fn first_mark(marks: u64) -> usize {
    (marks.trailing_zeros() / 8) as usize
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value as Json};

    use super::*;

    /// Writes a serde_json value with the writer, to compare with serde_json.
    fn write(writer: &mut Writer, json: &Json) {
        match json {
            Json::Null => writer.null(),
            Json::Bool(value) => writer.bool(*value),
            Json::Number(number) => match number.as_i64() {
                Some(int) => writer.int(int),
                None => writer.number(number.as_f64().unwrap_or(f64::NAN)),
            },
            Json::String(text) => writer.string(text, Escape::Json),
            Json::Array(items) => {
                writer.begin_array();
                for item in items {
                    writer.element();
                    write(writer, item);
                }
                writer.end_array();
            }
            Json::Object(map) => {
                writer.begin_object();
                for (key, value) in map {
                    writer.key(key, Escape::Json);
                    write(writer, value);
                }
                writer.end_object();
            }
        }
    }

    fn pretty(json: &Json) -> String {
        let mut writer = Writer::pretty(0);
        write(&mut writer, json);
        writer.into_string()
    }

    fn compact(json: &Json) -> String {
        let mut writer = Writer::compact();
        write(&mut writer, json);
        writer.into_string()
    }

    fn escaped(text: &str, escape: Escape) -> String {
        let mut out = String::new();
        escape_into(&mut out, text, escape, false);
        out
    }

    fn assert_same_as_serde(json: &Json) {
        let expected = serde_json::to_string_pretty(json).unwrap_or_default();
        assert_eq!(pretty(json), expected, "pretty");
        assert_eq!(compact(json), json.to_string(), "compact");
    }

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        let every_control: String = (0u8..0x20).map(char::from).collect();
        for text in [
            "plain",
            "",
            "quote \" and backslash \\ and slash /",
            "line\nfeed\r\ttab",
            "\u{8}\u{c}\u{0}\u{1f}\u{7f}",
            &every_control,
            "unicode: é ü 日本 🦀 \u{2028}",
            "\"\\",
        ] {
            let expected = serde_json::to_string(text).unwrap_or_default();
            assert_eq!(format!("\"{}\"", escaped(text, Escape::Json)), expected);
        }
        assert_eq!(escaped("\u{1}\u{1b}", Escape::Json), "\\u0001\\u001b");
        assert_eq!(escaped("\u{8}\u{c}", Escape::Json), "\\b\\f");
    }

    #[test]
    fn long_strings_are_escaped_as_serde_json_escapes_them() {
        let mut generator = Generator(11);
        for _ in 0..2000 {
            let text: String = (0..generator.next(12)).map(|_| generator.text()).collect();
            let expected = serde_json::to_string(&text).unwrap_or_default();
            assert_eq!(format!("\"{}\"", escaped(&text, Escape::Json)), expected);
            let template = text.replace("${", "$${").replace("%{", "%%{");
            let expected = serde_json::to_string(&template).unwrap_or_default();
            assert_eq!(
                format!("\"{}\"", escaped(&text, Escape::Template)),
                expected
            );
        }
    }

    /// The escape of `text` byte by byte, as plainly as it can be written: what
    /// `escape_into` must write, however it finds the bytes to escape.
    fn reference(text: &str, escape: Escape, twice: bool) -> String {
        let bytes = text.as_bytes();
        let mut out = Vec::new();
        for (index, &byte) in bytes.iter().enumerate() {
            let letter = match byte {
                b'"' => Some('"'),
                b'\\' => Some('\\'),
                0x08 => Some('b'),
                0x09 => Some('t'),
                0x0a => Some('n'),
                0x0c => Some('f'),
                0x0d => Some('r'),
                0..0x20 => Some('u'),
                _ => None,
            };
            if let Some(letter) = letter {
                let once = match letter {
                    'u' => format!("\\u{byte:04x}"),
                    _ => format!("\\{letter}"),
                };
                let escaped = if twice {
                    once.replace('\\', "\\\\").replace('"', "\\\"")
                } else {
                    once
                };
                out.extend_from_slice(escaped.as_bytes());
                continue;
            }
            let sign = matches!(byte, b'$' | b'%') && bytes.get(index + 1) == Some(&b'{');
            if sign && escape == Escape::Template {
                out.push(byte);
            }
            out.push(byte);
        }
        String::from_utf8(out).unwrap_or_default()
    }

    /// `escape_into` writes what `reference` writes, in every mode, after other text.
    fn assert_escaped_as_reference(text: &str) {
        for escape in [Escape::Json, Escape::Template] {
            for twice in [false, true] {
                let mut out = String::from("before");
                escape_into(&mut out, text, escape, twice);
                let expected = reference(text, escape, twice);
                assert_eq!(
                    out["before".len()..],
                    expected,
                    "{text:?} {escape:?} {twice}"
                );
            }
        }
    }

    /// Text of every kind of byte `escape_into` may meet.
    const BYTE_CLASSES: [&str; 18] = [
        "\"", "\\", "\n", "\r", "\u{0}", "\u{8}", "\u{1f}", " ", "\u{7f}", "$", "%", "{", "${",
        "%{", "é", "🦀", "\u{2028}", "\u{ff}",
    ];

    #[test]
    fn every_byte_class_at_every_position_is_escaped_as_byte_by_byte() {
        for length in 0..40 {
            for position in 0..=length {
                for class in BYTE_CLASSES {
                    let before = "a".repeat(position);
                    let after = "b".repeat(length - position);
                    assert_escaped_as_reference(&format!("{before}{class}{after}"));
                }
            }
        }
    }

    #[test]
    fn random_strings_are_escaped_as_byte_by_byte() {
        let mut generator = Generator(3);
        for _ in 0..20_000 {
            let length = generator.next(40);
            let text: String = (0..length)
                .map(|_| match generator.next(3) {
                    0 => BYTE_CLASSES[generator.next(BYTE_CLASSES.len() as u64) as usize],
                    _ => "x",
                })
                .collect();
            assert_escaped_as_reference(&text);
        }
    }

    #[test]
    fn template_sequences_are_doubled() {
        assert_eq!(escaped("${var.x}", Escape::Template), "$${var.x}");
        assert_eq!(escaped("%{ if x }", Escape::Template), "%%{ if x }");
        assert_eq!(escaped("$${x}", Escape::Template), "$$${x}");
        assert_eq!(escaped("${${", Escape::Template), "$${$${");
        assert_eq!(escaped("a$ b% {c} $", Escape::Template), "a$ b% {c} $");
        assert_eq!(escaped("é${\"}", Escape::Template), "é$${\\\"}");
        assert_eq!(escaped("${x}", Escape::Json), "${x}");
        for text in ["${a}%{b}$${c}", "$", "%{", "x${", "日${本}"] {
            let expected = text.replace("${", "$${").replace("%{", "%%{");
            let expected = serde_json::to_string(&expected).unwrap_or_default();
            assert_eq!(format!("\"{}\"", escaped(text, Escape::Template)), expected);
        }
    }

    #[test]
    fn strings_inside_strings_are_escaped_twice() {
        for text in [
            "a\"b",
            "back\\slash",
            "new\nline",
            "\u{1}\u{8}",
            "${x} %{y}",
            "é🦀",
        ] {
            let mut twice = String::new();
            escape_into(&mut twice, text, Escape::Template, true);
            let expected = serde_json::to_string(&escaped(text, Escape::Template));
            let expected = expected.unwrap_or_default();
            assert_eq!(format!("\"{twice}\""), expected);
        }
        let mut writer = Writer::pretty(0);
        writer.begin_object();
        writer.key("doc", Escape::Json);
        writer.string_of(|writer| {
            writer.begin_object();
            writer.key("a\"", Escape::Json);
            writer.begin_array();
            writer.element();
            writer.string("${x}\n", Escape::Template);
            writer.element();
            writer.quote();
            writer.raw("${y}");
            writer.quote();
            writer.end_array();
            writer.end_object();
        });
        writer.end_object();
        let doc = r#"{"a\"":["$${x}\n","${y}"]}"#;
        assert_eq!(writer.as_str(), pretty(&json!({ "doc": doc })));
    }

    #[test]
    fn empty_containers_stay_on_one_line() {
        assert_same_as_serde(&json!({}));
        assert_same_as_serde(&json!([]));
        assert_same_as_serde(&json!({ "a": {}, "b": [], "c": [[], {}] }));
        assert_eq!(pretty(&json!({ "a": [] })), "{\n  \"a\": []\n}");
    }

    #[test]
    fn nesting_is_indented_by_two_spaces() {
        let json = json!({ "a": [1, { "b": null, "c": [true, false] }], "d": "e" });
        assert_eq!(
            pretty(&json),
            "{\n  \"a\": [\n    1,\n    {\n      \"b\": null,\n      \"c\": [\n        true,\n        \
             false\n      ]\n    }\n  ],\n  \"d\": \"e\"\n}"
        );
        assert_same_as_serde(&json);
        let mut deep = json!({ "leaf": [] });
        for level in 0..40 {
            deep = if level % 2 == 0 {
                json!([deep])
            } else {
                json!({ "k": deep })
            };
        }
        assert_same_as_serde(&deep);
    }

    #[test]
    fn numbers_are_written_as_json_number_makes_them() {
        for number in [
            0.0, -0.0, 1.0, -42.0, 0.5, -1.25, 1e300, 8.9e15, 9.0e15, 1e-7,
        ] {
            let mut writer = Writer::compact();
            writer.number(number);
            let expected = crate::eval::json_number(number).to_string();
            assert_eq!(writer.as_str(), expected, "{number}");
        }
        let mut writer = Writer::compact();
        writer.number(f64::NAN);
        writer.number(f64::INFINITY);
        assert_eq!(writer.as_str(), "nullnull");
    }

    #[test]
    fn reset_forgets_a_partly_written_value() {
        let mut writer = Writer::pretty(0);
        writer.begin_object();
        writer.key("a", Escape::Json);
        writer.int(1);
        let mark = writer.mark();
        writer.key("b", Escape::Json);
        writer.begin_array();
        writer.element();
        writer.reset(mark);
        writer.key("c", Escape::Json);
        writer.int(2);
        writer.end_object();
        assert_eq!(writer.as_str(), pretty(&json!({ "a": 1, "c": 2 })));
    }

    /// A small deterministic generator of nested values with awkward strings and keys.
    struct Generator(u64);

    impl Generator {
        fn next(&mut self, below: u64) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (self.0 >> 33) % below
        }

        fn text(&mut self) -> String {
            const PIECES: [&str; 14] = [
                "a",
                "Z",
                " ",
                "\"",
                "\\",
                "\n",
                "\u{1}",
                "\u{1f}",
                "é",
                "🦀",
                "${",
                "%{",
                "$%",
                "a long run of plain text",
            ];
            (0..self.next(5))
                .map(|_| PIECES[self.next(PIECES.len() as u64) as usize])
                .collect()
        }

        fn value(&mut self, depth: u32) -> Json {
            match self.next(if depth == 0 { 5 } else { 7 }) {
                0 => Json::Null,
                1 => Json::Bool(self.next(2) == 1),
                2 => json!(self.next(2000) as i64 - 1000),
                // Numbers as the emitter makes them: some integral, some not.
                3 => crate::eval::json_number(self.next(1000) as f64 / 8.0 - 60.0),
                4 => Json::String(self.text()),
                5 => Json::Array((0..self.next(4)).map(|_| self.value(depth - 1)).collect()),
                _ => Json::Object(
                    (0..self.next(4))
                        .map(|_| (self.text(), self.value(depth - 1)))
                        .collect(),
                ),
            }
        }
    }

    #[test]
    fn generated_values_are_written_as_serde_json_writes_them() {
        let mut generator = Generator(7);
        for _ in 0..500 {
            let json = generator.value(4);
            assert_same_as_serde(&json);
            // The same value as the text of a string, inside an array.
            let mut writer = Writer::pretty(0);
            writer.begin_array();
            writer.element();
            writer.string_of(|writer| write(writer, &json));
            writer.end_array();
            assert_eq!(writer.as_str(), pretty(&json!([json.to_string()])));
        }
    }
}

//! The formatter behind `ragc fmt`.
pub fn format_source(_text: &str) -> Option<String> {
    None
}

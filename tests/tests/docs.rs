//! `docs/diagnostics.md` is generated from the diagnostic codes' own explanations, so
//! that the documentation and `ragc explain` never disagree.
//! `RAGC_BLESS=1 cargo test -p ragc-tests --test docs` regenerates it.

use std::path::Path;

use ragc::diagnostics::{Code, Severity};
use ragc_tests::check_golden;

fn diagnostics_page() -> String {
    let mut page = String::from(
        "# Diagnostics\n\n\
         Generated from `compiler/syntax/src/diagnostics/codes.rs` by `RAGC_BLESS=1 cargo test -p ragc-tests --test docs`;\n\
         do not edit by hand. `ragc explain CODE` prints the same text.\n\n\
         Codes are grouped by phase: `RAG01xx` syntax, `RAG02xx` names, `RAG03xx` types,\n\
         `RAG04xx` evaluation and AWS checks, `RAG05xx` security.\n\n\
         | code | name | severity |\n| --- | --- | --- |\n",
    );
    for code in Code::ALL {
        let info = code.info();
        let severity = if info.severity == Severity::Error {
            "error"
        } else {
            "warning"
        };
        page.push_str(&format!(
            "| [{0}](#{1}) | `{2}` | {severity} |\n",
            info.code,
            info.code.to_lowercase(),
            info.name
        ));
    }
    for code in Code::ALL {
        let info = code.info();
        page.push_str(&format!("\n## {}\n\n`{}`\n\n", info.code, info.name));
        let explanation: Vec<&str> = info.explanation.lines().map(str::trim).collect();
        page.push_str(&explanation.join("\n"));
        page.push('\n');
    }
    page
}

#[test]
fn diagnostics_page_is_generated_from_the_codes() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/diagnostics.md");
    if let Err(message) = check_golden(&path, &diagnostics_page()) {
        panic!("{message}");
    }
}

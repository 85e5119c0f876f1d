//! Bad input never panics and never hangs: random byte strings and thousands of random
//! mutations of the real environment files compile to diagnostics (or stacks), and
//! formatting a file never changes what it compiles to.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use ragc::compile::{compile, Compilation, Options};
use ragc::diagnostics::FileId;
use ragc::program::{DiskSources, SourceProvider, Stdlib};
use ragc::schema::ProviderSchema;
use ragc::syntax::{format::format_source, Parsed};

/// Parses already made, by file id and text.
type ParseCache = HashMap<(u32, Arc<str>), Arc<Parsed>>;

/// Sources from memory for the files under test, the disk for everything else, and
/// parses of unchanged files reused across compilations, as the language server does.
struct Sources {
    disk: DiskSources,
    overrides: HashMap<String, Arc<str>>,
    parses: RefCell<ParseCache>,
}

impl SourceProvider for Sources {
    fn read(&self, path: &str) -> Option<Arc<str>> {
        self.overrides
            .get(path)
            .cloned()
            .or_else(|| self.disk.read(path))
    }

    fn parse(&self, file: FileId, text: &str) -> Arc<Parsed> {
        let key = (file.0, Arc::<str>::from(text));
        if let Some(parsed) = self.parses.borrow().get(&key) {
            return parsed.clone();
        }
        let parsed = Arc::new(ragc::program::parse_source(file, text));
        self.parses.borrow_mut().insert(key, parsed.clone());
        parsed
    }
}

impl Sources {
    fn new() -> Sources {
        Sources {
            disk: DiskSources {
                stdlib: Stdlib::Embedded,
            },
            overrides: HashMap::new(),
            parses: RefCell::default(),
        }
    }

    fn compile(&self, roots: &[&str]) -> Compilation {
        let options = Options {
            emit: true,
            ..Options::new(Stdlib::Embedded, ProviderSchema::embedded())
        };
        let roots: Vec<String> = roots.iter().map(|root| root.to_string()).collect();
        compile(self, &options, &roots)
    }
}

/// A small deterministic generator (xorshift), so failures can be replayed.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound.max(1) as u64) as usize
    }
}

const FRAGMENTS: [&str; 14] = [
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    "\"",
    "${",
    "..",
    "=",
    "///",
    "// ",
    "\n",
    "env x = y {",
];

fn mutate(text: &str, random: &mut Random) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for _ in 0..1 + random.below(4) {
        let at = random.below(bytes.len() + 1);
        match random.below(4) {
            0 if at < bytes.len() => {
                let end = (at + 1 + random.below(12)).min(bytes.len());
                bytes.drain(at..end);
            }
            1 => {
                let fragment = FRAGMENTS[random.below(FRAGMENTS.len())].as_bytes();
                bytes.splice(at..at, fragment.iter().copied());
            }
            2 if at < bytes.len() => {
                let end = (at + 1 + random.below(40)).min(bytes.len());
                let copy: Vec<u8> = bytes[at..end].to_vec();
                let to = random.below(bytes.len() + 1);
                bytes.splice(to..to, copy);
            }
            _ => bytes.insert(at.min(bytes.len()), (random.next() % 256) as u8),
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

fn repository_root() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[test]
fn random_mutations_of_the_environments_give_diagnostics_not_panics() {
    std::env::set_current_dir(repository_root()).unwrap_or_else(|error| panic!("{error}"));
    let mut sources = Sources::new();
    let mut random = Random(0x5eed_2026);
    let files = ["envs/prod.rag", "envs/app.rag", "envs/staging.rag"];
    let originals: Vec<String> = files
        .iter()
        .map(|file| std::fs::read_to_string(file).unwrap_or_else(|error| panic!("{file}: {error}")))
        .collect();
    let mut failures = 0;
    for _ in 0..600 {
        let which = random.below(files.len());
        let mutated = mutate(&originals[which], &mut random);
        sources.overrides.clear();
        sources
            .overrides
            .insert(files[which].to_string(), Arc::from(mutated.as_str()));
        let compilation = sources.compile(&["envs/prod.rag", "envs/staging.rag"]);
        if compilation.has_errors() {
            failures += 1;
            assert!(
                compilation.stacks.is_empty(),
                "a failed compilation produced stacks"
            );
        }
    }
    // Most mutations break something: the test must exercise the error paths.
    assert!(
        failures > 200,
        "only {failures} of 600 mutations failed to compile"
    );
}

#[test]
fn random_bytes_give_diagnostics_not_panics() {
    let mut sources = Sources::new();
    let mut random = Random(0xbad_b17e5);
    for round in 0..300 {
        let length = random.below(400);
        let bytes: Vec<u8> = (0..length).map(|_| (random.next() % 256) as u8).collect();
        let path = format!("/nonexistent/random-{round}.rag");
        sources.overrides.insert(
            path.clone(),
            Arc::from(String::from_utf8_lossy(&bytes).as_ref()),
        );
        let compilation = sources.compile(&[&path]);
        assert!(compilation.stacks.is_empty());
        // Nothing crashed; and every diagnostic is renderable.
        let _ = ragc::diagnostics::render::to_plain_text(
            &compilation.program,
            &compilation.diagnostics,
        );
    }
}

#[test]
fn formatting_an_environment_does_not_change_its_stack() {
    std::env::set_current_dir(repository_root()).unwrap_or_else(|error| panic!("{error}"));
    let baseline = Sources::new().compile(&["envs/prod.rag"]);
    assert!(!baseline.has_errors());
    for file in ["envs/prod.rag", "envs/app.rag"] {
        let text = std::fs::read_to_string(file).unwrap_or_default();
        // Spread the source out, then let the formatter put it back.
        let messy = text.replace(" = ", "   =   ").replace('\n', "\n\n");
        let formatted =
            format_source(&messy).unwrap_or_else(|| panic!("{file} could not be formatted"));
        assert_eq!(
            format_source(&formatted).as_deref(),
            Some(formatted.as_str()),
            "not idempotent"
        );
        let mut sources = Sources::new();
        sources
            .overrides
            .insert(file.to_string(), Arc::from(formatted.as_str()));
        let compilation = sources.compile(&["envs/prod.rag"]);
        let contents = |c: &Compilation| {
            c.stacks
                .iter()
                .flat_map(|s| s.files.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            contents(&compilation),
            contents(&baseline),
            "formatting {file} changed the stack"
        );
    }
}

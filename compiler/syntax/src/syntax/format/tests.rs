//! Tests of the formatter: exact layouts, idempotence and meaning preservation on the
//! samples and on the repository's `.rag` files, and a mutation test that feeds it
//! broken variants of the samples.

use super::format_source;
use crate::diagnostics::FileId;
use crate::syntax::parse;

/// A file covering every syntax form of the grammar.
const EVERYTHING: &str = r#"// A file that uses every form of the grammar.

import "other.rag"

/// Doubles a number.
/// Second line of the doc.
fn double(x: Int, y: Int = 2): Int = x * y + -1 - (x / 2)

/// Regions.
enum Region {
  /// East.
  us_east_1,
  eu_west_1, // trailing
}

enum NatMode { single, per_zone }

type Task {
  /// CPU.
  cpu: Quantity
  memory: Quantity = 2 GB
  tags: Map<String>? = { team = "ml" }
  zones: List<List<String>> = [["a"], []]
}

let limit: Int = 10

module stack(name: String, zones: List<String>, nat: NatMode = single, cidr: Cidr = 10.0.0.0/16) {
  provider aws {
    region = "us-east-1"
    default_tags {
      tags = { Project = name }
    }
  }

  backend s3 {
    bucket = "state"
    key = "x/terraform.tfstate"
  }

  /// The image tag, set at deploy time.
  variable image_tag: String = "latest"
  variable count: Int

  data aws_caller_identity current {}

  let account = data.aws_caller_identity.current.account_id
  let first = zones[0]
  let n = len(zones)
  let ok = !(n < 2) && n <= 6 || false && n != 3 && n >= 1 && n > 0 && n == n
  let ids = [for zone, i in zones: "${name}-${zone}-${i}" if i != 0]
  let all = [for zone in zones: zone]
  let size = if n > 4 { "large" } else if n > 2 { "medium" } else { "small" }
  let mode = match nat { single => 1, per_zone => n, _ => 0 }
  let ports = 8000..8010
  let share = 50%
  let days = 30 days
  let nothing = null
  let msg = "outer ${lookup({ k = "inner ${name}" }, "k")} \"quoted\" \$ \n \\"
  let svc = Service { name = "api", cpu = 1 vcpu, memory = 512 MiB }
  let empty = Service {}
  let sizes = [2.5 GiB, 100 MB, 1 day, 0.25 vcpu]
  let quoted = { "Content-Type" = "json", plain = true }
  let nested = lookup(tags(name = name), key = "x")

  for zone, i in zones {
    resource aws_subnet "public-${zone}" {
      cidr_block = cidrsubnet(cidr, 8, i)
      availability_zone = zone
      lifecycle {
        create_before_destroy = true
      }
    }
  }

  for zone in list(zones) {}

  if n > 2 {
    resource aws_nat_gateway main {
      subnet_id = aws_subnet["public-${first}"].id
    }
  }

  assert n >= 1, "need a zone"
  output account_id = account
}

/// Production.
env prod = stack {
  name = "prod"
  zones = ["a", "b"]
}

let global = stack { name = "g", zones = [] }
"#;

/// The same kinds of forms, written badly: odd spacing, multi-line forms, comments
/// everywhere a comment may go.
const MESSY: &str = r#"

// leading comment


/// Doc of a.
let   a=1+2*3   // trailing a
let b = [1,2,
  3]
let c = { x = 1,   y = "two" }   // trailing c
let   d = {
  // inside d
  first = 1 // first
  second_key = [ "a" , "b" ]
  /// doc of third
  third = { deep = { deeper = true } }


  fourth = -x
}
// before e
/// Doc of e.
let e = f(a, // after a
  b = 2)
module m(
  /// doc of p
  p: Int, q: String = "x", // after q
) {
  // first in m
  /// doc of x
  // between doc and x
  let x = if p > 1 {
    "big"
  } else if p > 0 { "small" } else { "zero" }

  let y = match p {
    one => 1, // one
    _ => 2
  }
  let z = [
    for item, index in list(p): item * index
    if index > 0
  ]
  let w = a + // mid
    b
  resource aws_thing main {
    name = "a"   // trailing name
    much_longer_name = "b"

    other = 3
    nested {}
    // about block
    block {
      value = 1
    }
  }
  // last in m
}
type T {}
enum E { // after brace
  a, b
}
env x = m { p = 1 }
// final comment
"#;

/// `/tmp/rag/a.rag` as written while the language was designed.
const ENV_SAMPLE: &str = r#"// envs/prod.rag
import "app.rag"

/// Production: highly available, autoscaled.
env prod = fargate_rag {
  service       = rag_api
  region        = "us-east-1"
  zones         = 3
  nat           = per_zone
  capacity      = autoscale(2..4, cpu_target = 60%)
  task          = { cpu = 1 vcpu, memory = 2 GB }
  log_retention = 30 days
  state         = s3_state("acme-rag-terraform-state", key = "prod/terraform.tfstate")
}

let rag_api = Service {
  name         = "rag-api"
  image        = ecr("rag-api")            // the tag is a Terraform variable set at deploy time
  port         = 8000
  environment  = { LOG_LEVEL = "info" }
  secrets      = {
    OPENAI_API_KEY    = secret("openai-api-key")
  }
  documents    = bucket("rag-documents", read = ["corpus/", "indices/"])
}
/// Where NAT gateways go.
enum NatMode { single, per_zone }

module vpc(name: String, zones: List<Zone>, nat: NatMode, cidr: Cidr = 10.0.0.0/16) {
  resource aws_vpc main {
    cidr_block           = cidr
    enable_dns_support   = true
    tags                 = { Name = name }
  }

  for zone, i in zones {
    resource aws_subnet "public-${zone}" {
      vpc_id            = aws_vpc.main.id
      availability_zone = zone
      cidr_block        = cidrsubnet(cidr, 4, i)
    }
  }
  let x = if nat == single { 1 } else { 2 }
  let nat_zones = match nat { single => [zones[0]], per_zone => zones }
  assert len(zones) >= 2 && !false, "need ${len(zones)} zones"
  output private_subnets = [for zone in zones: aws_subnet["private-${zone}"].id]
}
"#;

const SAMPLES: [&str; 3] = [EVERYTHING, MESSY, ENV_SAMPLE];

/// A tree's debug print with every `Span { start: N, end: M }` replaced by `Span`.
fn strip_spans(debug: &str) -> String {
    let mut out = String::new();
    let mut rest = debug;
    while let Some(at) = rest.find("Span { start: ") {
        out.push_str(&rest[..at]);
        out.push_str("Span");
        let span = &rest[at..];
        rest = match span.find('}') {
            Some(close) => &span[close + 1..],
            None => "",
        };
    }
    out.push_str(rest);
    out
}

fn tree(text: &str) -> String {
    let parsed = parse(FileId(0), text);
    strip_spans(&format!("{:?}", parsed.file))
}

/// Formats `text`, which must be accepted, and checks that the result is stable and
/// means the same.
fn check(name: &str, text: &str) -> String {
    let Some(formatted) = format_source(text) else {
        panic!("{name}: the formatter refused the file");
    };
    assert_eq!(tree(text), tree(&formatted), "{name}: meaning changed");
    let again = format_source(&formatted);
    assert_eq!(
        again.as_deref(),
        Some(formatted.as_str()),
        "{name}: not idempotent"
    );
    formatted
}

fn assert_formats(before: &str, after: &str) {
    let formatted = check("case", before);
    assert_eq!(
        formatted, after,
        "\n--- got ---\n{formatted}\n--- want ---\n{after}"
    );
}

#[test]
fn strip_spans_removes_only_spans() {
    assert_eq!(
        strip_spans("A { span: Span { start: 1, end: 20 }, b: [Span { start: 3, end: 4 }] }"),
        "A { span: Span, b: [Span] }"
    );
    assert_eq!(
        super::without_spans("x Span { start: 1, end: 2 } y"),
        "x Span y"
    );
}

#[test]
fn samples_are_stable_and_keep_their_meaning() {
    for (position, sample) in SAMPLES.iter().enumerate() {
        let formatted = check(&format!("sample {position}"), sample);
        // Windows line endings read the same and print the same.
        let crlf = check(
            &format!("sample {position}, CRLF"),
            &sample.replace('\n', "\r\n"),
        );
        assert_eq!(
            crlf, formatted,
            "sample {position}: CRLF prints differently"
        );
    }
}

#[test]
fn repository_files_are_stable_and_keep_their_meaning() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    for folder in ["stdlib", "envs", "examples"] {
        for path in rag_files(&root.join(folder)) {
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            // Files with syntax errors are someone's work in progress: refused, not checked.
            if let Some(formatted) = format_source(&text) {
                let name = path.display().to_string();
                assert_eq!(tree(&text), tree(&formatted), "{name}: meaning changed");
                assert_eq!(
                    check(&name, &formatted),
                    formatted,
                    "{name}: not idempotent"
                );
            }
        }
    }
}

fn rag_files(folder: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(folder) else {
        return found;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(rag_files(&path));
        } else if path.extension().is_some_and(|ext| ext == "rag") {
            found.push(path);
        }
    }
    found.sort();
    found
}

#[test]
fn spacing_is_normalised() {
    assert_formats(
        "let x=a+b*  c-(-d)/2..e\nlet y : List< String >? = [ \"a\" ,\"b\" ]\n",
        "let x = a + b * c - (-d) / 2..e\n\nlet y: List<String>? = [\"a\", \"b\"]\n",
    );
    assert_formats(
        "let m = match x {a=>1,_=>f( a , n=2 )}\n",
        "let m = match x { a => 1, _ => f(a, n = 2) }\n",
    );
    assert_formats(
        "let c = [ for  z , i in zs : z if i>0 ]\n",
        "let c = [for z, i in zs: z if i > 0]\n",
    );
}

#[test]
fn literals_are_printed_as_written() {
    let text = "let a = [1.50, 2GB, 30  days, 10.0.0.0/16, \"tab\\t ${ x  +  \"in\" } \\$\"]\n";
    assert_formats(text, text);
}

#[test]
fn items_are_one_blank_line_apart_and_bodies_keep_one() {
    assert_formats(
        "let a = 1\n\n\n\nlet b = 2\nlet c = 3",
        "let a = 1\n\nlet b = 2\n\nlet c = 3\n",
    );
    assert_formats(
        "module m() {\n\n  let a = 1\n\n\n  let b = 2\n      let c = 3\n\n}\n",
        "module m() {\n  let a = 1\n\n  let b = 2\n  let c = 3\n}\n",
    );
}

#[test]
fn equals_signs_align_within_runs() {
    assert_formats(
        "env e = m {\na = 1\nlong_name = {\nx = 1\n}\nb = 2\nlonger = 3\n\nc = 4 // note\n// own line\nd = 5\n/// doc\nee = 6\nf = 7\n}\n",
        "env e = m {\n  a = 1\n  long_name = {\n    x = 1\n  }\n  b      = 2\n  longer = 3\n\n  c = 4 // note\n  // own line\n  d = 5\n  /// doc\n  ee = 6\n  f  = 7\n}\n",
    );
}

#[test]
fn one_line_forms_stay_when_written_so_and_fitting() {
    assert_formats(
        "let r = {a=1,b=2}\nlet s = {\na = 1, b = 2}\nlet l = [1,\n2]\n",
        "let r = { a = 1, b = 2 }\n\nlet s = {\n  a = 1\n  b = 2\n}\n\nlet l = [\n  1,\n  2,\n]\n",
    );
    let long = format!("let l = [\"{}\", \"{}\"]\n", "a".repeat(50), "b".repeat(50));
    let broken = format!(
        "let l = [\n  \"{}\",\n  \"{}\",\n]\n",
        "a".repeat(50),
        "b".repeat(50)
    );
    assert_formats(&long, &broken);
    assert_formats(
        "let x = if a { 1 } else { if b { 2 } else { 3 } }\nlet y = if a {\n1 } else { 2 }\n",
        "let x = if a { 1 } else if b { 2 } else { 3 }\n\nlet y = if a {\n  1\n} else {\n  2\n}\n",
    );
}

#[test]
fn module_parameters_break_when_too_long() {
    assert_formats(
        "module m(a: Int, b: String = \"x\") {}\n",
        "module m(a: Int, b: String = \"x\") {}\n",
    );
    let long = "module network_stack(name: String, zones: List<Zone>, nat: NatMode = single, cidr: Cidr = 10.0.0.0/16) {\noutput x = 1\n}\n";
    assert_formats(
        long,
        "module network_stack(\n  name: String,\n  zones: List<Zone>,\n  nat: NatMode = single,\n  cidr: Cidr = 10.0.0.0/16,\n) {\n  output x = 1\n}\n",
    );
}

#[test]
fn comments_stay_where_they_were() {
    assert_formats(
        "// head\nlet a = [1, // one\n2] // after\n\n\n// about b\n/// Doc of b.\nlet b = f(x, // x\n  // own\n  y)\n// tail\n",
        "// head\nlet a = [\n  1, // one\n  2,\n] // after\n\n// about b\n/// Doc of b.\nlet b = f(\n  x, // x\n  // own\n  y,\n)\n// tail\n",
    );
    assert_formats(
        "let w = a + // mid\n  b\nlet v = {} // empty\n",
        "let w = a + // mid\n  b\n\nlet v = {} // empty\n",
    );
    assert_formats("// only a comment\n\n\n", "// only a comment\n");
    assert_formats("", "");
}

#[test]
fn files_with_syntax_errors_are_refused() {
    assert_eq!(format_source("let = 1\n"), None);
    assert_eq!(format_source("let a = 1\nmodule m( {\n"), None);
    assert_eq!(format_source("import \"${x}\"\n"), None);
}

#[test]
fn a_last_bracketed_argument_hugs_its_call() {
    assert_formats(
        "let p = jsonencode({\nVersion = \"1\"\nStatement = [{\nEffect = \"Allow\"\n}]\n})\n",
        "let p = jsonencode({\n  Version = \"1\"\n  Statement = [{\n    Effect = \"Allow\"\n  }]\n})\n",
    );
    let long = format!(
        "let z = zipmap(names, [for n in names: lookup(n, \"{}\")])\n",
        "x".repeat(60)
    );
    let hugged = format!(
        "let z = zipmap(names, [\n  for n in names: lookup(n, \"{}\")\n])\n",
        "x".repeat(60)
    );
    assert_formats(&long, &hugged);
    // A last argument that would fit on a line of its own does not hug.
    assert_formats(
        "let s = f(\n  a,\n  [1, 2],\n)\n",
        "let s = f(\n  a,\n  [1, 2],\n)\n",
    );
}

#[test]
fn match_arms_and_enum_variants_take_lines_of_their_own() {
    assert_formats(
        "let v = match nat {\nsingle=>[zones[0]],\nper_zone => zones\n}\n",
        "let v = match nat {\n  single   => [zones[0]]\n  per_zone => zones\n}\n",
    );
    assert_formats(
        "enum Mode {\n/// One.\nsingle, per_zone\n}\nenum E {a,b}\n",
        "enum Mode {\n  /// One.\n  single\n  per_zone\n}\n\nenum E { a, b }\n",
    );
}

#[test]
fn imports_form_one_paragraph() {
    assert_formats(
        "import \"a.rag\"\nimport \"b.rag\"\n\n\nimport \"c.rag\"\nlet x = 1\n",
        "import \"a.rag\"\nimport \"b.rag\"\n\nimport \"c.rag\"\n\nlet x = 1\n",
    );
}

#[test]
fn function_headers_break_to_keep_the_body_opening_in_width() {
    let text = "fn autoscale(range: Range, cpu_target: Percent = 60%, requests_per_target: Int? = null): Capacity = Capacity {\nmin = range.min\n}\n";
    assert_formats(
        text,
        "fn autoscale(\n  range: Range,\n  cpu_target: Percent = 60%,\n  requests_per_target: Int? = null,\n): Capacity = Capacity {\n  min = range.min\n}\n",
    );
}

/// A xorshift generator: deterministic, no dependency.
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

/// Deletes, duplicates or inserts a few characters at random, or puts a comment or a
/// blank line where there was whitespace.
fn mutate(random: &mut Random, text: &str) -> String {
    const INSERTED: &[char] = &[
        '{', '}', '[', ']', '(', ')', '"', ',', '=', '/', '\n', ' ', '#', '$', '.', ':', '<', '>',
        '!', '-', '+', '*', '%', '_', 'a', '1', '\\', 'é',
    ];
    const TRIVIA: &[&str] = &[
        " // trailing\n",
        "\n// own line\n",
        "\n\n",
        "\n  // indented\n\n",
    ];
    let mut chars: Vec<char> = text.chars().collect();
    for _ in 0..1 + random.below(3) {
        let at = random.below(chars.len() + 1);
        match random.below(4) {
            0 => {
                let end = (at + 1 + random.below(4)).min(chars.len());
                chars.drain(at.min(end)..end);
            }
            1 => {
                let end = (at + 1 + random.below(12)).min(chars.len());
                let copied: Vec<char> = chars.get(at..end).unwrap_or(&[]).to_vec();
                chars.splice(at..at, copied);
            }
            2 => {
                let inserted = INSERTED[random.below(INSERTED.len())];
                chars.insert(at, inserted);
            }
            _ => {
                let spaces: Vec<usize> = (0..chars.len())
                    .filter(|&i| chars[i] == ' ' || chars[i] == '\n')
                    .collect();
                if let Some(&space) = spaces.get(random.below(spaces.len())) {
                    let trivia = TRIVIA[random.below(TRIVIA.len())];
                    chars.splice(space..space, trivia.chars());
                }
            }
        }
    }
    chars.into_iter().collect()
}

/// The samples cut into items: small inputs keep the mutation test fast, since the
/// parser is slow in debug builds.
fn sample_items() -> Vec<&'static str> {
    SAMPLES
        .iter()
        .flat_map(|sample| {
            crate::syntax::split::item_chunks(sample)
                .into_iter()
                .filter_map(|range| sample.get(range))
        })
        .filter(|item| !item.trim().is_empty())
        .collect()
}

#[test]
fn mutated_samples_never_panic_and_format_stably() {
    let items = sample_items();
    let mut random = Random(0x2545_f491_4f6c_dd1d);
    let mut accepted = 0;
    for _ in 0..3000 {
        let item = items[random.below(items.len())];
        let mutated = mutate(&mut random, item);
        if let Some(formatted) = format_source(&mutated) {
            accepted += 1;
            assert_eq!(
                format_source(&formatted).as_deref(),
                Some(formatted.as_str()),
                "not idempotent on:\n{mutated}"
            );
        }
    }
    // The test means something only if many mutants still parse.
    assert!(accepted > 500, "only {accepted} mutants were accepted");
}

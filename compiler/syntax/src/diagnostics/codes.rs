//! The stable diagnostic codes, grouped by phase: `RAG01xx` syntax, `RAG02xx` names,
//! `RAG03xx` types, `RAG04xx` evaluation and AWS checks, `RAG05xx` security. Each code
//! has a kebab-case name and an explanation, from which `ragc explain CODE` and
//! `docs/diagnostics.md` are produced. Codes are never renumbered.

use super::Severity;

/// What `ragc explain` prints about a code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodeInfo {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub explanation: &'static str,
}

macro_rules! codes {
    ($( $(#[doc = $doc:literal])* $variant:ident = $code:literal, $name:literal, $severity:ident; )*) => {
        /// A diagnostic code. The doc comment of each variant is its explanation.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code {
            $( $(#[doc = $doc])* $variant, )*
        }

        impl Code {
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            pub fn info(self) -> CodeInfo {
                match self {
                    $(Code::$variant => CodeInfo {
                        code: $code,
                        name: $name,
                        severity: Severity::$severity,
                        explanation: concat!($($doc, "\n"),*),
                    },)*
                }
            }
        }
    };
}

impl Code {
    /// Finds a code by its number (`RAG0404`, `rag0404`, `0404`) or its name.
    pub fn parse(text: &str) -> Option<Code> {
        let wanted = text.trim().to_ascii_uppercase();
        Code::ALL.iter().copied().find(|code| {
            let info = code.info();
            info.code == wanted
                || info.code.trim_start_matches("RAG") == wanted
                || info.name.eq_ignore_ascii_case(text.trim())
        })
    }

    pub fn as_str(self) -> &'static str {
        self.info().code
    }
}

codes! {
    /// The text does not follow the grammar of `.rag`. The message lists what the parser
    /// expected at that point. Each top-level item is parsed on its own, so an error in one
    /// item does not hide errors, or completions, in the others.
    SyntaxError = "RAG0101", "syntax-error", Error;
    /// A literal is well formed but its value is impossible: a CIDR block whose octets
    /// exceed 255 or whose prefix exceeds 32, or a number too large to represent.
    InvalidLiteral = "RAG0102", "invalid-literal", Error;

    /// A name is used that no declaration in scope provides. Names in scope are the
    /// declarations of the file, of the files it imports, of the standard library, the
    /// parameters and `let`s of the enclosing module and loop variables. The message
    /// suggests the closest name when one is near.
    UnknownName = "RAG0201", "unknown-name", Error;
    /// Two declarations in the same scope have the same name. Rename one of them.
    DuplicateName = "RAG0202", "duplicate-name", Error;
    /// An `import` names a file that cannot be read. Paths are relative to the importing
    /// file.
    UnresolvedImport = "RAG0203", "unresolved-import", Error;
    /// Files import each other in a circle. Move the shared declarations to a file that
    /// both import.
    ImportCycle = "RAG0204", "import-cycle", Error;
    /// A record, module instance or environment sets a field that its type, module or
    /// blueprint does not declare. Every environment instantiates the same blueprint, so
    /// the blueprint's parameters are the complete list of what may differ.
    UnknownField = "RAG0205", "unknown-field", Error;
    /// A record, module instance or environment leaves out a field that has no default.
    MissingField = "RAG0206", "missing-field", Error;
    /// A name is used as a variant of an enum that does not declare it.
    UnknownVariant = "RAG0207", "unknown-variant", Error;
    /// Declarations refer to each other in a circle, so none can be computed first. The
    /// message names every declaration of the cycle, in order.
    DependencyCycle = "RAG0208", "dependency-cycle", Error;
    /// A `let` or a module parameter is declared but never used. Remove it, or use it.
    UnusedBinding = "RAG0209", "unused-binding", Warning;
    /// A `resource` or `data` block names a type that the provider schema does not have.
    UnknownResourceType = "RAG0210", "unknown-resource-type", Error;
    /// A reference reads an attribute that the resource type does not export.
    UnknownAttribute = "RAG0211", "unknown-attribute", Error;
    /// A call names a function that is not built in.
    UnknownFunction = "RAG0212", "unknown-function", Error;
    /// A reference names a resource that the module does not declare.
    UnknownResource = "RAG0213", "unknown-resource", Error;
    /// A name that Terraform reserves: variables cannot be called `source`, `version`,
    /// `providers`, `count`, `for_each`, `lifecycle`, `depends_on` or `locals`.
    ReservedName = "RAG0214", "reserved-name", Error;

    /// A value does not have the type its place requires. The message names both types.
    TypeMismatch = "RAG0301", "type-mismatch", Error;
    /// A type annotation names a type that does not exist.
    UnknownType = "RAG0302", "unknown-type", Error;
    /// A resource block sets an argument that the provider schema does not define for
    /// its type, or writes a computed-only attribute.
    UnknownArgument = "RAG0303", "unknown-argument", Error;
    /// A resource block leaves out an argument or nested block that the provider requires.
    MissingArgument = "RAG0304", "missing-argument", Error;
    /// A nested block is written as `name = value`, an attribute as `name { ... }`, or a
    /// block appears more often than the schema allows.
    BlockShape = "RAG0305", "block-shape", Error;
    /// A value that only Terraform knows (an ID, an ARN) is used where the compiler must
    /// know it: a loop's list, a resource's name, a condition, an assertion, a domain check.
    DeferredValue = "RAG0306", "deferred-value", Error;
    /// A `match` has no arm for some variant of the enum and no `_` arm.
    NonExhaustiveMatch = "RAG0307", "non-exhaustive-match", Error;
    /// A function is called with the wrong number or names of arguments.
    WrongArguments = "RAG0308", "wrong-arguments", Error;

    /// An `assert` written in the language failed. The primary label points at the value
    /// that made it fail (often in an environment), the secondary one at the assertion.
    AssertionFailed = "RAG0401", "assertion-failed", Error;
    /// Evaluation went deeper than the compiler allows (a module instantiating itself,
    /// say). The limit keeps the compiler from overflowing its stack or running forever.
    EvaluationLimit = "RAG0402", "evaluation-limit", Error;
    /// An operation cannot be computed: division by zero, an index out of range, a
    /// subnet that does not fit its network, a conversion that loses meaning.
    InvalidOperation = "RAG0403", "invalid-operation", Error;
    /// Fargate accepts only certain CPU/memory pairs: 256 CPU units with 512 MB, 1 GB or
    /// 2 GB; 512 with 1-4 GB; 1024 with 2-8 GB; 2048 with 4-16 GB in 1 GB steps; 4096 with
    /// 8-30 GB in 1 GB steps; 8192 with 16-60 GB in 4 GB steps; 16384 with 32-120 GB in
    /// 8 GB steps. Any other pair fails at apply time; ragc rejects it at compile time and
    /// suggests the nearest valid pair.
    FargateSize = "RAG0404", "fargate-size", Error;
    /// CloudWatch Logs accepts only these retention periods, in days: 1, 3, 5, 7, 14, 30,
    /// 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653.
    LogRetention = "RAG0405", "log-retention", Error;
    /// An availability zone does not exist in the stack's region, or the region is
    /// unknown to ragc.
    UnknownZone = "RAG0406", "unknown-zone", Error;
    /// A subnet's CIDR block lies outside its VPC's block, or overlaps another subnet.
    CidrOverlap = "RAG0407", "cidr-overlap", Error;
    /// A capacity range must satisfy `1 <= min <= desired <= max`.
    CapacityRange = "RAG0408", "capacity-range", Error;
    /// Load balancer and target group names are limited to 32 characters (letters,
    /// digits and hyphens, not starting or ending with a hyphen).
    NameTooLong = "RAG0409", "name-too-long", Error;
    /// A port must be between 1 and 65535.
    InvalidPort = "RAG0410", "invalid-port", Error;
    /// An application load balancer needs subnets in at least two availability zones.
    TooFewZones = "RAG0411", "too-few-zones", Error;
    /// Two resources of the same type end up with the same address in one stack,
    /// usually because a loop's names do not depend on the loop variable.
    DuplicateResource = "RAG0412", "duplicate-resource", Error;
    /// An environment looks up a resource of the global stack by a name that the global
    /// stack does not create (the ECR repository, the state bucket).
    GlobalNameMismatch = "RAG0413", "global-name-mismatch", Error;

    /// A container environment variable whose name looks like a credential (KEY, SECRET,
    /// TOKEN, PASSWORD, CREDENTIAL) has a literal value. It would be stored in plain text
    /// in the task definition and in Terraform state. Declare it under `secrets` with
    /// `secret("name")`, so that ECS injects it from Secrets Manager. Likewise a secret
    /// version whose value is written in the sources: values are set outside Terraform.
    PlaintextSecret = "RAG0501", "plaintext-secret", Error;
    /// A security group rule lets traffic reach the tasks from somewhere other than the
    /// load balancer's security group. Tasks accept traffic only from the load balancer.
    PublicTaskIngress = "RAG0502", "public-task-ingress", Error;
    /// An IAM statement uses a `*` action or a `*` resource. Only
    /// `ecr:GetAuthorizationToken`, which AWS cannot scope, may use the resource `*`.
    WildcardIam = "RAG0503", "wildcard-iam", Error;
    /// A managed policy is attached to the execution or task role. Managed policies grant
    /// far more than a task needs; write the exact statements inline instead.
    ManagedPolicy = "RAG0504", "managed-policy", Error;
    /// An S3 bucket lacks a public access block with all four settings on, or lacks
    /// server-side encryption.
    UnprotectedBucket = "RAG0505", "unprotected-bucket", Error;
    /// An ECS service places tasks in public subnets or gives them public IP addresses.
    PublicTask = "RAG0506", "public-task", Error;
    /// A production load balancer serves plain HTTP because no certificate is given.
    PlainHttp = "RAG0507", "plain-http", Warning;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_grouped() {
        let mut seen = std::collections::BTreeSet::new();
        for code in Code::ALL {
            let info = code.info();
            assert!(seen.insert(info.code), "duplicate {}", info.code);
            assert!(info.code.starts_with("RAG0") && info.code.len() == 7);
            assert!(!info.explanation.trim().is_empty());
        }
        assert_eq!(Code::parse("rag0404"), Some(Code::FargateSize));
        assert_eq!(Code::parse("fargate-size"), Some(Code::FargateSize));
    }
}

// Tokenizes the fixtures with the real TextMate engine VS Code uses and checks the scopes of chosen tokens.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { describe, test } from "node:test";
import oniguruma from "vscode-oniguruma";
import textmate from "vscode-textmate";

const require = createRequire(import.meta.url);
const here = new URL(".", import.meta.url);
const grammarPath = new URL("../syntaxes/rag.tmLanguage.json", here);

await oniguruma.loadWASM(await readFile(require.resolve("vscode-oniguruma/release/onig.wasm")));
const registry = new textmate.Registry({
  onigLib: Promise.resolve({
    createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
    createOnigString: (text) => new oniguruma.OnigString(text),
  }),
  loadGrammar: async (scopeName) =>
    scopeName === "source.rag"
      ? textmate.parseRawGrammar(await readFile(grammarPath, "utf8"), grammarPath.pathname)
      : null,
});
const grammar = await registry.loadGrammar("source.rag");

/** Lines of a fixture, each with its text, its tokens and the rule stack after it. */
async function tokenizeFixture(name) {
  const text = await readFile(new URL(`fixtures/${name}`, here), "utf8");
  let stack = textmate.INITIAL;
  return text.split("\n").map((line) => {
    const { tokens, ruleStack } = grammar.tokenizeLine(line, stack);
    stack = ruleStack;
    return { line, tokens, stack };
  });
}

const fixtures = {
  "sample.rag": await tokenizeFixture("sample.rag"),
  "edge-cases.rag": await tokenizeFixture("edge-cases.rag"),
};

/**
 * The scopes of `text`, found at its `nth` occurrence in the first line of `file` containing `where`.
 * Every character of `text` must lie in tokens with the same scopes.
 */
function scopesOf(file, where, text, nth = 0) {
  const found = fixtures[file].find(({ line }) => line.includes(where));
  assert.ok(found, `no line of ${file} contains ${JSON.stringify(where)}`);
  let start = found.line.indexOf(where);
  for (let i = 0; i <= nth; i++) {
    start = found.line.indexOf(text, i === 0 ? start : start + 1);
    assert.ok(start >= 0, `${JSON.stringify(text)} #${nth} not in ${JSON.stringify(found.line)}`);
  }
  const covering = found.tokens.filter((t) => t.startIndex < start + text.length && t.endIndex > start);
  const scopes = covering.map((t) => t.scopes.join(" "));
  assert.equal(new Set(scopes).size, 1, `${JSON.stringify(text)} is split into tokens: ${scopes.join(" | ")}`);
  return covering[0].scopes;
}

/** Table rows: [file, line containing, token text, expected scope, occurrence]. */
function checkScopes(rows) {
  for (const [file, where, text, scope, nth = 0] of rows) {
    test(`${JSON.stringify(text)} in ${JSON.stringify(where)} is ${scope}`, () => {
      const scopes = scopesOf(file, where, text, nth);
      assert.ok(scopes.includes(scope), `scopes were: ${scopes.join(" ")}`);
    });
  }
}

/** Table rows: [file, line containing, token text, scope prefix it must not have, occurrence]. */
function checkNotScoped(rows) {
  for (const [file, where, text, prefix, nth = 0] of rows) {
    test(`${JSON.stringify(text)} in ${JSON.stringify(where)} is not ${prefix}`, () => {
      const scopes = scopesOf(file, where, text, nth);
      assert.ok(!scopes.some((s) => s.startsWith(prefix)), `scopes were: ${scopes.join(" ")}`);
    });
  }
}

const S = "sample.rag";
const E = "edge-cases.rag";

describe("keywords and constants", () => {
  checkScopes([
    [S, 'import "app.rag"', "import", "keyword.control.import.rag"],
    [S, "enum NatMode", "enum", "storage.type.rag"],
    [S, "type Service", "type", "storage.type.rag"],
    [S, "let retention", "let", "storage.type.rag"],
    [S, "module vpc", "module", "storage.type.rag"],
    [S, "resource aws_vpc", "resource", "storage.type.rag"],
    [S, "data aws_caller", "data", "storage.type.rag"],
    [S, "for zone, i", "for", "keyword.control.loop.rag"],
    [S, "for zone, i", "in", "keyword.control.loop.rag"],
    [S, "let nat_zones", "match", "keyword.control.conditional.rag"],
    [S, "let ok", "if", "keyword.control.conditional.rag"],
    [S, "let ok", "else", "keyword.control.conditional.rag"],
    [S, "assert len", "assert", "keyword.other.assert.rag"],
    [S, "variable image_tag", "variable", "storage.type.rag"],
    [S, "output private", "output", "storage.type.rag"],
    [S, "env prod", "env", "storage.type.rag"],
    [S, "enable_dns_support", "true", "constant.language.boolean.rag"],
    [S, "let ok", "false", "constant.language.boolean.rag"],
    [E, "data        =", "false", "constant.language.boolean.rag"],
    [E, "data        =", "null", "constant.language.null.rag"],
  ]);
});

describe("declarations", () => {
  checkScopes([
    [S, "enum NatMode", "NatMode", "entity.name.type.enum.rag"],
    [S, "enum NatMode", "single", "variable.other.enummember.rag"],
    [S, "enum NatMode", "per_zone", "variable.other.enummember.rag"],
    [E, "  small,", "small", "variable.other.enummember.rag"],
    [E, "  large", "large", "variable.other.enummember.rag"],
    [S, "type Service", "Service", "entity.name.type.rag"],
    [S, "let retention", "retention", "entity.name.variable.rag"],
    [S, "module vpc", "vpc", "entity.name.function.module.rag"],
    [S, "module vpc", "zones", "variable.parameter.rag"],
    [S, "module vpc", "cidr", "variable.parameter.rag"],
    [E, "module alb", "idle", "variable.parameter.rag"],
    [S, "resource aws_vpc", "aws_vpc", "entity.name.type.resource.rag"],
    [S, "resource aws_vpc", "main", "entity.name.variable.resource.rag"],
    [S, "data aws_caller", "aws_caller_identity", "entity.name.type.resource.rag"],
    [S, "data aws_caller", "current", "entity.name.variable.resource.rag"],
    [S, "resource aws_subnet", "aws_subnet", "entity.name.type.resource.rag"],
    [S, "resource aws_subnet", "public-", "string.quoted.double.rag"],
    [S, "let nat_zones", "nat_zones", "entity.name.variable.rag"],
    [S, "variable image_tag", "image_tag", "entity.name.variable.rag"],
    [S, "env prod", "prod", "entity.name.variable.env.rag"],
    [S, "env prod", "fargate_rag", "entity.name.function.module.rag"],
  ]);
});

describe("types after a colon", () => {
  checkScopes([
    [S, "  name: String", "String", "support.type.builtin.rag"],
    [S, "port: Int", "Int", "support.type.builtin.rag"],
    [S, "environment: Map", "Map", "support.type.builtin.rag"],
    [S, "environment: Map", "<", "punctuation.definition.typeparameters.begin.rag"],
    [S, "environment: Map", "String", "support.type.builtin.rag"],
    [S, "documents: Bucket?", "Bucket", "entity.name.type.rag"],
    [S, "documents: Bucket?", "?", "keyword.operator.optional.rag"],
    [S, "let retention", "Duration", "support.type.builtin.rag"],
    [S, "module vpc", "List", "support.type.builtin.rag"],
    [S, "module vpc", "Zone", "support.type.builtin.rag"],
    [S, "module vpc", "NatMode", "entity.name.type.rag"],
    [S, "module vpc", "Cidr", "support.type.builtin.rag"],
    [S, "module vpc", ":", "keyword.operator.type.annotation.rag"],
    [S, "variable image_tag", "String", "support.type.builtin.rag"],
    [E, "sizes: Map<List<Memory>>?", "Memory", "support.type.builtin.rag"],
    [E, "sizes: Map<List<Memory>>?", ">>", "punctuation.definition.typeparameters.end.rag"],
    [E, "sizes: Map<List<Memory>>?", "?", "keyword.operator.optional.rag"],
    [S, "port: Int", "port", "variable.other.property.rag"],
    [E, "  type: String", "type", "variable.other.property.rag"],
  ]);
  checkNotScoped([
    // A capitalised map key is not a type, nor is the expression after a comprehension's colon.
    [S, "tags ", "Name", "entity.name.type"],
    [S, "OPENAI_API_KEY", "OPENAI_API_KEY", "entity.name.type"],
    [S, "output private", "aws_subnet", "entity.name.type"],
    [S, "output private", "zones", "variable.other.property"],
  ]);
});

describe("strings and interpolation", () => {
  checkScopes([
    [S, 'import "app.rag"', '"', "punctuation.definition.string.begin.rag"],
    [S, 'import "app.rag"', "app.rag", "string.quoted.double.rag"],
    [S, "Name =", "${", "punctuation.definition.template-expression.begin.rag"],
    [S, "Name =", "name", "meta.embedded.line.rag"],
    [S, "Name =", "}", "punctuation.definition.template-expression.end.rag"],
    [S, "Name =", "-vpc", "string.quoted.double.rag"],
    [S, "private-${zone}", "zone", "meta.template.expression.rag"],
    [S, "assert len", "an ALB needs at least two zones", "string.quoted.double.rag"],
    [E, "description =", '\\"', "constant.character.escape.rag"],
    [E, "description =", "upper", "entity.name.function.call.rag"],
    [E, "description =", "http://", "string.quoted.double.rag"],
    [E, "description =", "zones", "meta.embedded.line.rag"],
    [E, "description =", "0", "constant.numeric.rag"],
    [E, "description =", " inside", "string.quoted.double.rag"],
    [E, "output url", ".", "punctuation.accessor.rag"],
    [E, "output url", "1", "constant.numeric.rag"],
    [E, "output url", "a", "variable.other.property.rag", 1],
  ]);
  checkNotScoped([
    [E, "description =", "http://", "comment"],
    [E, "description =", " inside", "meta.embedded"],
  ]);
});

describe("comments", () => {
  checkScopes([
    [S, "// line comment", "//", "punctuation.definition.comment.rag"],
    [S, "// line comment", "line comment", "comment.line.double-slash.rag"],
    [S, "/// doc comment", "///", "punctuation.definition.comment.rag"],
    [S, "/// doc comment", "doc comment (attaches", "comment.line.documentation.rag"],
    [S, "/// Where NAT", "Where NAT gateways go.", "comment.line.documentation.rag"],
    [E, "/// several lines.", "several lines.", "comment.line.documentation.rag"],
    [E, "//// four slashes", "four slashes", "comment.line.double-slash.rag"],
    [E, "// a comment between", "a comment", "comment.line.double-slash.rag"],
  ]);
});

describe("numbers, units, CIDR and ranges", () => {
  checkScopes([
    [S, "port: Int", "8000", "constant.numeric.rag"],
    [S, "let retention", "30", "constant.numeric.rag"],
    [S, "let retention", "days", "keyword.other.unit.duration.rag"],
    [S, "module vpc", "10.0.0.0/16", "constant.numeric.cidr.rag"],
    [S, "capacity", "2", "constant.numeric.rag"],
    [S, "capacity", "..", "keyword.operator.range.rag"],
    [S, "capacity", "4", "constant.numeric.rag"],
    [S, "capacity", "60", "constant.numeric.rag"],
    [S, "capacity", "%", "keyword.other.unit.percent.rag"],
    [S, "task ", "vcpu", "keyword.other.unit.cpu.rag"],
    [S, "task ", "GB", "keyword.other.unit.memory.rag"],
    [E, "let memory", "MiB", "keyword.other.unit.memory.rag"],
    [E, "let memory", "GiB", "keyword.other.unit.memory.rag"],
    [E, "let memory", "MB", "keyword.other.unit.memory.rag"],
    [E, "ratio:", "12.5", "constant.numeric.rag"],
    [E, "small =>", "day", "keyword.other.unit.duration.rag"],
    [E, "small =>", "days", "keyword.other.unit.duration.rag"],
    [E, "module alb", "days", "entity.name.function.call.rag"],
  ]);
});

describe("match arms, properties, calls and operators", () => {
  checkScopes([
    [S, "let nat_zones", "single", "variable.other.enummember.rag"],
    [S, "let nat_zones", "per_zone", "variable.other.enummember.rag"],
    [S, "let nat_zones", "=>", "keyword.operator.arrow.rag"],
    [E, "small =>", "_", "variable.other.enummember.rag"],
    [S, "cidr_block           =", "cidr_block", "variable.other.property.rag"],
    [S, "Name =", "Name", "variable.other.property.rag"],
    [S, "capacity", "cpu_target", "variable.other.property.rag"],
    [S, "lifecycle", "ignore_changes", "variable.other.property.rag"],
    [E, 'type        = "ingress"', "type", "variable.other.property.rag"],
    [E, "data        =", "data", "variable.other.property.rag"],
    [S, "cidr_block = cidrsubnet", "cidrsubnet", "entity.name.function.call.rag"],
    [S, "assert len", "len", "entity.name.function.call.rag"],
    [S, "vpc_id", "main", "variable.other.property.rag"],
    [S, "vpc_id", ".", "punctuation.accessor.rag"],
    [S, "let ok", ">=", "keyword.operator.comparison.rag"],
    [S, "let ok", "=", "keyword.operator.assignment.rag"],
    [E, "data        =", "!", "keyword.operator.logical.rag"],
    [E, "data        =", "&&", "keyword.operator.logical.rag"],
    [E, "data        =", "||", "keyword.operator.logical.rag"],
    [E, "data        =", "==", "keyword.operator.comparison.rag"],
    [E, "data        =", "!=", "keyword.operator.comparison.rag"],
    [E, "let memory", "+", "keyword.operator.arithmetic.rag"],
    [E, "let memory", "-", "keyword.operator.arithmetic.rag"],
    [E, "let memory", "*", "keyword.operator.arithmetic.rag"],
    [E, "let memory", "/", "keyword.operator.arithmetic.rag"],
  ]);
});

test("every fixture ends outside any string, interpolation or block", () => {
  const closed = grammar.tokenizeLine("", textmate.INITIAL).ruleStack;
  for (const [name, lines] of Object.entries(fixtures)) {
    assert.ok(lines.at(-1).stack.equals(closed), `${name} leaves a region open`);
  }
});

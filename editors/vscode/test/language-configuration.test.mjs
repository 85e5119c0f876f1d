// The indentation rules of language-configuration.json, read as VS Code reads them (JavaScript regular expressions).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

const config = JSON.parse(readFileSync(new URL("../language-configuration.json", import.meta.url), "utf8"));
const increase = new RegExp(config.indentationRules.increaseIndentPattern);
const decrease = new RegExp(config.indentationRules.decreaseIndentPattern);

test("a line opening a brace, bracket or parenthesis indents the next one", () => {
  for (const line of ["  resource aws_vpc main {", "module vpc(", "  ignore_changes = [", "  let ok = if ready {"]) {
    assert.ok(increase.test(line), line);
  }
});

test("a line that closes what it opens, or opens it in a comment, does not indent", () => {
  for (const line of ["    lifecycle { ignore_changes = [desired_count] }", "data x current {}", "// not a block {", "}"]) {
    assert.ok(!increase.test(line), line);
  }
});

test("a line starting with a closing brace, bracket or parenthesis is outdented", () => {
  for (const line of ["  }", "]", "  ) {"]) {
    assert.ok(decrease.test(line), line);
  }
  assert.ok(!decrease.test("  x = {}"));
});

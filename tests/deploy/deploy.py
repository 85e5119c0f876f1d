"""Deploys ragc's stacks to an emulated AWS (moto) with real Terraform: apply, a clean
re-plan, the specification read back through the AWS APIs, destroy, nothing left over.

    deploy.py --ragc target/debug/ragc [--prove-checks] [--keep] [--var NAME=VALUE] FILE.rag...

Stacks with local state (the global stack, which creates the state bucket) are applied
first; the environments then apply concurrently, with their real S3 backends in the
emulated state bucket. Exits 0 when every step passed, 1 when one failed (the stack,
the step and Terraform's error are printed; the work folder is kept), 2 on usage errors.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

import urllib3

import checks
import emulator_gaps
import faults
from emulator import Emulator
from stack import Stack, StepFailed, say

DEFAULT_VARIABLES = {"image_tag": "v1.0.0"}


class CheckFailed(Exception):
    def __init__(self, stack: str, step: str, detail: str):
        super().__init__(f"{stack}: {step} failed\n{detail}")
        self.stack, self.step, self.detail = stack, step, detail


def build(ragc: str, files: list[str], out: str) -> dict[str, str]:
    """Runs `ragc build` and returns {environment: its root module folder}."""
    result = subprocess.run([ragc, "build", *files, "-o", out], capture_output=True, text=True)
    if result.returncode != 0:
        raise CheckFailed("ragc", "build", result.stderr.strip())
    folders = [out] if os.path.exists(os.path.join(out, "main.tf.json")) else [
        os.path.join(out, name) for name in sorted(os.listdir(out))]
    stacks = {}
    for folder in folders:
        with open(os.path.join(folder, "backend.tf.json"), encoding="utf-8") as handle:
            match = re.search(r"\(env ([\w-]+)\)", handle.read())
        stacks[match.group(1) if match else os.path.basename(folder)] = folder
    return stacks


def concurrently(stacks: list[Stack], step) -> None:
    """Runs step(stack) for every stack at once; re-raises the first failure."""
    with ThreadPoolExecutor(max_workers=max(1, len(stacks))) as pool:
        for future in [pool.submit(step, stack) for stack in stacks]:
            future.result()


def replan_clean(stack: Stack) -> str:
    plan = stack.plan()
    if plan is None:
        return "No changes"
    problems = emulator_gaps.unexplained_changes(plan)
    if problems:
        raise CheckFailed(stack.name, "re-plan", "changes after a clean apply:\n" + "\n".join(problems))
    changed = sum(1 for c in plan["resource_changes"] if c["change"]["actions"] == ["update"])
    return f"No changes of ragc's ({changed} in-place update{'s' if changed != 1 else ''} that moto makes up, see emulator_gaps.py)"


def has_prevent_destroy(stack: Stack) -> bool:
    return any(
        (body.get("lifecycle") or {}).get("prevent_destroy") is True
        for instances in stack.main.get("resource", {}).values()
        for body in instances.values()
    )


class Run:
    def __init__(self, args, work: str):
        self.args, self.work = args, work
        self.notes: dict[str, list[str]] = {}

    def note(self, stack: str, line: str) -> None:
        self.notes.setdefault(stack, []).append(line)

    def summary(self) -> str:
        """What happened, stack by stack (in build order, whatever order threads ran in)."""
        return "\n".join(f"{stack}: {line}" for stack, lines in self.notes.items() for line in lines)

    def main(self) -> None:
        folders = build(self.args.ragc, self.args.files, os.path.join(self.work, "build"))
        with Emulator(os.path.join(self.work, "moto.log")) as emulator:
            say("moto", f"AWS emulator on {emulator.url} (log: {emulator.log_path})")
            stacks = [Stack(name, folder, emulator.url, self.variables_for(folder)) for name, folder in folders.items()]
            self.notes = {stack.name: [] for stack in stacks}
            foundations = [s for s in stacks if not s.backend]
            environments = [s for s in stacks if s.backend]
            self.require_state_buckets(foundations, environments)
            for stack in foundations:
                self.apply(stack)
            concurrently(environments, self.apply)
            concurrently(stacks, lambda stack: self.note(stack.name, f"re-plan: {replan_clean(stack)}"))
            for stack in environments:
                if "aws_ecs_service" in stack.resource_types:
                    self.check(self.environment(emulator, stack))
            if self.args.prove_checks:
                self.prove_checks(emulator, environments)
            concurrently(environments, self.destroy)
            self.require_no_leftovers(emulator, foundations)
            for stack in foundations:
                self.destroy_foundation(stack)

    def variables_for(self, folder: str) -> dict[str, str]:
        with open(os.path.join(folder, "main.tf.json"), encoding="utf-8") as handle:
            declared = json.load(handle).get("variable", {})
        given = DEFAULT_VARIABLES | dict(pair.split("=", 1) for pair in self.args.var)
        missing = [name for name, spec in declared.items() if name not in given and "default" not in spec]
        if missing:
            raise CheckFailed(os.path.basename(folder), "variables", f"no value for {missing}: pass --var NAME=VALUE")
        return {name: given[name] for name in declared if name in given}

    @staticmethod
    def require_state_buckets(foundations: list[Stack], environments: list[Stack]) -> None:
        created = {body.get("bucket") for s in foundations for body in s.main.get("resource", {}).get("aws_s3_bucket", {}).values()}
        for stack in environments:
            if stack.backend["bucket"] not in created:
                raise CheckFailed(stack.name, "backend", f"its state goes to bucket {stack.backend['bucket']}, which none of the "
                                  "given stacks creates: give the stack that does (envs/global.rag) too")

    def apply(self, stack: Stack) -> None:
        stack.init()
        stack.apply()
        self.note(stack.name, f"created {len(stack.state_resources())} resources")

    def environment(self, emulator: Emulator, stack: Stack) -> checks.Environment:
        return checks.Environment(stack.name, emulator.boto3_client, stack.outputs(), stack.state_resources(), stack.backend)

    def check(self, environment: checks.Environment) -> None:
        failures = environment.check()
        if failures:
            raise CheckFailed(environment.name, "checks", "\n".join(f"{check}: {message}" for check, message in failures))
        against = "the specification and the security claims" if environment.name in checks.SPECIFICATION else "the security claims"
        say(environment.name, f"read back through the AWS APIs: matches {against}")
        self.note(environment.name, f"matches {against}")

    def prove_checks(self, emulator: Emulator, environments: list[Stack]) -> None:
        """Breaks the first environment of the specification table (staging) on purpose and
        requires every fault caught, then restores it and requires a clean re-plan again."""
        target = next((s for name in checks.SPECIFICATION for s in environments if s.name == name), None)
        if target is None:
            raise CheckFailed("faults", "setup", f"none of the environments is in the specification table {sorted(checks.SPECIFICATION)}")
        target.write_override(faults.OVERRIDE_FILE, faults.override_document(target.main))
        target.apply("apply faults")
        caught = {check for check, _ in self.environment(emulator, target).check()}
        missed = [f"{f.description} (expected the '{f.caught_by}' check to fail)" for f in faults.FAULTS if f.caught_by not in caught]
        if missed:
            raise CheckFailed(target.name, "fault test", "faults the checks did not catch:\n" + "\n".join(missed))
        say(target.name, f"fault test: all {len(faults.FAULTS)} faults caught")
        target.remove_override(faults.OVERRIDE_FILE)
        target.apply("restore")
        self.note(target.name, f"{len(faults.FAULTS)} deliberate faults caught; restored, re-plan: {replan_clean(target)}")
        self.check(self.environment(emulator, target))

    def destroy(self, stack: Stack) -> None:
        count = len(stack.state_resources())
        stack.destroy()
        self.note(stack.name, f"destroyed {count} resources")

    def require_no_leftovers(self, emulator: Emulator, foundations: list[Stack]) -> None:
        kept = {r["values"]["bucket"] for s in foundations for r in s.state_resources() if r["type"] == "aws_s3_bucket"}
        left = checks.leftovers(emulator.boto3_client, kept)
        if left:
            raise CheckFailed("destroy", "leftovers", "still there after destroy:\n" + "\n".join(left))
        say("destroy", "nothing of the environments is left")

    def destroy_foundation(self, stack: Stack) -> None:
        if not has_prevent_destroy(stack):
            self.destroy(stack)
            return
        result = stack.destroy("destroy (must be refused)", ok_codes=(0, 1))
        if result.returncode == 0 or "prevent_destroy" not in result.stdout + result.stderr:
            raise CheckFailed(stack.name, "destroy", "destroy was not refused by lifecycle.prevent_destroy")
        self.note(stack.name, "destroy refused (prevent_destroy), as it must be")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ragc", required=True, help="the ragc binary")
    parser.add_argument("--prove-checks", action="store_true", help="also break an environment on purpose and require every fault caught")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (built stacks, Terraform and moto logs)")
    parser.add_argument("--var", action="append", default=[], metavar="NAME=VALUE", help="a Terraform variable for every stack that declares it")
    parser.add_argument("files", nargs="+", metavar="FILE.rag")
    args = parser.parse_args()
    if any("=" not in pair for pair in args.var):
        parser.error("--var takes NAME=VALUE")

    urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)  # moto's self-signed certificate
    # Either signal unwinds through the emulator's context manager, which stops moto
    # (subprocess.run kills the Terraform it waits on); set SIGINT too, for runs that
    # start with it ignored (a background job of a script).
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, signal.default_int_handler)
    work = tempfile.mkdtemp(prefix="ragc-deploy-")
    run, started = Run(args, work), time.monotonic()
    failure = None
    try:
        run.main()
    except (StepFailed, CheckFailed) as failed:
        failure = failed
    except KeyboardInterrupt:
        print(f"\ninterrupted; the emulator is stopped (logs in {work})", file=sys.stderr)
        return 130
    if run.summary():
        print("\n" + run.summary(), flush=True)
    if failure:
        print(f"\nFAILED: {failure.stack}, {failure.step}\n{failure.detail}\n(logs in {work})", file=sys.stderr)
        return 1
    print(f"emulated deploy passed in {time.monotonic() - started:.0f} s")
    if args.keep:
        print(f"stacks and logs kept in {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""One Terraform root module written by `ragc build`, pointed at the emulator without
editing what ragc wrote, and the Terraform steps run on it."""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time

from emulator import client_environment, require_local

PLUGIN_DIR = os.environ.get("RAGC_TF_PLUGIN_DIR", "/opt/tf-plugins")
TERRAFORM = os.environ.get("TERRAFORM", "terraform")

# Resource type prefix -> the provider's endpoint key for the API that manages it.
# A type that matches none stops the run: its calls would go to a real endpoint.
ENDPOINT_OF_TYPE = [
    ("aws_appautoscaling_", "appautoscaling"),
    ("aws_caller_identity", "sts"),
    ("aws_cloudwatch_log_", "logs"),
    ("aws_ecr_", "ecr"),
    ("aws_ecs_", "ecs"),
    ("aws_iam_", "iam"),
    ("aws_lb", "elbv2"),
    ("aws_s3_", "s3"),
    ("aws_secretsmanager_", "secretsmanager"),
] + [(prefix, "ec2") for prefix in (
    "aws_vpc", "aws_subnet", "aws_nat_gateway", "aws_eip", "aws_route", "aws_internet_gateway",
    "aws_security_group", "aws_default_security_group",
)]

_print_lock = threading.Lock()


def say(stack: str, message: str) -> None:
    with _print_lock:
        print(f"[{stack:>8}] {message}", flush=True)


class StepFailed(Exception):
    def __init__(self, stack: str, step: str, detail: str):
        super().__init__(f"{stack}: terraform {step} failed\n{detail}")
        self.stack, self.step, self.detail = stack, step, detail


def terraform_errors(output: str, limit: int = 40) -> str:
    """Terraform's `Error:` blocks out of a run's output (the log holds the rest)."""
    lines, keep = [], False
    for line in output.splitlines():
        stripped = line.lstrip("│ ").rstrip()
        if stripped.startswith("Error:"):
            keep = True
        if keep:
            lines.append(stripped)
    return "\n".join(lines[:limit]) if lines else "\n".join(output.splitlines()[-limit:])


def endpoint_key(resource_type: str) -> str:
    for prefix, key in ENDPOINT_OF_TYPE:
        if resource_type.startswith(prefix):
            return key
    raise SystemExit(f"no emulator endpoint is configured for {resource_type}: add it to ENDPOINT_OF_TYPE")


class Stack:
    def __init__(self, name: str, directory: str, emulator_url: str, variables: dict[str, str]):
        self.name, self.dir, self.variables = name, directory, variables
        self.url = require_local(emulator_url)
        with open(os.path.join(directory, "main.tf.json"), encoding="utf-8") as handle:
            self.main = json.load(handle)
        with open(os.path.join(directory, "backend.tf.json"), encoding="utf-8") as handle:
            self.backend = json.load(handle)["terraform"].get("backend", {}).get("s3")
        home = os.path.join(directory, ".home")
        os.makedirs(home, exist_ok=True)
        rc = os.path.join(home, "terraformrc")
        open(rc, "w").close()
        self.env = client_environment() | {
            "HOME": home, "TF_CLI_CONFIG_FILE": rc, "TF_IN_AUTOMATION": "1", "TF_INPUT": "0",
            "CHECKPOINT_DISABLE": "1",
        }
        for key in [key for key in self.env if key.startswith("TF_CLI_ARGS") or key in ("TF_WORKSPACE", "TF_DATA_DIR")]:
            del self.env[key]
        self._point_at_emulator()

    @property
    def resource_types(self) -> set[str]:
        return set(self.main.get("resource", {})) | set(self.main.get("data", {}))

    def _point_at_emulator(self) -> None:
        endpoints = {key: self.url for key in sorted({endpoint_key(t) for t in self.resource_types} | {"sts"})}
        provider = {
            "endpoints": [endpoints],
            "s3_use_path_style": True,
            "insecure": True,
            "skip_credentials_validation": True,
            "skip_metadata_api_check": True,
            "skip_region_validation": True,
        }
        self.write_override("emulator_override.tf.json", {"provider": {"aws": provider}})
        if self.backend:
            self.backend_config = os.path.join(self.dir, ".emulator-backend.hcl")
            with open(self.backend_config, "w", encoding="utf-8") as handle:
                handle.write(
                    f'endpoints = {{ s3 = "{self.url}", sts = "{self.url}", iam = "{self.url}" }}\n'
                    "use_path_style = true\ninsecure = true\nskip_credentials_validation = true\n"
                    "skip_metadata_api_check = true\nskip_region_validation = true\n"
                )

    def write_override(self, file_name: str, document: dict) -> None:
        with open(os.path.join(self.dir, file_name), "w", encoding="utf-8") as handle:
            json.dump(document, handle, indent=2)

    def remove_override(self, file_name: str) -> None:
        os.remove(os.path.join(self.dir, file_name))

    def run(self, step: str, *args: str, ok_codes=(0,)) -> subprocess.CompletedProcess:
        started = time.monotonic()
        say(self.name, f"{step} ...")
        result = subprocess.run([TERRAFORM, *args, "-no-color"], cwd=self.dir, env=self.env,
                                capture_output=True, text=True)
        with open(os.path.join(self.dir, f".{step.replace(' ', '-')}.log"), "a", encoding="utf-8") as log:
            log.write(result.stdout + result.stderr)
        if result.returncode not in ok_codes:
            raise StepFailed(self.name, step, terraform_errors(result.stdout + result.stderr))
        say(self.name, f"{step} done in {time.monotonic() - started:.0f} s")
        return result

    def var_args(self) -> list[str]:
        return [f"-var={key}={value}" for key, value in sorted(self.variables.items())]

    def init(self) -> None:
        args = ["init", "-input=false", f"-plugin-dir={PLUGIN_DIR}"]
        if self.backend:
            args.append(f"-backend-config={self.backend_config}")
        self.run("init", *args)

    def apply(self, step: str = "apply") -> None:
        self.run(step, "apply", "-input=false", "-auto-approve", "-parallelism=20", *self.var_args())

    def plan(self, step: str = "re-plan") -> dict | None:
        """None when the plan says No changes, else the plan as `terraform show -json`."""
        result = self.run(step, "plan", "-input=false", "-detailed-exitcode", "-out=.replan", *self.var_args(),
                          ok_codes=(0, 2))
        if result.returncode == 0:
            return None
        shown = subprocess.run([TERRAFORM, "show", "-json", ".replan"], cwd=self.dir, env=self.env,
                               capture_output=True, text=True, check=True)
        return json.loads(shown.stdout)

    def destroy(self, step: str = "destroy", ok_codes=(0,)) -> subprocess.CompletedProcess:
        return self.run(step, "destroy", "-input=false", "-auto-approve", *self.var_args(), ok_codes=ok_codes)

    def outputs(self) -> dict:
        shown = subprocess.run([TERRAFORM, "output", "-json"], cwd=self.dir, env=self.env,
                               capture_output=True, text=True, check=True)
        return {key: value["value"] for key, value in json.loads(shown.stdout).items()}

    def state_resources(self) -> list[dict]:
        """Every managed resource instance in the stack's state: type, name, attribute values."""
        shown = subprocess.run([TERRAFORM, "show", "-json"], cwd=self.dir, env=self.env,
                               capture_output=True, text=True, check=True)
        found, modules = [], [json.loads(shown.stdout).get("values", {}).get("root_module", {})]
        while modules:
            module = modules.pop()
            found += [r for r in module.get("resources", []) if r["mode"] == "managed"]
            modules += module.get("child_modules", [])
        return found

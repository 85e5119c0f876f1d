"""Deliberately broken versions of a deployed environment, to prove the checks in
checks.py can fail. Each fault changes the stack through a Terraform override file
(never ragc's output) and names the check that must catch it."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from typing import Callable

OVERRIDE_FILE = "fault_override.tf.json"


@dataclass(frozen=True)
class Fault:
    description: str
    caught_by: str  # a check name of checks.py
    # (the stack's main.tf.json resources) -> {resource type: {name: overriding arguments}}
    override: Callable[[dict], dict]


def _only(resources: dict, resource_type: str) -> tuple[str, dict]:
    (name, body), *rest = sorted(resources[resource_type].items())
    assert not rest, f"more than one {resource_type}"
    return name, body


def _longer_log_retention(resources: dict) -> dict:
    name, body = _only(resources, "aws_cloudwatch_log_group")
    return {"aws_cloudwatch_log_group": {name: {"retention_in_days": body["retention_in_days"] * 2}}}


def _bigger_task(resources: dict) -> dict:
    name, body = _only(resources, "aws_ecs_task_definition")
    return {"aws_ecs_task_definition": {name: {"cpu": str(int(body["cpu"]) * 2), "memory": str(int(body["memory"]) * 2)}}}


def _more_tasks(resources: dict) -> dict:
    # Only where the service does not leave desired_count to autoscaling (staging).
    name, body = _only(resources, "aws_ecs_service")
    return {"aws_ecs_service": {name: {"desired_count": body["desired_count"] + 1}}}


def _task_ingress_from_anywhere(resources: dict) -> dict:
    rules = resources["aws_vpc_security_group_ingress_rule"]
    (name,) = [n for n, rule in rules.items() if rule.get("referenced_security_group_id") and n.endswith("from_alb")]
    return {"aws_vpc_security_group_ingress_rule": {name: {"cidr_ipv4": "0.0.0.0/0", "referenced_security_group_id": None}}}


def _tasks_with_public_ip(resources: dict) -> dict:
    name, body = _only(resources, "aws_ecs_service")
    network = copy.deepcopy(body["network_configuration"])
    network[0]["assign_public_ip"] = True
    return {"aws_ecs_service": {name: {"network_configuration": network}}}


def _task_role_on_everything(resources: dict) -> dict:
    policies = resources["aws_iam_role_policy"]
    (name,) = [n for n in policies if n.endswith("task")]
    document = json.loads(policies[name]["policy"])
    document["Statement"].append({"Sid": "Fault", "Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "*"})
    return {"aws_iam_role_policy": {name: {"policy": json.dumps(document, sort_keys=True)}}}


FAULTS = [
    Fault("log group keeps logs twice as long", "log retention", _longer_log_retention),
    Fault("task definition twice the size", "task size", _bigger_task),
    Fault("one more task than specified", "desired count", _more_tasks),
    Fault("task security group open to 0.0.0.0/0", "task ingress", _task_ingress_from_anywhere),
    Fault("tasks get public IPs", "public ip", _tasks_with_public_ip),
    Fault("task role reads every object of every bucket", "iam", _task_role_on_everything),
]


def override_document(main: dict) -> dict:
    """One override file with every fault, merged by resource."""
    merged: dict[str, dict[str, dict]] = {}
    for fault in FAULTS:
        for resource_type, instances in fault.override(main["resource"]).items():
            for name, arguments in instances.items():
                merged.setdefault(resource_type, {}).setdefault(name, {}).update(arguments)
    return {"resource": merged}

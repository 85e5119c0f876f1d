"""Every known difference between moto (the AWS API emulator) and AWS that the
emulated deploy meets, in one place.

Two kinds of gap live here:

* FIXES: moto behaves differently from AWS in a way that breaks an apply. Each
  fix patches moto in memory (the launcher applies them before it starts the
  server) and carries a `still_needed()` check that tests the unpatched moto
  behaviour it works around. test_emulator_gaps.py runs those checks, so when a
  moto upgrade fixes a gap the test fails and the fix is deleted, not kept
  forever.
* REPLAN_ALLOWED: attributes moto reads back in another shape than it was
  given, so the re-plan after a clean apply shows an in-place update that AWS
  would not. Each entry is exact: resource type, attribute, and a predicate on
  the value moto returned. Any other difference fails the re-plan.

What ragc emits is never changed to please the emulator.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Callable

MOTO_VERSION = "5.2.6"


@dataclass(frozen=True)
class Fix:
    name: str
    gap: str
    still_needed: Callable[[], bool]
    apply: Callable[[], None]


# --- Gap 1: bucket-policy conditions -------------------------------------------------
#
# Evidence: `terraform init` of staging against the state bucket, whose policy denies
# `aws:SecureTransport = false`: "HeadObject ... StatusCode: 403 ... Forbidden", over TLS.
# moto/iam/policy_conditions.py knows only `StringEquals` and takes every other operator
# as holding; FakeBucket.get_permission passes no request context (so no
# aws:SecureTransport); and IAMPolicyStatement turns a statement whose condition does not
# hold into DENIED, where AWS ignores such a statement. Together: every request is denied.
#
# Fix: the `Bool` operator; bucket policies evaluated with aws:SecureTransport = "true"
# (the launcher serves TLS only, so every request is secure); a statement whose
# conditions do not hold does not apply (NEUTRAL), as in AWS's policy evaluation logic.


def _bool_operation(expected: Any, actual: str) -> bool:
    values = expected if isinstance(expected, list) else [expected]
    return actual.lower() in [str(value).lower() for value in values]


_TLS_ONLY_POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": "*",
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            }
        ],
    }
)


def _tls_only_policy_denies_tls_request() -> bool:
    from moto.iam.access_control import PermissionResult
    from moto.s3.models import FakeBucket

    bucket = FakeBucket("probe", account_id="123456789012", region_name="us-east-1")
    bucket.policy = _TLS_ONLY_POLICY.encode()
    return bucket.get_permission("s3:GetObject", "arn:aws:s3:::probe/key") == PermissionResult.DENIED


def _apply_bucket_policy_conditions() -> None:
    from moto.iam import access_control, policy_conditions
    from moto.s3.models import FakeBucket

    policy_conditions.CONDITION_OPERATIONS["Bool"] = _bool_operation

    statement = access_control.IAMPolicyStatement
    original = statement.is_action_permitted

    def is_action_permitted(self, action, resource="*", principal=None, incoming_condition_values=None):
        if self._statement.get("Condition") and not self._check_conditions(incoming_condition_values):
            return access_control.PermissionResult.NEUTRAL
        return original(self, action, resource, principal, incoming_condition_values)

    statement.is_action_permitted = is_action_permitted

    def get_permission(self, action: str, resource: str) -> Any:
        if self.policy is None:
            return access_control.PermissionResult.NEUTRAL
        return access_control.IAMPolicy(self.policy.decode()).is_action_permitted(
            action, resource, incoming_condition_values={"aws:SecureTransport": "true"}
        )

    FakeBucket.get_permission = get_permission


# --- Gap 2: Application Auto Scaling tags --------------------------------------------
#
# Evidence: moto's server log "NotImplementedError: The list_tags_for_resource action
# has not been implemented" for application-autoscaling; the provider retries and
# `aws_appautoscaling_target` stays "Still creating..." for over 10 minutes.
# RegisterScalableTarget also ignores its `Tags`.
#
# Fix: TagResource, UntagResource and ListTagsForResource on a per-backend tag store
# keyed by the scalable target's ARN, and RegisterScalableTarget's Tags stored there.


def _autoscaling_tags_missing() -> bool:
    from moto.applicationautoscaling.responses import ApplicationAutoScalingResponse

    return not hasattr(ApplicationAutoScalingResponse, "list_tags_for_resource")


def _apply_autoscaling_tags() -> None:
    from moto.applicationautoscaling.responses import ApplicationAutoScalingResponse

    def tag_store(response) -> dict[str, dict[str, str]]:
        backend = response.applicationautoscaling_backend
        if not hasattr(backend, "ragc_tags"):
            backend.ragc_tags = {}
        return backend.ragc_tags

    original_register = ApplicationAutoScalingResponse.register_scalable_target

    def register_scalable_target(self) -> str:
        body = original_register(self)
        tags = self._get_param("Tags") or {}
        if tags:
            tag_store(self).setdefault(json.loads(body)["ScalableTargetARN"], {}).update(tags)
        return body

    def tag_resource(self) -> str:
        tag_store(self).setdefault(self._get_param("ResourceARN"), {}).update(self._get_param("Tags") or {})
        return json.dumps({})

    def untag_resource(self) -> str:
        tags = tag_store(self).get(self._get_param("ResourceARN"), {})
        for key in self._get_param("TagKeys") or []:
            tags.pop(key, None)
        return json.dumps({})

    def list_tags_for_resource(self) -> str:
        return json.dumps({"Tags": tag_store(self).get(self._get_param("ResourceARN"), {})})

    ApplicationAutoScalingResponse.register_scalable_target = register_scalable_target
    ApplicationAutoScalingResponse.tag_resource = tag_resource
    ApplicationAutoScalingResponse.untag_resource = untag_resource
    ApplicationAutoScalingResponse.list_tags_for_resource = list_tags_for_resource


# --- Gap 3: load balancer scheme ------------------------------------------------------
#
# Evidence: DescribeLoadBalancers after the apply has no `Scheme` for rag-api-staging.
# The provider sends no Scheme for `internal = false` (AWS then defaults to
# internet-facing); moto's CreateLoadBalancer passes the missing parameter on as None
# over its own "internet-facing" default.
#
# Fix: a missing Scheme is internet-facing, as in AWS.


def created_load_balancer_scheme(**scheme) -> str | None:
    """The Scheme an in-process moto reports for a new load balancer created with
    `scheme` (Scheme="internal", or nothing)."""
    import boto3
    from moto import mock_aws

    with mock_aws():
        ec2 = boto3.client("ec2", region_name="us-east-1")
        vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"us-east-1{zone}")["Subnet"]["SubnetId"]
                   for i, zone in enumerate("ab")]
        elbv2 = boto3.client("elbv2", region_name="us-east-1")
        return elbv2.create_load_balancer(Name="probe", Subnets=subnets, **scheme)["LoadBalancers"][0].get("Scheme")


def _apply_default_scheme() -> None:
    from moto.elbv2.models import ELBv2Backend

    original = ELBv2Backend.create_load_balancer

    def create_load_balancer(self, *args, **kwargs):
        if kwargs.get("scheme") is None:
            kwargs["scheme"] = "internet-facing"
        return original(self, *args, **kwargs)

    ELBv2Backend.create_load_balancer = create_load_balancer


FIXES = [
    Fix(
        name="bucket-policy-conditions",
        gap="bucket policies: only StringEquals evaluated, no aws:SecureTransport, a failed condition denies",
        still_needed=_tls_only_policy_denies_tls_request,
        apply=_apply_bucket_policy_conditions,
    ),
    Fix(
        name="autoscaling-tags",
        gap="application-autoscaling: TagResource/UntagResource/ListTagsForResource not implemented",
        still_needed=_autoscaling_tags_missing,
        apply=_apply_autoscaling_tags,
    ),
    Fix(
        name="load-balancer-default-scheme",
        gap="elbv2: CreateLoadBalancer without Scheme stores none instead of internet-facing",
        still_needed=lambda: created_load_balancer_scheme() is None,
        apply=_apply_default_scheme,
    ),
]


def apply_fixes() -> None:
    for fix in FIXES:
        fix.apply()


# --- Re-plan differences that are moto's ----------------------------------------------


@dataclass(frozen=True)
class ReplanAllowed:
    resource_type: str
    attribute: str
    gap: str
    # Given (value before = what the state holds, read back from moto; value after =
    # what the configuration asks for), is this exactly moto's known shape?
    matches: Callable[[Any, Any], bool]


_ACCOUNT_PREFIXED_GROUP = re.compile(r"^\d{12}/(sg-[0-9a-f]+)$")


def _account_prefixed_group(before: Any, after: Any) -> bool:
    # moto returns a referenced group as "<account>/sg-..." (the cross-account form).
    match = _ACCOUNT_PREFIXED_GROUP.match(before or "")
    return bool(match) and (after is None or match.group(1) == after)


def _description_lost(before: Any, after: Any) -> bool:
    # moto drops the description of a rule that references a group.
    return before in (None, "") and isinstance(after, str)


def _rebalancing_not_stored(before: Any, after: Any) -> bool:
    return before in (None, "") and after in ("ENABLED", "DISABLED")


REPLAN_ALLOWED = [
    ReplanAllowed(
        rtype,
        "referenced_security_group_id",
        "security group rules that reference a group read back as '<account>/sg-...'",
        _account_prefixed_group,
    )
    for rtype in ("aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule")
] + [
    ReplanAllowed(
        rtype,
        "description",
        "security group rules that reference a group lose their description",
        _description_lost,
    )
    for rtype in ("aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule")
] + [
    ReplanAllowed(
        "aws_ecs_service",
        "availability_zone_rebalancing",
        "ECS services do not store availability_zone_rebalancing",
        _rebalancing_not_stored,
    ),
]


def _has_unknown(marks: Any) -> bool:
    if isinstance(marks, dict):
        return any(_has_unknown(mark) for mark in marks.values())
    if isinstance(marks, list):
        return any(_has_unknown(mark) for mark in marks)
    return marks is True


def unexplained_changes(plan: dict) -> list[str]:
    """The planned changes of `terraform show -json PLAN` that no REPLAN_ALLOWED entry
    explains, one line each; empty when every difference is moto's."""
    problems = []
    for change in plan.get("resource_changes", []):
        actions = change["change"]["actions"]
        if actions in (["no-op"], ["read"]):
            continue
        address = change["address"]
        if actions != ["update"]:
            problems.append(f"{address}: {'/'.join(actions)}")
            continue
        before, after = change["change"]["before"] or {}, change["change"]["after"] or {}
        for attribute in sorted(set(before) | set(after)):
            old, new = before.get(attribute), after.get(attribute)
            if _has_unknown((change["change"].get("after_unknown") or {}).get(attribute)):
                new = "(known after apply)"
            elif old == new:
                continue
            if not any(
                allowed.resource_type == change["type"]
                and allowed.attribute == attribute
                and allowed.matches(old, new)
                for allowed in REPLAN_ALLOWED
            ):
                problems.append(f"{address}: {attribute}: {json.dumps(old)} -> {json.dumps(new)}")
    return problems

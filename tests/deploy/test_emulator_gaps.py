"""Tests of emulator_gaps.py: each gap still exists in the pinned moto (so a fix that
has become useless fails here and is deleted), each fix does what it says, and the
re-plan allowlist accepts exactly moto's shapes.

    .venv-moto/bin/python -m unittest discover -s tests/deploy -p 'test_*.py'
"""

import json
import os
import subprocess
import sys
import unittest

import emulator_gaps

HERE = os.path.dirname(os.path.abspath(__file__))


class GapsStillExist(unittest.TestCase):
    def test_every_fix_is_still_needed(self):
        # In a fresh interpreter: this process applies the fixes in the tests below.
        for fix in emulator_gaps.FIXES:
            with self.subTest(fix=fix.name):
                result = subprocess.run(
                    [sys.executable, "-c", f"import emulator_gaps as g; print([f for f in g.FIXES if f.name == {fix.name!r}][0].still_needed())"],
                    cwd=HERE, capture_output=True, text=True, check=True,
                )
                self.assertEqual(result.stdout.strip(), "True", f"moto no longer has the gap '{fix.gap}': delete the fix")


class FixesWork(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        emulator_gaps.apply_fixes()

    def bucket_permission(self, statement):
        from moto.s3.models import FakeBucket

        bucket = FakeBucket("probe", account_id="123456789012", region_name="us-east-1")
        bucket.policy = json.dumps({"Version": "2012-10-17", "Statement": [statement]}).encode()
        return bucket.get_permission("s3:GetObject", "arn:aws:s3:::probe/key")

    def test_tls_only_deny_does_not_apply_to_tls_requests(self):
        from moto.iam.access_control import PermissionResult

        deny_plain = {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
                      "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
        self.assertEqual(self.bucket_permission(deny_plain), PermissionResult.NEUTRAL)

    def test_bool_condition_that_holds_still_denies(self):
        from moto.iam.access_control import PermissionResult

        deny_tls = {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
                    "Condition": {"Bool": {"aws:SecureTransport": "true"}}}
        self.assertEqual(self.bucket_permission(deny_tls), PermissionResult.DENIED)

    def test_autoscaling_tags_round_trip(self):
        import boto3
        from moto import mock_aws

        with mock_aws():
            ecs = boto3.client("ecs", region_name="us-east-1")
            ecs.create_cluster(clusterName="c")
            ecs.register_task_definition(family="t", containerDefinitions=[{"name": "a", "image": "i", "memory": 512}])
            ecs.create_service(cluster="c", serviceName="s", taskDefinition="t", desiredCount=1)
            scaling = boto3.client("application-autoscaling", region_name="us-east-1")
            scaling.register_scalable_target(
                ServiceNamespace="ecs", ResourceId="service/c/s", ScalableDimension="ecs:service:DesiredCount",
                MinCapacity=2, MaxCapacity=4, Tags={"Environment": "prod"},
            )
            arn = scaling.describe_scalable_targets(ServiceNamespace="ecs")["ScalableTargets"][0]["ScalableTargetARN"]
            self.assertEqual(scaling.list_tags_for_resource(ResourceARN=arn)["Tags"], {"Environment": "prod"})
            scaling.tag_resource(ResourceARN=arn, Tags={"Team": "rag"})
            scaling.untag_resource(ResourceARN=arn, TagKeys=["Environment"])
            self.assertEqual(scaling.list_tags_for_resource(ResourceARN=arn)["Tags"], {"Team": "rag"})

    def test_load_balancer_without_scheme_is_internet_facing(self):
        self.assertEqual(emulator_gaps.created_load_balancer_scheme(), "internet-facing")
        self.assertEqual(emulator_gaps.created_load_balancer_scheme(Scheme="internal"), "internal")


def update(rtype, before, after, unknown=None):
    return {"resource_changes": [{"address": f"{rtype}.x", "type": rtype, "change": {
        "actions": ["update"], "before": before, "after": after, "after_unknown": unknown or {}}}]}


class ReplanAllowlist(unittest.TestCase):
    def test_moto_shapes_are_explained(self):
        rule = "aws_vpc_security_group_ingress_rule"
        plan = update(rule,
                      {"referenced_security_group_id": "123456789012/sg-0abc", "description": None, "from_port": 8000},
                      {"referenced_security_group_id": "sg-0abc", "description": "from the ALB", "from_port": 8000})
        self.assertEqual(emulator_gaps.unexplained_changes(plan), [])
        plan = update("aws_ecs_service", {"availability_zone_rebalancing": ""}, {"availability_zone_rebalancing": "ENABLED"})
        self.assertEqual(emulator_gaps.unexplained_changes(plan), [])

    def test_other_differences_are_reported(self):
        rule = "aws_vpc_security_group_ingress_rule"
        # Another group entirely, not moto's account prefix on the same one.
        plan = update(rule, {"referenced_security_group_id": "123456789012/sg-0abc"}, {"referenced_security_group_id": "sg-0def"})
        self.assertEqual(len(emulator_gaps.unexplained_changes(plan)), 1)
        plan = update("aws_ecs_service", {"desired_count": 1}, {"desired_count": 2})
        self.assertEqual(emulator_gaps.unexplained_changes(plan), ['aws_ecs_service.x: desired_count: 1 -> 2'])
        plan = update("aws_ecs_service", {"task_definition": "a"}, {"task_definition": None}, {"task_definition": True})
        self.assertEqual(len(emulator_gaps.unexplained_changes(plan)), 1)
        replace = {"resource_changes": [{"address": "aws_lb.x", "type": "aws_lb", "change": {
            "actions": ["delete", "create"], "before": {}, "after": {}}}]}
        self.assertEqual(emulator_gaps.unexplained_changes(replace), ["aws_lb.x: delete/create"])


if __name__ == "__main__":
    unittest.main()

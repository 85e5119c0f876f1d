"""Tests of the deploy harness's own guards and helpers (no emulator needed)."""

import unittest

import faults
import stack
from emulator import client_environment, require_local


class Guards(unittest.TestCase):
    def test_only_local_endpoints_are_accepted(self):
        self.assertEqual(require_local("https://127.0.0.1:4566"), "https://127.0.0.1:4566")
        for url in ("https://s3.us-east-1.amazonaws.com", "https://127.0.0.1.example.com", "http://10.0.0.1:4566"):
            with self.subTest(url=url), self.assertRaises(SystemExit):
                require_local(url)

    def test_a_stack_cannot_point_at_a_real_endpoint(self):
        with self.assertRaises(SystemExit):
            stack.Stack("x", "/nonexistent", "https://sts.amazonaws.com", {})

    def test_real_credentials_never_reach_the_clients(self):
        import os

        os.environ["AWS_PROFILE"] = "production"
        os.environ["AWS_ACCESS_KEY_ID"] = "AKIAREAL"
        try:
            env = client_environment()
        finally:
            del os.environ["AWS_PROFILE"], os.environ["AWS_ACCESS_KEY_ID"]
        self.assertNotIn("AWS_PROFILE", env)
        self.assertEqual(env["AWS_ACCESS_KEY_ID"], "testing")

    def test_every_type_has_an_endpoint_and_an_unknown_one_stops_the_run(self):
        self.assertEqual(stack.endpoint_key("aws_vpc_security_group_ingress_rule"), "ec2")
        self.assertEqual(stack.endpoint_key("aws_lb_target_group"), "elbv2")
        with self.assertRaises(SystemExit):
            stack.endpoint_key("aws_dynamodb_table")


class Helpers(unittest.TestCase):
    def test_terraform_errors_keeps_the_error_blocks(self):
        output = "aws_vpc.main: Creating...\n╷\n│ Error: creating EC2 VPC: 403\n│ \n│   with aws_vpc.main,\n╵\n"
        self.assertEqual(stack.terraform_errors(output).splitlines()[0], "Error: creating EC2 VPC: 403")

    def test_faults_merge_into_one_override_per_resource(self):
        main = {"resource": {
            "aws_cloudwatch_log_group": {"app": {"retention_in_days": 7}},
            "aws_ecs_task_definition": {"app": {"cpu": "512", "memory": "1024"}},
            "aws_vpc_security_group_ingress_rule": {"tasks_from_alb": {"referenced_security_group_id": "${x}"}},
            "aws_ecs_service": {"app": {"desired_count": 1,
                                        "network_configuration": [{"assign_public_ip": False, "subnets": ["${s}"]}]}},
            "aws_iam_role_policy": {"task": {"policy": '{"Statement": []}'}},
        }}
        override = faults.override_document(main)["resource"]
        self.assertEqual(override["aws_cloudwatch_log_group"]["app"], {"retention_in_days": 14})
        self.assertEqual(override["aws_ecs_service"]["app"]["desired_count"], 2)
        self.assertEqual(override["aws_ecs_service"]["app"]["network_configuration"][0],
                         {"assign_public_ip": True, "subnets": ["${s}"]})
        self.assertIn('"Resource": "*"', override["aws_iam_role_policy"]["task"]["policy"])
        # The stack's own JSON is left as it was.
        self.assertFalse(main["resource"]["aws_ecs_service"]["app"]["network_configuration"][0]["assign_public_ip"])


if __name__ == "__main__":
    unittest.main()

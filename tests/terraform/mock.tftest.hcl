# Offline plan and apply of one emitted stack against a mocked AWS provider.
#
# validate_stack.sh copies this file next to the stack's *.tf.json files. The
# mock provider answers with random strings for computed attributes, but the
# real provider still validates every argument with the values it is given,
# so attributes that feed an ARN-typed argument must look like ARNs; they are
# pinned below. Account, region and names are placeholders.

mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "123456789012"
      arn        = "arn:aws:iam::123456789012:user/ragc-test"
      user_id    = "AIDARAGCTEST"
    }
  }

  mock_data "aws_ecr_repository" {
    defaults = {
      arn            = "arn:aws:ecr:us-east-1:123456789012:repository/rag-api"
      registry_id    = "123456789012"
      repository_url = "123456789012.dkr.ecr.us-east-1.amazonaws.com/rag-api"
    }
  }

  mock_resource "aws_iam_role" {
    defaults = {
      arn = "arn:aws:iam::123456789012:role/ragc-test"
    }
  }

  mock_resource "aws_lb" {
    defaults = {
      arn      = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/ragc-test/0123456789abcdef"
      dns_name = "ragc-test-123456789.us-east-1.elb.amazonaws.com"
    }
  }

  mock_resource "aws_lb_target_group" {
    defaults = {
      arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/ragc-test/0123456789abcdef"
    }
  }

  mock_resource "aws_lb_listener" {
    defaults = {
      arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/ragc-test/0123456789abcdef/0123456789abcdef"
    }
  }

  mock_resource "aws_ecs_cluster" {
    defaults = {
      arn = "arn:aws:ecs:us-east-1:123456789012:cluster/ragc-test"
      id  = "arn:aws:ecs:us-east-1:123456789012:cluster/ragc-test"
    }
  }

  mock_resource "aws_ecs_task_definition" {
    defaults = {
      arn                      = "arn:aws:ecs:us-east-1:123456789012:task-definition/ragc-test:1"
      arn_without_revision     = "arn:aws:ecs:us-east-1:123456789012:task-definition/ragc-test"
      revision                 = 1
    }
  }

  mock_resource "aws_cloudwatch_log_group" {
    defaults = {
      arn = "arn:aws:logs:us-east-1:123456789012:log-group:/ecs/ragc-test"
    }
  }

  mock_resource "aws_s3_bucket" {
    defaults = {
      arn = "arn:aws:s3:::ragc-test"
    }
  }

  mock_resource "aws_secretsmanager_secret" {
    defaults = {
      arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:ragc-test-AbCdEf"
    }
  }

  mock_resource "aws_ecr_repository" {
    defaults = {
      arn            = "arn:aws:ecr:us-east-1:123456789012:repository/rag-api"
      registry_id    = "123456789012"
      repository_url = "123456789012.dkr.ecr.us-east-1.amazonaws.com/rag-api"
    }
  }
}

# Stacks without an image_tag variable ignore this value.
variables {
  image_tag = "test"
}

run "plan" {
  command = plan
}

run "apply" {
  command = apply
}

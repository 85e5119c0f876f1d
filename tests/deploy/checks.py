"""What a deployed environment must be, read back through the AWS APIs.

Each check returns failures as (check, message) pairs instead of raising, so the fault
test can see which checks caught which deliberately broken stack.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass


@dataclass(frozen=True)
class Differentiators:
    """The specification's "Environment-Specific Differentiators" table, one row per env."""

    desired_count: int
    scaling: tuple[int, int] | None
    cpu: str
    memory: str
    zones: int
    nat_gateways: int
    log_retention_days: int


SPECIFICATION = {
    "staging": Differentiators(1, None, "512", "1024", 2, 1, 7),
    "prod": Differentiators(2, (2, 4), "1024", "2048", 3, 3, 30),
}

# The one action that has no resource to scope to (ECR's registry login).
ALLOWED_ON_ANY_RESOURCE = {"ecr:GetAuthorizationToken"}
TASK_PORT = 8000


class Failures(list):
    def add(self, check: str, message: str) -> None:
        self.append((check, message))


def _as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def _document(policy) -> dict:
    return json.loads(policy) if isinstance(policy, str) else policy


class Environment:
    """One deployed environment: its Terraform outputs and state, and API clients."""

    def __init__(self, name: str, clients, outputs: dict, state: list[dict], backend: dict | None):
        self.name, self.aws, self.outputs, self.backend = name, clients, outputs, backend
        self.state = state

    def state_ids(self, resource_type: str) -> list[str]:
        return [r["values"]["id"] for r in self.state if r["type"] == resource_type]

    def check(self) -> Failures:
        failures = Failures()
        ecs = self.aws("ecs")
        cluster, service_name = self.outputs["cluster"], self.outputs["service"]
        services = ecs.describe_services(cluster=cluster, services=[service_name])["services"]
        if not services:
            failures.add("service", f"no ECS service {service_name} in cluster {cluster}")
            return failures
        service = services[0]
        task = ecs.describe_task_definition(taskDefinition=service["taskDefinition"])["taskDefinition"]
        network = self._network()
        load_balancer = self._load_balancer()

        spec = SPECIFICATION.get(self.name)
        if spec:
            self._check_differentiators(spec, service, task, network, failures)
        self._check_placement(service, network, failures)
        self._check_ingress(service, load_balancer, failures)
        self._check_load_balancer(service, load_balancer, failures)
        self._check_iam(failures)
        self._check_secrets(task, failures)
        self._check_state_object(failures)
        return failures

    # --- reading -----------------------------------------------------------------------

    def _network(self) -> dict:
        """The VPC's subnets by kind and zone (public: default route to an internet
        gateway; private: to a NAT gateway) and its NAT gateways."""
        ec2 = self.aws("ec2")
        (vpc_id,) = self.state_ids("aws_vpc")
        vpc_filter = [{"Name": "vpc-id", "Values": [vpc_id]}]
        subnets = ec2.describe_subnets(Filters=vpc_filter)["Subnets"]
        kind_of_subnet = {}
        for table in ec2.describe_route_tables(Filters=vpc_filter)["RouteTables"]:
            default = [r for r in table["Routes"] if r.get("DestinationCidrBlock") == "0.0.0.0/0"]
            kind = ("public" if default and default[0].get("GatewayId", "").startswith("igw-")
                    else "private" if default and default[0].get("NatGatewayId") else "isolated")
            for association in table.get("Associations", []):
                if association.get("SubnetId"):
                    kind_of_subnet[association["SubnetId"]] = kind
        zones = defaultdict(lambda: defaultdict(list))
        for subnet in subnets:
            kind = kind_of_subnet.get(subnet["SubnetId"], "isolated")
            zones[subnet["AvailabilityZone"]][kind].append(subnet)
        nats = [n for n in ec2.describe_nat_gateways(Filters=vpc_filter)["NatGateways"]
                if n["State"] in ("pending", "available")]
        return {"zones": zones, "kind_of_subnet": kind_of_subnet, "nat_gateways": nats}

    def _load_balancer(self) -> dict | None:
        elbv2 = self.aws("elbv2")
        for balancer in elbv2.describe_load_balancers()["LoadBalancers"]:
            if balancer["DNSName"] == self.outputs["load_balancer_dns"]:
                return balancer
        return None

    # --- the checks --------------------------------------------------------------------

    def _check_differentiators(self, spec, service, task, network, failures: Failures) -> None:
        if service["desiredCount"] != spec.desired_count:
            failures.add("desired count", f"service runs {service['desiredCount']} tasks, the specification says {spec.desired_count}")
        scaling = self.aws("application-autoscaling").describe_scalable_targets(
            ServiceNamespace="ecs", ResourceIds=[f"service/{self.outputs['cluster']}/{self.outputs['service']}"],
        )["ScalableTargets"]
        found = (scaling[0]["MinCapacity"], scaling[0]["MaxCapacity"]) if scaling else None
        if found != spec.scaling:
            failures.add("scaling", f"scalable target {found or 'none'}, the specification says {spec.scaling or 'none'}")
        if (task.get("cpu"), task.get("memory")) != (spec.cpu, spec.memory):
            failures.add("task size", f"task cpu/memory {task.get('cpu')}/{task.get('memory')}, the specification says {spec.cpu}/{spec.memory}")
        zones = network["zones"]
        if len(zones) != spec.zones:
            failures.add("zones", f"subnets in {len(zones)} zones, the specification says {spec.zones}")
        for zone, kinds in sorted(zones.items()):
            counts = {kind: len(kinds.get(kind, [])) for kind in ("public", "private", "isolated")}
            if counts != {"public": 1, "private": 1, "isolated": 0}:
                failures.add("zones", f"{zone} has {counts}, the specification says one public and one private subnet")
        if len(network["nat_gateways"]) != spec.nat_gateways:
            failures.add("nat gateways", f"{len(network['nat_gateways'])} NAT gateways, the specification says {spec.nat_gateways}")
        groups = self.aws("logs").describe_log_groups(logGroupNamePrefix=self.outputs["log_group"])["logGroups"]
        retention = next((g.get("retentionInDays") for g in groups if g["logGroupName"] == self.outputs["log_group"]), None)
        if retention != spec.log_retention_days:
            failures.add("log retention", f"log group {self.outputs['log_group']} keeps logs {retention} days, the specification says {spec.log_retention_days}")

    def _check_placement(self, service, network, failures: Failures) -> None:
        vpc_config = service.get("networkConfiguration", {}).get("awsvpcConfiguration", {})
        if vpc_config.get("assignPublicIp") != "DISABLED":
            failures.add("public ip", f"tasks get a public IP (assignPublicIp {vpc_config.get('assignPublicIp')})")
        not_private = [s for s in vpc_config.get("subnets", []) if network["kind_of_subnet"].get(s) != "private"]
        if not_private or not vpc_config.get("subnets"):
            failures.add("private subnets", f"tasks run in subnets that are not private: {not_private or 'none given'}")

    def _check_ingress(self, service, load_balancer, failures: Failures) -> None:
        groups = service.get("networkConfiguration", {}).get("awsvpcConfiguration", {}).get("securityGroups", [])
        alb_groups = set(load_balancer.get("SecurityGroups", [])) if load_balancer else set()
        rules = self.aws("ec2").describe_security_group_rules(
            Filters=[{"Name": "group-id", "Values": groups}])["SecurityGroupRules"] if groups else []
        ingress = [rule for rule in rules if not rule["IsEgress"]]
        if not ingress:
            failures.add("task ingress", "the tasks' security groups admit nothing: the load balancer cannot reach them")
        for rule in ingress:
            source = rule.get("ReferencedGroupInfo", {}).get("GroupId")
            ports = (rule.get("IpProtocol"), rule.get("FromPort"), rule.get("ToPort"))
            if ports != ("tcp", TASK_PORT, TASK_PORT) or source not in alb_groups or rule.get("CidrIpv4") or rule.get("CidrIpv6") or rule.get("PrefixListId"):
                failures.add("task ingress", f"task security group rule {rule['SecurityGroupRuleId']} admits {ports} from "
                             f"{source or rule.get('CidrIpv4') or rule.get('CidrIpv6') or rule.get('PrefixListId')}; "
                             f"only tcp {TASK_PORT} from the load balancer's group {sorted(alb_groups)} is allowed")

    def _check_load_balancer(self, service, load_balancer, failures: Failures) -> None:
        if not load_balancer:
            failures.add("load balancer", f"no load balancer answers to {self.outputs['load_balancer_dns']}")
            return
        if (load_balancer["Scheme"], load_balancer["Type"]) != ("internet-facing", "application"):
            failures.add("load balancer", f"load balancer is {load_balancer['Scheme']} {load_balancer['Type']}, not internet-facing application")
        groups = self.aws("elbv2").describe_target_groups(LoadBalancerArn=load_balancer["LoadBalancerArn"])["TargetGroups"]
        served = {entry["targetGroupArn"]: entry["containerPort"] for entry in service.get("loadBalancers", [])}
        for group in groups:
            if (group["TargetType"], group["Port"]) != ("ip", TASK_PORT):
                failures.add("target group", f"target group {group['TargetGroupName']} is {group['TargetType']} on {group['Port']}, not ip on {TASK_PORT}")
        if not groups or any(served.get(g["TargetGroupArn"]) != TASK_PORT for g in groups):
            failures.add("target group", f"the service registers {served} with the load balancer's target groups {[g['TargetGroupArn'] for g in groups]}")

    def _check_iam(self, failures: Failures) -> None:
        iam = self.aws("iam")
        for role in self.state_ids("aws_iam_role"):
            documents = [
                (name, _document(iam.get_role_policy(RoleName=role, PolicyName=name)["PolicyDocument"]))
                for name in iam.list_role_policies(RoleName=role)["PolicyNames"]
            ]
            for attached in iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"]:
                policy = iam.get_policy(PolicyArn=attached["PolicyArn"])["Policy"]
                version = iam.get_policy_version(PolicyArn=attached["PolicyArn"], VersionId=policy["DefaultVersionId"])
                documents.append((attached["PolicyName"], _document(version["PolicyVersion"]["Document"])))
            for policy_name, document in documents:
                for statement in _as_list(document.get("Statement", [])):
                    if statement.get("Effect") != "Allow":
                        continue
                    actions = set(_as_list(statement.get("Action", [])))
                    broad = "NotAction" in statement or "NotResource" in statement or "*" in actions
                    on_anything = "*" in _as_list(statement.get("Resource", []))
                    if broad or (on_anything and not actions <= ALLOWED_ON_ANY_RESOURCE):
                        failures.add("iam", f"role {role} policy {policy_name} allows {sorted(actions) or statement.get('NotAction')} on {statement.get('Resource') or statement.get('NotResource')}")

    def _check_secrets(self, task, failures: Failures) -> None:
        secrets = self.aws("secretsmanager")
        for container in task["containerDefinitions"]:
            for entry in container.get("secrets", []):
                try:
                    found = secrets.describe_secret(SecretId=entry["valueFrom"])
                except secrets.exceptions.ResourceNotFoundException:
                    found = None
                if not found or found["ARN"] != entry["valueFrom"] or found.get("DeletedDate"):
                    failures.add("secrets", f"container {container['name']} secret {entry['name']} reads {entry['valueFrom']}, which is not an existing secret's ARN")

    def _check_state_object(self, failures: Failures) -> None:
        if not self.backend:
            return
        s3 = self.aws("s3")
        bucket, key = self.backend["bucket"], self.backend["key"]
        keys = {o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix=key).get("Contents", [])}
        if key not in keys:
            failures.add("state", f"no state object s3://{bucket}/{key}")
        if f"{key}.tflock" in keys:
            failures.add("state", f"the lock file s3://{bucket}/{key}.tflock was left behind")


def leftovers(aws, kept_buckets: set[str]) -> list[str]:
    """Everything an environment creates that still exists in the emulated account.
    The global stack's buckets are kept; so are moto's default VPC and what it holds,
    NAT gateways in a deleted state and secrets scheduled for deletion (AWS keeps all
    of these visible for a while too)."""
    found = []
    ec2 = aws("ec2")
    vpcs = [v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"] if not v.get("IsDefault")]
    found += [f"VPC {vpc}" for vpc in vpcs]
    found += [f"NAT gateway {n['NatGatewayId']} ({n['State']})" for n in ec2.describe_nat_gateways()["NatGateways"]
              if n["State"] not in ("deleting", "deleted")]
    found += [f"Elastic IP {a.get('AllocationId')}" for a in ec2.describe_addresses()["Addresses"]]
    found += [f"VPC endpoint {e['VpcEndpointId']}" for e in ec2.describe_vpc_endpoints()["VpcEndpoints"]
              if e["State"].lower() not in ("deleted", "deleting")]
    elbv2 = aws("elbv2")
    found += [f"load balancer {b['LoadBalancerName']}" for b in elbv2.describe_load_balancers()["LoadBalancers"]]
    found += [f"target group {g['TargetGroupName']}" for g in elbv2.describe_target_groups()["TargetGroups"]]
    ecs = aws("ecs")
    clusters = ecs.list_clusters()["clusterArns"]
    if clusters:
        found += [f"ECS cluster {c['clusterName']}" for c in ecs.describe_clusters(clusters=clusters)["clusters"]
                  if c["status"] == "ACTIVE"]
    found += [f"task definition {arn}" for arn in ecs.list_task_definitions(status="ACTIVE")["taskDefinitionArns"]]
    found += [f"scalable target {t['ResourceId']}" for t in
              aws("application-autoscaling").describe_scalable_targets(ServiceNamespace="ecs")["ScalableTargets"]]
    found += [f"IAM role {r['RoleName']}" for r in aws("iam").list_roles()["Roles"]
              if not r["Path"].startswith("/aws-service-role/")]
    found += [f"log group {g['logGroupName']}" for g in aws("logs").describe_log_groups()["logGroups"]]
    found += [f"bucket {b['Name']}" for b in aws("s3").list_buckets()["Buckets"] if b["Name"] not in kept_buckets]
    found += [f"secret {s['Name']}" for s in aws("secretsmanager").list_secrets()["SecretList"] if not s.get("DeletedDate")]
    return found

#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Generate a realistic, deterministic CloudTrail corpus for trailwatch benchmarks and tests.

Three output modes (exactly one):
  --out DIR          S3 layout: DIR/AWSLogs/<acct>/CloudTrail/<region>/YYYY/MM/DD/
                     <acct>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<16 chars>.json.gz, each a gzip of one
                     compact {"Records":[...]} document (plain .json with --plain), plus DIR/manifest.json.
                     Point trailwatch at DIR/AWSLogs (or DIR: the manifest is not a CloudTrail file).
  --ndjson FILE      one record per line ("-" = stdout), for stdin tests.
  --single-doc FILE  one huge {"Records":[...]} document ("-" = stdout).

Determinism: file (or chunk) number i is generated from its own RNG seeded by (--seed, i) and from a
"world" (accounts, principals, buckets, ...) derived from --seed alone, so the output bytes depend only
on the parameters, never on --jobs. The file that crosses --size-mb is cut at the record that reaches it.

The record mix follows shared/docs/cloudtrail.md: CloudTrail's key order, userIdentity types
(AssumedRole with sessionContext, IAMUser, AWSService, Root), data and management events, tlsDetails,
EC2 Query-style lists ({"items":[...]}, empty list = {}), epoch-millisecond launchTime. RunInstances
records (--launch-rate) mix watched types (GPU/accelerator "tier A" families, very large "tier B" sizes)
and ordinary ones, plain launches, launch-template launches whose type is only in the response,
template+override launches, and failures (UnauthorizedOperation, VcpuLimitExceeded, DryRunOperation)
with responseElements null. Every launch is listed in the manifest, so tests can check alert counts.

Python 3 (tested with 3.11), standard library only.
"""

import argparse
import hashlib
import json
import math
import multiprocessing
import os
import random
import sys
import time
import zlib

GENERATOR_VERSION = 2

# Default compression ratio: the real trail files in shared/fixtures/cloudtrail with 20 records or
# more compress (gzip -6, compact JSON in a Records envelope) 7.3 to 13.0 : 1, median 10.6; the
# 466-record Panther set 10.1 : 1 (bench/README.md, "Compression ratio").
DEFAULT_RATIO = 10.0

# ----------------------------------------------------------------------------------------------
# Static catalogues
# ----------------------------------------------------------------------------------------------

# Regions in the order --regions N takes them, with a traffic weight (us-east-1 also carries the
# global services IAM/STS/CloudFront/sign-in since 2021-11-22, cloudtrail.md §1).
REGIONS = [
    ("us-east-1", 10), ("us-west-2", 6), ("eu-west-1", 5), ("eu-central-1", 4),
    ("ap-southeast-1", 3), ("ap-northeast-1", 3), ("us-east-2", 3), ("eu-west-2", 2),
    ("ap-south-1", 2), ("ca-central-1", 1), ("sa-east-1", 1), ("ap-southeast-2", 1),
    ("eu-north-1", 1), ("us-west-1", 1), ("ap-northeast-2", 1), ("eu-west-3", 1),
]
GLOBAL_REGION = "us-east-1"

# Instance types for RunInstances, with weights. Tier A: accelerator families, any size.
# Tier B: very large sizes (>= 24xlarge, metal, u-*/x1*/hpc* families). Ordinary: neither.
# (shared/docs/landscape.md §4). The tier of every type here is explicit, never inferred.
TIER_A_TYPES = [
    ("g4dn.xlarge", 12), ("p3.2xlarge", 8), ("g4dn.2xlarge", 4), ("g4dn.12xlarge", 3),
    ("p3.8xlarge", 3), ("p3.16xlarge", 2), ("p4d.24xlarge", 3), ("p3dn.24xlarge", 1),
    ("p2.xlarge", 3), ("g5.xlarge", 4), ("g5.8xlarge", 2), ("g5.48xlarge", 1),
    ("g6.xlarge", 2), ("g6e.12xlarge", 1), ("p5.48xlarge", 1), ("g4ad.4xlarge", 1),
    ("inf2.xlarge", 1), ("trn1.32xlarge", 1),
]
TIER_B_TYPES = [
    ("c5.24xlarge", 5), ("m5.24xlarge", 3), ("r6i.32xlarge", 2), ("c6i.metal", 2),
    ("m7i.48xlarge", 2), ("c7i.metal-48xl", 1), ("x1e.32xlarge", 1), ("hpc7a.96xlarge", 1),
    ("u-6tb1.112xlarge", 1), ("c6a.48xlarge", 2),
]
ORDINARY_TYPES = [
    ("t3.micro", 10), ("t3.medium", 8), ("t3.large", 5), ("m5.large", 10), ("m5.xlarge", 6),
    ("c5.xlarge", 5), ("c5.2xlarge", 4), ("r5.large", 3), ("t4g.small", 4), ("m6i.4xlarge", 3),
    ("c6g.8xlarge", 2), ("m5.16xlarge", 1), ("c5.18xlarge", 1), ("t2.micro", 3), ("m6g.medium", 2),
]
TIER_OF = {}
for _t, _w in TIER_A_TYPES:
    TIER_OF[_t] = "A"
for _t, _w in TIER_B_TYPES:
    TIER_OF[_t] = "B"
for _t, _w in ORDINARY_TYPES:
    TIER_OF[_t] = "none"

# RunInstances shapes: (name, weight). See cloudtrail.md §8/§9.
LAUNCH_SHAPES = [
    ("plain", 50),              # type in request (top level) and in every response item
    ("template", 18),           # Auto Scaling via launch template: type only in the response
    ("template_override", 5),   # launch template + instanceType override: type in both
    ("unauthorized", 15),       # Client.UnauthorizedOperation, responseElements null
    ("vcpu_limit", 6),          # Client.VcpuLimitExceeded, responseElements null
    ("dryrun", 6),              # Client.DryRunOperation, responseElements null
]
SHAPE_OUTCOME = {
    "plain": "launch", "template": "launch", "template_override": "launch",
    "unauthorized": "attempt", "vcpu_limit": "attempt", "dryrun": "dryrun",
}

USER_AGENTS_SDK = [
    "aws-cli/2.15.10 Python/3.11.6 Linux/6.1.0-17-amd64 exe/x86_64.debian.12 prompt/off command/{cmd}",
    "aws-cli/2.13.25 Python/3.11.5 Darwin/23.1.0 exe/x86_64 prompt/off command/{cmd}",
    "Boto3/1.34.19 md/Botocore#1.34.19 ua/2.0 os/linux#5.10.205-195.807.amzn2.x86_64 md/arch#x86_64 "
    "lang/python#3.11.6 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.19",
    "Boto3/1.28.57 md/Botocore#1.31.57 ua/2.0 os/linux#5.15.0-1051-aws md/arch#x86_64 lang/python#3.9.18 "
    "md/pyimpl#CPython exec-env/AWS_Lambda_python3.9 cfg/retry-mode#legacy Botocore/1.31.57",
    "aws-sdk-go-v2/1.24.1 os/linux lang/go#1.21.5 md/GOOS#linux md/GOARCH#amd64 api/{svc}#1.141.0",
    "aws-sdk-go/1.49.13 (go1.21.5; linux; amd64)",
    "APN/1.0 HashiCorp/1.0 Terraform/1.6.6 (+https://www.terraform.io) terraform-provider-aws/5.31.0 "
    "(+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.24.0 os/linux lang/go#1.21.5 "
    "md/GOOS#linux md/GOARCH#amd64 api/{svc}#1.138.1",
    "aws-sdk-java/1.12.629 Linux/5.10.205-195.804.amzn2.x86_64 OpenJDK_64-Bit_Server_VM/17.0.9+8-LTS "
    "java/17.0.9 vendor/Amazon.com_Inc. cfg/retry-mode/standard",
    "aws-sdk-js/3.484.0 ua/2.0 os/linux#5.10.205-195.807.amzn2.x86_64 lang/js md/nodejs#18.19.0 "
    "api/{svc}#3.484.0",
    "aws-internal/3 aws-sdk-java/1.12.576 Linux/5.10.201-168.748.amzn2int.x86_64 "
    "OpenJDK_64-Bit_Server_VM/25.392-b09 java/1.8.0_392 vendor/Oracle_Corporation cfg/retry-mode/standard",
]
USER_AGENTS_CONSOLE = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.2 Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
]
TLS_CIPHERS = [("TLSv1.3", "TLS_AES_128_GCM_SHA256", 6), ("TLSv1.2", "ECDHE-RSA-AES128-GCM-SHA256", 3),
               ("TLSv1.3", "TLS_AES_256_GCM_SHA384", 1)]

B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
UPPER_DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
B64 = ALNUM + "+/"
HEX = "0123456789abcdef"

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

# First delivery time of the corpus: 2025-01-14T00:00:00Z.
T0 = 1736812800
# Seconds between two consecutive files' delivery times (many account/region streams interleave).
FILE_STEP = 23


# ----------------------------------------------------------------------------------------------
# Small random helpers
# ----------------------------------------------------------------------------------------------

_XLAT = {}


def rstr(rng, alphabet, n):
    """`n` random characters of `alphabet` (fast: one getrandbits, then a byte translation table)."""
    table = _XLAT.get(alphabet)
    if table is None:
        table = _XLAT[alphabet] = bytes(ord(alphabet[b % len(alphabet)]) for b in range(256))
    if n <= 0:
        return ""
    return rng.getrandbits(8 * n).to_bytes(n, "little").translate(table).decode("ascii")


def uuid4(rng):
    h = "%032x" % rng.getrandbits(128)
    return "%s-%s-4%s-%s%s-%s" % (h[:8], h[8:12], h[13:16], "89ab"[int(h[16], 16) & 3], h[17:20], h[20:])


def hexid(rng, prefix, n=17):
    return prefix + rstr(rng, HEX, n)


def iso(ts):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


def sts_date(ts):
    """STS expiration format, e.g. "Jan 14, 2025 1:21:51 AM"."""
    g = time.gmtime(ts)
    h12 = g.tm_hour % 12 or 12
    return "%s %d, %d %d:%02d:%02d %s" % (MONTHS[g.tm_mon - 1], g.tm_mday, g.tm_year, h12, g.tm_min,
                                         g.tm_sec, "AM" if g.tm_hour < 12 else "PM")


def weighted(items):
    """[(value, weight)] -> (values, cumulative weights) for rng.choices."""
    vals = [v for v, _ in items]
    cum = []
    acc = 0
    for _, w in items:
        acc += w
        cum.append(acc)
    return vals, cum


def pick(rng, table):
    return rng.choices(table[0], cum_weights=table[1])[0]


# Weights for USER_AGENTS_SDK: SDKs dominate; Terraform's long agent is rarer.
UA_SDK_TABLE = weighted(list(zip(USER_AGENTS_SDK, [8, 4, 20, 10, 12, 6, 4, 8, 8, 5])))


def parse_rate(text):
    if "/" in text:
        a, b = text.split("/", 1)
        return float(a) / float(b)
    return float(text)


def parse_rpf(text):
    if "-" in text:
        a, b = text.split("-", 1)
        lo, hi = int(a), int(b)
    else:
        lo = hi = int(text)
    if lo < 1 or hi < lo:
        raise argparse.ArgumentTypeError("--records-per-file wants N or MIN-MAX with 1 <= MIN <= MAX")
    return lo, hi


def seed_for(seed, *parts):
    h = hashlib.sha256(("%s|" % seed + "|".join(str(p) for p in parts)).encode()).digest()
    return int.from_bytes(h[:8], "big")


# ----------------------------------------------------------------------------------------------
# The world: accounts and everything in them, derived from --seed only
# ----------------------------------------------------------------------------------------------

class Account:
    def __init__(self, rng, acct_id, idx):
        self.id = acct_id
        self.alias = ["acme-prod", "acme-dev", "acme-data", "acme-shared", "acme-sandbox", "acme-ml",
                      "acme-security", "acme-staging"][idx % 8] + ("" if idx < 8 else "-%d" % idx)
        self.users = []
        for name in ["alice", "bob.smith", "ci-deploy", "terraform", "jenkins", "svc-backup", "carol",
                     "grafana-reader"]:
            self.users.append({
                "name": name, "principal": "AIDA" + rstr(rng, B32, 17),
                "key": "AKIA" + rstr(rng, B32, 16)})
        # (role name, session names, invokedBy or None, weight)
        sso_hex = rstr(rng, HEX, 16)
        self.roles = []
        role_specs = [
            ("AWSReservedSSO_AdministratorAccess_" + sso_hex, ["alice@example.com", "dave@example.com",
                                                             "erin.lee@example.com"], None, 8),
            ("AWSReservedSSO_ReadOnly_" + rstr(rng, HEX, 16),
             ["frank@example.com", "grace@example.com"], None, 4),
            ("eks-node-group-role", ["i-0" + rstr(rng, HEX, 16) for _ in range(6)], None, 10),
            ("lambda-orders-processor", ["orders-processor"], None, 8),
            ("lambda-thumbnailer", ["thumbnailer"], None, 5),
            ("github-actions-deploy", ["GitHubActions"], None, 4),
            ("ecsTaskExecutionRole", [rstr(rng, HEX, 32) for _ in range(4)], None, 6),
            ("ec2-app-instance-role", ["i-0" + rstr(rng, HEX, 16) for _ in range(8)], None, 10),
            ("datadog-integration", ["DatadogAWSIntegration"], None, 3),
            ("AWSServiceRoleForConfig", ["AWSConfig-Describe"], "config.amazonaws.com", 3),
            ("AWSServiceRoleForAutoScaling", ["AutoScaling"], "autoscaling.amazonaws.com", 1),
            ("AWSServiceRoleForAmazonEKSNodegroup", ["EKS"], "eks-nodegroup.amazonaws.com", 1),
        ]
        for name, sessions, invoked_by, w in role_specs:
            self.roles.append({
                "name": name, "id": "AROA" + rstr(rng, B32, 17), "sessions": sessions,
                "invokedBy": invoked_by, "weight": w,
                "keys": ["ASIA" + rstr(rng, B32, 16) for _ in sessions]})
        self.role_table = weighted([(r, r["weight"]) for r in self.roles if r["invokedBy"] is None
                                    or r["name"] == "AWSServiceRoleForConfig"])
        self.role_by_name = {r["name"]: r for r in self.roles}
        suffix = rstr(rng, HEX, 8)
        self.buckets = [
            ("acme-app-data-%s" % acct_id, 8), ("acme-logs-%s" % acct_id, 6),
            ("ml-datasets-%s" % suffix, 4), ("terraform-state-%s" % acct_id, 2),
            ("cf-templates-%s-us-east-1" % "".join(rng.choices("abcdefghijklmnopqrstuvwxyz0123456789", k=12)), 1),
            ("aws-cloudtrail-logs-%s-%s" % (acct_id, suffix), 2), ("acme-static-assets", 3),
        ]
        self.bucket_table = weighted(self.buckets)
        self.kms_keys = [uuid4(rng) for _ in range(4)]
        self.vpc = hexid(rng, "vpc-0")
        self.subnets = [hexid(rng, "subnet-0") for _ in range(6)]
        self.sgs = [(hexid(rng, "sg-0"), n) for n in ["default", "app-sg", "eks-cluster-sg-main",
                                                      "gpu-workers-sg", "bastion-sg"]]
        self.amis = [hexid(rng, "ami-0") for _ in range(6)]
        self.templates = [(hexid(rng, "lt-0"), n) for n in ["gpu-workers", "eks-ng-general", "batch-spot",
                                                            "web-asg"]]
        self.log_groups = ["/aws/lambda/orders-processor", "/aws/lambda/thumbnailer",
                           "/aws/eks/main/cluster", "/ecs/api-service", "/aws/codebuild/app-build",
                           "/var/log/messages"]
        self.ssm_params = ["/app/prod/db/password", "/app/prod/api-key", "/ami/amazon-linux/latest",
                           "/eks/main/node-bootstrap", "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-6.1-x86_64"]
        self.secrets = ["prod/orders/db", "prod/stripe/api", "dev/github/token"]
        self.functions = ["orders-processor", "thumbnailer", "auth-authorizer", "nightly-report"]
        self.tables = ["orders", "sessions", "inventory", "terraform-locks"]
        self.repos = ["api-service", "worker", "frontend", "ml-inference"]
        self.stacks = ["network-base", "eks-main", "app-prod", "monitoring"]
        self.instances = [hexid(rng, "i-0") for _ in range(40)]
        self.ips = []
        for _ in range(12):
            first = rng.choice([3, 18, 34, 35, 44, 52, 54, 81, 91, 185, 198, 203])
            self.ips.append("%d.%d.%d.%d" % (first, rng.randrange(256), rng.randrange(256), rng.randrange(1, 255)))
        self.private_ips = ["10.%d.%d.%d" % (rng.randrange(0, 4), rng.randrange(256), rng.randrange(1, 255))
                            for _ in range(16)]


class World:
    def __init__(self, seed, n_accounts, n_regions):
        rng = random.Random(seed_for(seed, "world"))
        ids = set()
        accounts = []
        while len(accounts) < n_accounts:
            acct = "%012d" % rng.randrange(10 ** 11, 10 ** 12)
            if acct in ids:
                continue
            ids.add(acct)
            accounts.append(Account(rng, acct, len(accounts)))
        self.accounts = accounts
        # Account traffic is skewed: the first (prod) account is the busiest.
        self.account_table = weighted([(a, max(1, 10 - 3 * i)) for i, a in enumerate(accounts)])
        self.regions = REGIONS[:n_regions]
        self.region_table = weighted(self.regions)
        self.partner_accounts = ["%012d" % rng.randrange(10 ** 11, 10 ** 12) for _ in range(3)]


# ----------------------------------------------------------------------------------------------
# Per-file context and record builders
# ----------------------------------------------------------------------------------------------

class Ctx:
    """State for generating one file: account, region, delivery time, identities."""

    def __init__(self, world, rng, acct, region, delivery):
        self.world = world
        self.rng = rng
        self.acct = acct
        self.region = region
        self.delivery = delivery
        self.azs = [region + s for s in "abcd"]

    # --- identities ---------------------------------------------------------------------------

    def assumed_role(self, role, i=None, t=None):
        rng = self.rng
        if i is None:
            i = rng.randrange(len(role["sessions"]))
        sess = role["sessions"][i]
        acct = self.acct.id
        created = (t or self.delivery) - rng.randrange(60, 3600)
        ident = {
            "type": "AssumedRole",
            "principalId": "%s:%s" % (role["id"], sess),
            "arn": "arn:aws:sts::%s:assumed-role/%s/%s" % (acct, role["name"], sess),
            "accountId": acct,
            "accessKeyId": role["keys"][i],
            "sessionContext": {
                "sessionIssuer": {"type": "Role", "principalId": role["id"],
                                  "arn": "arn:aws:iam::%s:role/%s" % (acct, role["name"]),
                                  "accountId": acct, "userName": role["name"]},
                "webIdFederationData": {},
                "attributes": {"creationDate": iso(created),
                               "mfaAuthenticated": "true" if role["name"].startswith("AWSReservedSSO") else "false"},
            },
        }
        if role["name"].startswith("AWSReservedSSO") and rng.random() < 0.3:
            ident["sessionContext"]["sourceIdentity"] = sess
        if role["invokedBy"]:
            ident["invokedBy"] = role["invokedBy"]
        return ident, sess

    def iam_user(self, console=False, t=None):
        u = self.rng.choice(self.acct.users)
        acct = self.acct.id
        ident = {"type": "IAMUser", "principalId": u["principal"],
                 "arn": "arn:aws:iam::%s:user/%s" % (acct, u["name"]), "accountId": acct,
                 "accessKeyId": u["key"] if not console else "ASIA" + rstr(self.rng, B32, 16),
                 "userName": u["name"]}
        if console:
            ident["sessionContext"] = {"sessionIssuer": {}, "webIdFederationData": {},
                                       "attributes": {"creationDate": iso((t or self.delivery) - 1800),
                                                      "mfaAuthenticated": "true"}}
        return ident, u["name"]

    def service(self, svc):
        return {"type": "AWSService", "invokedBy": svc}

    def any_principal(self, t):
        """A typical caller: (identity, sourceIPAddress, userAgent, cli command hint)."""
        rng = self.rng
        r = rng.random()
        if r < 0.52:
            role = pick(rng, self.acct.role_table)
            ident, sess = self.assumed_role(role, t=t)
            if role["invokedBy"]:
                return ident, role["invokedBy"], role["invokedBy"]
            if role["name"].startswith("AWSReservedSSO"):
                if rng.random() < 0.5:
                    return ident, rng.choice(self.acct.ips), rng.choice(USER_AGENTS_CONSOLE)
                return ident, rng.choice(self.acct.ips), rng.choice(USER_AGENTS_SDK[:2])
            if role["name"].startswith(("eks-", "ec2-", "ecs", "lambda-")):
                ip = rng.choice(self.acct.private_ips) if rng.random() < 0.3 else rng.choice(self.acct.ips)
                return ident, ip, pick(rng, UA_SDK_TABLE) if rng.random() < 0.7 else USER_AGENTS_SDK[rng.choice([2, 3, 4, 8])]
            return ident, rng.choice(self.acct.ips), pick(rng, UA_SDK_TABLE)
        if r < 0.82:
            ident, _ = self.iam_user(t=t)
            return ident, rng.choice(self.acct.ips), pick(rng, UA_SDK_TABLE)
        if r < 0.9995:
            svc = rng.choice(["lambda.amazonaws.com", "ec2.amazonaws.com", "config.amazonaws.com",
                              "cloudtrail.amazonaws.com", "logs.amazonaws.com", "ecs-tasks.amazonaws.com"])
            return self.service(svc), svc, svc
        acct = self.acct.id
        return ({"type": "Root", "principalId": acct, "arn": "arn:aws:iam::%s:root" % acct,
                 "accountId": acct, "accessKeyId": "ASIA" + rstr(rng, B32, 16), "userName": self.acct.alias},
                rng.choice(self.acct.ips), rng.choice(USER_AGENTS_CONSOLE))

    # --- record skeleton ----------------------------------------------------------------------

    def record(self, t, ident, source, name, ip, ua, req, resp, *, region=None, read_only=None,
               resources=None, category="Management", event_type="AwsApiCall", extra=None,
               error=None, request_id=None, shared=False, tls=True, version="1.09", vpce=None):
        rng = self.rng
        region = region or self.region
        rec = {"eventVersion": version, "userIdentity": ident, "eventTime": iso(t), "eventSource": source,
               "eventName": name, "awsRegion": region, "sourceIPAddress": ip}
        if ua is not None:
            if "{" in ua:
                svc = source.split(".", 1)[0]
                cmd = "%s.%s" % ("s3api" if svc == "s3" else svc,
                                 "".join("-" + c.lower() if c.isupper() else c for c in name).lstrip("-"))
                ua = ua.replace("{svc}", svc).replace("{cmd}", cmd)
            rec["userAgent"] = ua
        if error:
            if error[0] is not None:
                rec["errorCode"] = error[0]
            rec["errorMessage"] = error[1]
        rec["requestParameters"] = req
        rec["responseElements"] = resp
        if extra is not None:
            rec["additionalEventData"] = extra
        rec["requestID"] = request_id or uuid4(rng)
        rec["eventID"] = uuid4(rng)
        if read_only is not None:
            rec["readOnly"] = read_only
        if resources is not None:
            rec["resources"] = resources
        rec["eventType"] = event_type
        rec["managementEvent"] = category == "Management"
        rec["recipientAccountId"] = self.acct.id
        if shared:
            rec["sharedEventID"] = uuid4(rng)
        if vpce:
            rec["vpcEndpointId"] = vpce
            rec["vpcEndpointAccountId"] = self.acct.id
        rec["eventCategory"] = category
        if tls and "." in ip and not ip.endswith("amazonaws.com") and not ip.startswith("AWS"):
            v, c = rng.choices([(a, b) for a, b, _ in TLS_CIPHERS], cum_weights=[6, 9, 10])[0]
            host = source.replace(".amazonaws.com", "")
            if host in ("sts", "iam", "signin"):
                hh = "%s.amazonaws.com" % host
            else:
                hh = "%s.%s.amazonaws.com" % (host, region)
            rec["tlsDetails"] = {"tlsVersion": v, "cipherSuite": c, "clientProvidedHostHeader": hh}
        return rec


def ev_assume_role(ctx, t):
    rng = ctx.rng
    acct = ctx.acct
    role = pick(rng, acct.role_table)
    sess = rng.choice(role["sessions"])
    r = rng.random()
    if r < 0.55:
        svc = rng.choice(["lambda.amazonaws.com", "ec2.amazonaws.com", "ecs-tasks.amazonaws.com",
                          "config.amazonaws.com", "eks.amazonaws.com"])
        ident, ip, ua = ctx.service(svc), svc, svc
    else:
        ident, ip, ua = ctx.any_principal(t)
    token = "IQoJb3JpZ2luX2VjE" + rstr(rng, B64, rng.randrange(560, 1100))
    req = {"roleArn": "arn:aws:iam::%s:role/%s" % (acct.id, role["name"]), "roleSessionName": sess}
    if rng.random() < 0.4:
        req["durationSeconds"] = rng.choice([900, 3600, 43200])
    if rng.random() < 0.2:
        req["externalId"] = rstr(rng, ALNUM, 32)
    resp = {"credentials": {"accessKeyId": "ASIA" + rstr(rng, B32, 16), "sessionToken": token,
                            "expiration": sts_date(t + 3600)},
            "assumedRoleUser": {"assumedRoleId": "%s:%s" % (role["id"], sess),
                                "arn": "arn:aws:sts::%s:assumed-role/%s/%s" % (acct.id, role["name"], sess)}}
    res = [{"accountId": acct.id, "type": "AWS::IAM::Role",
            "ARN": "arn:aws:iam::%s:role/%s" % (acct.id, role["name"])}]
    return ctx.record(t, ident, "sts.amazonaws.com", "AssumeRole", ip, ua, req, resp, read_only=True,
                      resources=res, shared=ident.get("type") == "AWSService", version="1.08")


def ev_assume_role_web_identity(ctx, t):
    """EKS pods with IRSA: large records (long session token, OIDC subject), ~3-4.5 KB."""
    rng = ctx.rng
    acct = ctx.acct
    oidc = "oidc.eks.%s.amazonaws.com/id/%s" % (ctx.region, rstr(rng, "0123456789ABCDEF", 32))
    role = rng.choice(["irsa-external-dns", "irsa-karpenter", "irsa-aws-load-balancer-controller", "irsa-app"])
    sess = "botocore-session-%d" % (t - rng.randrange(3600))
    sub = "system:serviceaccount:%s:%s" % (rng.choice(["kube-system", "karpenter", "app"]), role[5:])
    ident = {"type": "WebIdentityUser", "principalId": "%s:sts.amazonaws.com:%s" % (oidc, sub),
             "userName": sub, "identityProvider": "arn:aws:iam::%s:oidc-provider/%s" % (acct.id, oidc)}
    ua = USER_AGENTS_SDK[rng.choice([2, 4, 8])].replace("{svc}", "sts")
    req = {"roleArn": "arn:aws:iam::%s:role/%s" % (acct.id, role), "roleSessionName": sess}
    resp = {"credentials": {"accessKeyId": "ASIA" + rstr(rng, B32, 16),
                            "sessionToken": "IQoJb3JpZ2luX2VjE" + rstr(rng, B64, rng.randrange(900, 1500)),
                            "expiration": sts_date(t + 3600)},
            "subjectFromWebIdentityToken": sub,
            "assumedRoleUser": {"assumedRoleId": "AROA%s:%s" % (rstr(rng, B32, 17), sess),
                                "arn": "arn:aws:sts::%s:assumed-role/%s/%s" % (acct.id, role, sess)},
            "provider": "arn:aws:iam::%s:oidc-provider/%s" % (acct.id, oidc), "audience": "sts.amazonaws.com"}
    res = [{"accountId": acct.id, "type": "AWS::IAM::Role", "ARN": "arn:aws:iam::%s:role/%s" % (acct.id, role)}]
    return ctx.record(t, ident, "sts.amazonaws.com", "AssumeRoleWithWebIdentity", rng.choice(acct.ips), ua, req,
                      resp, read_only=True, resources=res, version="1.08")


def s3_key(rng, acct_id):
    k = rng.random()
    if k < 0.3:
        return "data/year=2025/month=01/day=%02d/part-%05d-%s.c000.snappy.parquet" % (
            rng.randrange(1, 15), rng.randrange(2000), uuid4(rng))
    if k < 0.55:
        return "logs/app/2025-01-%02d/ip-10-0-%d-%d.ec2.internal.log.gz" % (
            rng.randrange(1, 15), rng.randrange(256), rng.randrange(256))
    if k < 0.8:
        return "artifacts/build-%d/%s.zip" % (rng.randrange(10000), rng.choice(["app", "lambda", "layer"]))
    if k < 0.96:
        return "uploads/%s.jpg" % rstr(rng, ALNUM, 12)
    return "AWSLogs/%s/elasticloadbalancing/us-east-1/2025/01/14/%s_elasticloadbalancing_us-east-1_app.%s.log.gz" % (
        acct_id, acct_id, rstr(rng, HEX, 16))


def ev_s3_object(ctx, t, name):
    rng = ctx.rng
    acct = ctx.acct
    ident, ip, ua = ctx.any_principal(t)
    bucket = pick(rng, acct.bucket_table)
    key = s3_key(rng, acct.id)
    host = "%s.s3.%s.amazonaws.com" % (bucket, ctx.region) if rng.random() < 0.8 else "s3.amazonaws.com"
    req = {"bucketName": bucket, "Host": host, "key": key}
    if name == "PutObject" and rng.random() < 0.5:
        req["x-amz-server-side-encryption"] = "aws:kms"
        req["x-amz-server-side-encryption-aws-kms-key-id"] = "arn:aws:kms:%s:%s:key/%s" % (
            ctx.region, acct.id, rng.choice(acct.kms_keys))
    if name == "GetObject" and rng.random() < 0.2:
        req["range"] = "bytes=0-%d" % rng.randrange(1000, 10 ** 7)
    out_bytes = rng.randrange(100, 50 * 10 ** 6) if name != "PutObject" else 0
    extra = {"SignatureVersion": "SigV4", "CipherSuite": "TLS_AES_128_GCM_SHA256",
             "bytesTransferredIn": 0 if name != "PutObject" else rng.randrange(100, 50 * 10 ** 6),
             "AuthenticationMethod": "AuthHeader",
             "x-amz-id-2": rstr(rng, B64, 76),
             "bytesTransferredOut": out_bytes}
    resp = None
    if name == "PutObject":
        resp = {"x-amz-server-side-encryption": "AES256" if "x-amz-server-side-encryption" not in req else "aws:kms"}
    res = [{"type": "AWS::S3::Object", "ARN": "arn:aws:s3:::%s/%s" % (bucket, key)},
           {"accountId": acct.id, "type": "AWS::S3::Bucket", "ARN": "arn:aws:s3:::%s" % bucket}]
    vpce = hexid(rng, "vpce-0") if ip.startswith("10.") else None
    return ctx.record(t, ident, "s3.amazonaws.com", name, ip, ua, req, resp, read_only=name != "PutObject",
                      resources=res, category="Data", extra=extra, request_id=rstr(rng, UPPER_DIGITS, 16),
                      version="1.10", vpce=vpce)


def ev_get_bucket_acl(ctx, t):
    rng = ctx.rng
    acct = ctx.acct
    bucket = "aws-cloudtrail-logs-%s" % acct.id
    ident = ctx.service("cloudtrail.amazonaws.com")
    req = {"bucketName": bucket, "Host": "%s.s3.amazonaws.com" % bucket, "acl": ""}
    extra = {"SignatureVersion": "SigV4", "CipherSuite": "ECDHE-RSA-AES128-GCM-SHA256",
             "bytesTransferredIn": 0, "AuthenticationMethod": "AuthHeader",
             "x-amz-id-2": rstr(rng, B64, 76), "bytesTransferredOut": 540}
    res = [{"accountId": acct.id, "type": "AWS::S3::Bucket", "ARN": "arn:aws:s3:::%s" % bucket}]
    return ctx.record(t, ident, "s3.amazonaws.com", "GetBucketAcl", "cloudtrail.amazonaws.com",
                      "cloudtrail.amazonaws.com", req, None, read_only=True, resources=res, extra=extra,
                      request_id=rstr(rng, UPPER_DIGITS, 16), shared=True, version="1.09")


def ev_list_buckets(ctx, t):
    rng = ctx.rng
    ident, ip, ua = ctx.any_principal(t)
    req = {"Host": "s3.amazonaws.com"}
    extra = {"SignatureVersion": "SigV4", "CipherSuite": "TLS_AES_128_GCM_SHA256", "bytesTransferredIn": 0,
             "AuthenticationMethod": "AuthHeader", "x-amz-id-2": rstr(rng, B64, 76),
             "bytesTransferredOut": rng.randrange(500, 9000)}
    return ctx.record(t, ident, "s3.amazonaws.com", "ListBuckets", ip, ua, req, None, read_only=True,
                      extra=extra, request_id=rstr(rng, UPPER_DIGITS, 16), version="1.09")


def ev_kms(ctx, t, name):
    rng = ctx.rng
    acct = ctx.acct
    key_arn = "arn:aws:kms:%s:%s:key/%s" % (ctx.region, acct.id, rng.choice(acct.kms_keys))
    r = rng.random()
    if r < 0.6:
        svc = rng.choice(["s3.amazonaws.com", "secretsmanager.amazonaws.com", "ssm.amazonaws.com",
                          "dynamodb.amazonaws.com", "logs.amazonaws.com"])
        ident, ip, ua = ctx.service(svc), svc, svc
        if rng.random() < 0.5:
            ident, _s = ctx.assumed_role(pick(rng, acct.role_table), t=t)
            ident["invokedBy"] = svc
        if svc == "s3.amazonaws.com":
            ctxt = {"aws:s3:arn": "arn:aws:s3:::%s/%s" % (pick(rng, acct.bucket_table), s3_key(rng, acct.id))}
        elif svc == "secretsmanager.amazonaws.com":
            ctxt = {"SecretARN": "arn:aws:secretsmanager:%s:%s:secret:%s-%s" % (
                ctx.region, acct.id, rng.choice(acct.secrets), rstr(rng, ALNUM, 6)),
                "SecretVersionId": uuid4(rng)}
        elif svc == "ssm.amazonaws.com":
            ctxt = {"PARAMETER_ARN": "arn:aws:ssm:%s:%s:parameter%s" % (ctx.region, acct.id,
                                                                         rng.choice(acct.ssm_params))}
        elif svc == "logs.amazonaws.com":
            ctxt = {"aws:logs:arn": "arn:aws:logs:%s:%s:log-group:%s" % (ctx.region, acct.id,
                                                                          rng.choice(acct.log_groups))}
        else:
            ctxt = {"aws:dynamodb:tableName": rng.choice(acct.tables),
                    "aws:dynamodb:subscriberId": acct.id}
    else:
        ident, ip, ua = ctx.any_principal(t)
        ctxt = {"aws:lambda:FunctionArn": "arn:aws:lambda:%s:%s:function:%s" % (
            ctx.region, acct.id, rng.choice(acct.functions))}
    req = {"encryptionContext": ctxt}
    if name == "Decrypt":
        req["encryptionAlgorithm"] = "SYMMETRIC_DEFAULT"
    else:
        req["keyId"] = key_arn
        req["keySpec"] = "AES_256"
    res = [{"accountId": acct.id, "type": "AWS::KMS::Key", "ARN": key_arn}]
    return ctx.record(t, ident, "kms.amazonaws.com", name, ip, ua, req, None, read_only=True, resources=res,
                      version="1.08", tls=ident.get("type") != "AWSService")


def ev_describe_instances(ctx, t):
    rng = ctx.rng
    acct = ctx.acct
    ident, ip, ua = ctx.any_principal(t)
    r = rng.random()
    if r < 0.4:
        n = rng.choice([1, 1, 2, 3, 5, 8, 20, 40, 90])
        items = [{"instanceId": rng.choice(acct.instances)} for _ in range(n)]
        req = {"instancesSet": {"items": items}, "filterSet": {}}
    elif r < 0.8:
        filt = rng.choice([
            [{"name": "instance-state-name", "valueSet": {"items": [{"value": "running"}]}}],
            [{"name": "tag:kubernetes.io/cluster/main", "valueSet": {"items": [{"value": "owned"}]}},
             {"name": "instance-state-name", "valueSet": {"items": [{"value": "pending"}, {"value": "running"}]}}],
            [{"name": "vpc-id", "valueSet": {"items": [{"value": acct.vpc}]}}],
            [{"name": "private-ip-address", "valueSet": {"items": [{"value": rng.choice(acct.private_ips)}]}}],
        ])
        req = {"instancesSet": {}, "filterSet": {"items": filt}}
        if rng.random() < 0.5:
            req["maxResults"] = 1000
    else:
        req = {"instancesSet": {}, "filterSet": {}}
    return ctx.record(t, ident, "ec2.amazonaws.com", "DescribeInstances", ip, ua, req, None, read_only=True,
                      version="1.09")


def ev_ec2_describe_misc(ctx, t):
    rng = ctx.rng
    acct = ctx.acct
    ident, ip, ua = ctx.any_principal(t)
    name = rng.choice(["DescribeSecurityGroups", "DescribeVolumes", "DescribeInstanceStatus", "DescribeSubnets",
                       "DescribeNetworkInterfaces", "DescribeTags", "DescribeRegions"])
    if name == "DescribeSecurityGroups":
        req = {"securityGroupSet": {}, "securityGroupIdSet": {"items": [{"groupId": g} for g, _ in acct.sgs[:rng.randrange(1, 5)]]},
               "filterSet": {}}
    elif name == "DescribeVolumes":
        req = {"volumeSet": {}, "filterSet": {"items": [{"name": "attachment.instance-id",
                                                         "valueSet": {"items": [{"value": rng.choice(acct.instances)}]}}]}}
    elif name == "DescribeInstanceStatus":
        req = {"instancesSet": {"items": [{"instanceId": rng.choice(acct.instances)} for _ in range(rng.randrange(1, 6))]},
               "filterSet": {}, "includeAllInstances": True}
    elif name == "DescribeSubnets":
        req = {"subnetSet": {}, "filterSet": {"items": [{"name": "vpc-id", "valueSet": {"items": [{"value": acct.vpc}]}}]}}
    elif name == "DescribeNetworkInterfaces":
        req = {"networkInterfaceIdSet": {}, "filterSet": {"items": [{"name": "private-ip-address", "valueSet": {
            "items": [{"value": rng.choice(acct.private_ips)}]}}]}}
    elif name == "DescribeTags":
        req = {"filterSet": {"items": [{"name": "resource-id", "valueSet": {"items": [{"value": rng.choice(acct.instances)}]}}]}}
    else:
        req = {"regionSet": {}, "allRegions": False}
    return ctx.record(t, ident, "ec2.amazonaws.com", name, ip, ua, req, None, read_only=True, version="1.09")


def ev_ec2_instance_change(ctx, t):
    """CreateTags / StopInstances / TerminateInstances: EC2 writes that are not launches."""
    rng = ctx.rng
    acct = ctx.acct
    ident, ip, ua = ctx.any_principal(t)
    name = rng.choice(["CreateTags", "CreateTags", "StopInstances", "TerminateInstances"])
    ids = [rng.choice(acct.instances) for _ in range(rng.choice([1, 1, 1, 2, 3]))]
    if name == "CreateTags":
        req = {"resourcesSet": {"items": [{"resourceId": i} for i in ids]},
               "tagSet": {"items": [{"key": "Name", "value": "worker-%d" % rng.randrange(100)},
                                    {"key": "team", "value": rng.choice(["data", "platform", "ml"])}]}}
        resp = {"requestId": uuid4(rng), "_return": True}
    else:
        req = {"instancesSet": {"items": [{"instanceId": i} for i in ids]}}
        if name == "StopInstances":
            req["force"] = False
        cur, prev = ((64, "stopping"), (16, "running")) if name == "StopInstances" else ((32, "shutting-down"), (16, "running"))
        resp = {"requestId": uuid4(rng), "instancesSet": {"items": [
            {"instanceId": i, "currentState": {"code": cur[0], "name": cur[1]},
             "previousState": {"code": prev[0], "name": prev[1]}} for i in ids]}}
    return ctx.record(t, ident, "ec2.amazonaws.com", name, ip, ua, req, resp, read_only=False, version="1.09")


def ev_get_caller_identity(ctx, t):
    ident, ip, ua = ctx.any_principal(t)
    return ctx.record(t, ident, "sts.amazonaws.com", "GetCallerIdentity", ip, ua, None, None, read_only=True,
                      version="1.08")


def ev_logs(ctx, t):
    rng = ctx.rng
    acct = ctx.acct
    ident, ip, ua = ctx.any_principal(t)
    lg = rng.choice(acct.log_groups)
    name = rng.choice(["CreateLogStream", "CreateLogStream", "DescribeLogStreams"])
    if name == "CreateLogStream":
        req = {"logGroupName": lg, "logStreamName": "2025/01/14/[$LATEST]%s" % rstr(rng, HEX, 32)}
    else:
        req = {"logGroupName": lg, "orderBy": "LastEventTime", "descending": True, "limit": 50}
    return ctx.record(t, ident, "logs.amazonaws.com", name, ip, ua, req, None, read_only=name != "CreateLogStream",
                      version="1.08")


def ev_put_metric_data(ctx, t):
    rng = ctx.rng
    ident, ip, ua = ctx.any_principal(t)
    ns = rng.choice(["CWAgent", "AWS/Usage", "App/Orders", "ContainerInsights", "Karpenter"])
    req = {"namespace": ns}
    if rng.random() < 0.5:
        req["metricData"] = [{"metricName": rng.choice(["mem_used_percent", "disk_used_percent", "Latency",
                                                        "RequestCount"]),
                              "dimensions": [{"name": "InstanceId", "value": rng.choice(ctx.acct.instances)}],
                              "value": round(rng.random() * 100, 3), "unit": "Percent"}
                             for _ in range(rng.randrange(1, 4))]
    return ctx.record(t, ident, "monitoring.amazonaws.com", "PutMetricData", ip, ua, req, None, read_only=False,
                      version="1.09")


def ev_console_login(ctx, t):
    rng = ctx.rng
    acct = ctx.acct
    ua = rng.choice(USER_AGENTS_CONSOLE)
    ip = rng.choice(acct.ips)
    if rng.random() < 0.6:
        ident, _ = ctx.iam_user(t=t)
        ident.pop("accessKeyId", None)
    else:
        role = acct.roles[0]
        ident, _ = ctx.assumed_role(role, t=t)
        ident["accessKeyId"] = ""
    fail = rng.random() < 0.08
    extra = {"LoginTo": "https://console.aws.amazon.com/console/home?hashArgs=%23&isauthcode=true&state=hashArgsFromTB_us-east-1_" + rstr(rng, HEX, 16),
             "MobileVersion": "No", "MFAUsed": "Yes" if rng.random() < 0.8 else "No"}
    resp = {"ConsoleLogin": "Failure" if fail else "Success"}
    if fail and ident["type"] == "IAMUser":
        ident["userName"] = "HIDDEN_DUE_TO_SECURITY_REASONS"
    return ctx.record(t, ident, "signin.amazonaws.com", "ConsoleLogin", ip, ua, None, resp, region=GLOBAL_REGION,
                      extra=extra, event_type="AwsConsoleSignIn", error=(None, "Failed authentication") if fail
                      else None, version="1.08")


def ev_ssm(ctx, t):
    rng = ctx.rng
    acct = ctx.acct
    ident, ip, ua = ctx.any_principal(t)
    r = rng.random()
    if r < 0.5:
        # The most common call in many real trails: SSM agents checking in.
        role = acct.role_by_name["ec2-app-instance-role"]
        i = rng.randrange(len(role["sessions"]))
        ident, sess = ctx.assumed_role(role, i, t=t)
        ip = rng.choice(acct.private_ips)
        ua = "aws-sdk-go/1.44.260 (go1.20.12; linux; amd64) amazon-ssm-agent/3.2.2016.0"
        req = {"instanceId": sess, "agentVersion": "3.2.2016.0", "agentName": "amazon-ssm-agent",
               "platformType": "Linux", "platformName": "Amazon Linux", "platformVersion": "2023",
               "iPAddress": ip, "computerName": "ip-%s.ec2.internal" % ip.replace(".", "-"),
               "availabilityZone": rng.choice(ctx.azs), "availabilityZoneId": "use1-az%d" % rng.randrange(1, 7)}
        return ctx.record(t, ident, "ssm.amazonaws.com", "UpdateInstanceInformation", ip, ua, req, None,
                          read_only=False, version="1.08")
    name = "GetParameter" if r < 0.85 else "GetParametersByPath"
    if name == "GetParameter":
        req = {"name": rng.choice(acct.ssm_params), "withDecryption": rng.random() < 0.5}
    else:
        req = {"path": "/app/prod/", "recursive": True, "withDecryption": True}
    return ctx.record(t, ident, "ssm.amazonaws.com", name, ip, ua, req, None, read_only=True, version="1.08")


def ev_secret(ctx, t):
    rng = ctx.rng
    acct = ctx.acct
    ident, ip, ua = ctx.any_principal(t)
    req = {"secretId": "arn:aws:secretsmanager:%s:%s:secret:%s-%s" % (ctx.region, acct.id, rng.choice(acct.secrets),
                                                                      rstr(rng, ALNUM, 6))}
    return ctx.record(t, ident, "secretsmanager.amazonaws.com", "GetSecretValue", ip, ua, req, None,
                      read_only=True, version="1.08")


def ev_ecr(ctx, t):
    rng = ctx.rng
    acct = ctx.acct
    ident, ip, ua = ctx.any_principal(t)
    if rng.random() < 0.5:
        return ctx.record(t, ident, "ecr.amazonaws.com", "GetAuthorizationToken", ip, ua, {"registryIds": [acct.id]}
                          if rng.random() < 0.3 else None, None, read_only=True, version="1.08")
    repo = rng.choice(acct.repos)
    req = {"imageIds": [{"imageTag": "v1.%d.%d" % (rng.randrange(40), rng.randrange(20))}],
           "acceptedMediaTypes": ["application/vnd.docker.distribution.manifest.v1+json",
                                  "application/vnd.docker.distribution.manifest.v2+json",
                                  "application/vnd.oci.image.manifest.v1+json"],
           "repositoryName": repo, "registryId": acct.id}
    res = [{"accountId": acct.id, "ARN": "arn:aws:ecr:%s:%s:repository/%s" % (ctx.region, acct.id, repo)}]
    return ctx.record(t, ident, "ecr.amazonaws.com", "BatchGetImage", ip, ua, req, None, read_only=True,
                      resources=res, version="1.08")


def ev_lambda_invoke(ctx, t):
    rng = ctx.rng
    acct = ctx.acct
    ident, ip, ua = ctx.any_principal(t)
    fn = "arn:aws:lambda:%s:%s:function:%s" % (ctx.region, acct.id, rng.choice(acct.functions))
    extra = {"functionVersion": fn + ":$LATEST"}
    res = [{"accountId": acct.id, "type": "AWS::Lambda::Function", "ARN": fn}]
    return ctx.record(t, ident, "lambda.amazonaws.com", "Invoke", ip, ua, {"functionName": fn}, None,
                      read_only=False, resources=res, category="Data", extra=extra, version="1.08")


def ev_dynamodb(ctx, t):
    rng = ctx.rng
    acct = ctx.acct
    ident, ip, ua = ctx.any_principal(t)
    table = rng.choice(acct.tables)
    name = rng.choice(["GetItem", "GetItem", "PutItem", "Query"])
    req = {"tableName": table, "key": {"pk": "ORDER#%d" % rng.randrange(10 ** 8)}}
    if name == "Query":
        req = {"tableName": table, "keyConditionExpression": "pk = :pk", "consistentRead": False}
    res = [{"accountId": acct.id, "type": "AWS::DynamoDB::Table",
            "ARN": "arn:aws:dynamodb:%s:%s:table/%s" % (ctx.region, acct.id, table)}]
    return ctx.record(t, ident, "dynamodb.amazonaws.com", name, ip, ua, req, None, read_only=name != "PutItem",
                      resources=res, category="Data", version="1.08")


def ev_iam(ctx, t):
    rng = ctx.rng
    acct = ctx.acct
    ident, ip, ua = ctx.any_principal(t)
    name = rng.choice(["GetRole", "ListRoles", "GetPolicy", "ListAttachedRolePolicies", "GetUser"])
    if name == "GetRole" or name == "ListAttachedRolePolicies":
        req = {"roleName": rng.choice(acct.roles)["name"]}
    elif name == "ListRoles":
        req = {"maxItems": 1000} if rng.random() < 0.5 else None
    elif name == "GetPolicy":
        req = {"policyArn": "arn:aws:iam::aws:policy/%s" % rng.choice(["ReadOnlyAccess", "AmazonS3FullAccess",
                                                                       "AdministratorAccess"])}
    else:
        req = {"userName": rng.choice(acct.users)["name"]}
    return ctx.record(t, ident, "iam.amazonaws.com", name, ip, ua, req, None, region=GLOBAL_REGION,
                      read_only=True, version="1.08")


def ev_cfn(ctx, t):
    rng = ctx.rng
    acct = ctx.acct
    ident, ip, ua = ctx.any_principal(t)
    stack = rng.choice(acct.stacks)
    req = {"stackName": "arn:aws:cloudformation:%s:%s:stack/%s/%s" % (ctx.region, acct.id, stack, uuid4(rng))}
    return ctx.record(t, ident, "cloudformation.amazonaws.com", "DescribeStacks", ip, ua, req, None,
                      read_only=True, version="1.08")


def ev_access_denied(ctx, t):
    """A denied call with a long encoded authorization message (cut at ~1 KB, cloudtrail.md §3)."""
    rng = ctx.rng
    acct = ctx.acct
    ident, ip, ua = ctx.any_principal(t)
    action = rng.choice([("ec2.amazonaws.com", "DescribeInstances", "ec2"),
                         ("ec2.amazonaws.com", "CreateSecurityGroup", "ec2"),
                         ("iam.amazonaws.com", "CreateUser", "iam")])
    arn = ident.get("arn", "arn:aws:iam::%s:root" % acct.id)
    msg = ("You are not authorized to perform this operation. User: %s is not authorized to perform: %s:%s "
           "on resource: arn:aws:%s:%s:%s:* because no identity-based policy allows the %s:%s action. "
           "Encoded authorization failure message: %s" % (
               arn, action[2], action[1], action[2], ctx.region, acct.id, action[2], action[1],
               rstr(rng, ALNUM + "-_", rng.randrange(500, 800))))
    code = "Client.UnauthorizedOperation" if action[2] == "ec2" else "AccessDenied"
    req = {"groupName": "tmp-%d" % rng.randrange(1000), "groupDescription": "temp"} if action[1] == "CreateSecurityGroup" \
        else ({"userName": "backup-%d" % rng.randrange(100)} if action[1] == "CreateUser" else {"instancesSet": {}, "filterSet": {}})
    return ctx.record(t, ident, action[0], action[1], ip, ua, req, None, error=(code, msg),
                      region=GLOBAL_REGION if action[2] == "iam" else None,
                      read_only=action[1].startswith("Describe"), version="1.09")


# (builder, weight). The mix aims at a mean record of ~1.3 KB, spread ~0.5-5 KB.
EVENT_MIX = [
    (ev_assume_role, 7),
    (ev_assume_role_web_identity, 1.5),
    (lambda c, t: ev_s3_object(c, t, "GetObject"), 15),
    (lambda c, t: ev_s3_object(c, t, "PutObject"), 6),
    (lambda c, t: ev_s3_object(c, t, "HeadObject"), 4),
    (ev_get_bucket_acl, 2),
    (ev_list_buckets, 2),
    (lambda c, t: ev_kms(c, t, "Decrypt"), 10),
    (lambda c, t: ev_kms(c, t, "GenerateDataKey"), 3),
    (ev_describe_instances, 6),
    (ev_ec2_describe_misc, 6),
    (ev_ec2_instance_change, 1),
    (ev_get_caller_identity, 4),
    (ev_logs, 4),
    (ev_put_metric_data, 3),
    (ev_console_login, 0.3),
    (ev_ssm, 7),
    (ev_secret, 1.5),
    (ev_ecr, 2),
    (ev_lambda_invoke, 2),
    (ev_dynamodb, 3),
    (ev_iam, 2),
    (ev_cfn, 1),
    (ev_access_denied, 1.2),
]
EVENT_TABLE = weighted(EVENT_MIX)


# ----------------------------------------------------------------------------------------------
# RunInstances
# ----------------------------------------------------------------------------------------------

TYPE_TABLES = {"A": weighted(TIER_A_TYPES), "B": weighted(TIER_B_TYPES), "none": weighted(ORDINARY_TYPES)}
TIER_PICK = weighted([("A", 35), ("B", 15), ("none", 50)])
SHAPE_TABLE = weighted(LAUNCH_SHAPES)


def instance_item(ctx, rng, itype, image, subnet, az, sg, t_ms, client_token, idx, template=None, key=None,
                  profile=None):
    acct = ctx.acct
    iid = hexid(rng, "i-0")
    ip = "10.%d.%d.%d" % (rng.randrange(0, 4), rng.randrange(256), rng.randrange(1, 255))
    dns = "ip-%s.%s.compute.internal" % (ip.replace(".", "-"), ctx.region if ctx.region != "us-east-1" else "ec2")
    dns = dns.replace(".ec2.compute.internal", ".ec2.internal")
    eni = hexid(rng, "eni-0")
    arm = itype.split(".")[0].endswith("g") or itype.startswith(("t4g", "c6g", "m6g"))
    item = {
        "instanceId": iid, "imageId": image, "currentInstanceBootMode": "uefi" if arm else "legacy-bios",
        "instanceState": {"code": 0, "name": "pending"}, "privateDnsName": dns, "amiLaunchIndex": idx,
        "productCodes": {}, "instanceType": itype, "launchTime": t_ms,
        "placement": {"availabilityZone": az, "tenancy": "default"},
        "monitoring": {"state": "disabled"}, "subnetId": subnet, "vpcId": acct.vpc, "privateIpAddress": ip,
        "stateReason": {"code": "pending", "message": "pending"},
        "architecture": "arm64" if arm else "x86_64", "rootDeviceType": "ebs", "rootDeviceName": "/dev/xvda",
        "blockDeviceMapping": {}, "virtualizationType": "hvm", "hypervisor": "xen",
    }
    if key:
        item["keyName"] = key
    if template:
        item["tagSet"] = {"items": [
            {"key": "aws:ec2launchtemplate:id", "value": template[0]},
            {"key": "aws:ec2launchtemplate:version", "value": template[1]},
            {"key": "aws:autoscaling:groupName", "value": template[2]}]}
    item.update({
        "clientToken": client_token,
        "groupSet": {"items": [{"groupId": sg[0], "groupName": sg[1]}]},
        "sourceDestCheck": True,
        "networkInterfaceSet": {"items": [{
            "networkInterfaceId": eni, "subnetId": subnet, "vpcId": acct.vpc, "ownerId": acct.id,
            "requesterManaged": False, "status": "in-use",
            "macAddress": "0e:%02x:%02x:%02x:%02x:%02x" % tuple(rng.randrange(256) for _ in range(5)),
            "privateIpAddress": ip, "privateDnsName": dns, "sourceDestCheck": True, "interfaceType": "interface",
            "groupSet": {"items": [{"groupId": sg[0], "groupName": sg[1]}]},
            "attachment": {"attachmentId": hexid(rng, "eni-attach-0"), "deviceIndex": 0, "networkCardIndex": 0,
                           "status": "attaching", "attachTime": t_ms, "deleteOnTermination": True},
            "privateIpAddressesSet": {"item": [{"privateIpAddress": ip, "privateDnsName": dns, "primary": True}]},
            "ipv6AddressesSet": {}, "tagSet": {}}]},
        "ebsOptimized": itype.split(".")[0] not in ("t2",),
        "enaSupport": True,
        "cpuOptions": {"coreCount": 2, "threadsPerCore": 2},
        "capacityReservationSpecification": {"capacityReservationPreference": "open"},
        "enclaveOptions": {"enabled": False},
        "metadataOptions": {"state": "pending", "httpTokens": "required", "httpPutResponseHopLimit": 2,
                            "httpEndpoint": "enabled", "httpProtocolIpv4": "enabled", "httpProtocolIpv6": "disabled",
                            "instanceMetadataTags": "disabled"},
        "maintenanceOptions": {"autoRecovery": "default"},
        "privateDnsNameOptions": {"hostnameType": "ip-name", "enableResourceNameDnsARecord": False,
                                  "enableResourceNameDnsAAAARecord": False},
    })
    if profile:
        item["iamInstanceProfile"] = {"arn": "arn:aws:iam::%s:instance-profile/%s" % (acct.id, profile),
                                      "id": "AIPA" + rstr(rng, B32, 17)}
    return item


def ev_run_instances(ctx, t):
    """Returns (record, launch info for the manifest)."""
    rng = ctx.rng
    acct = ctx.acct
    tier = pick(rng, TIER_PICK)
    itype = pick(rng, TYPE_TABLES[tier])
    shape = pick(rng, SHAPE_TABLE)
    if shape == "vcpu_limit" and tier == "none":
        shape = "unauthorized"  # vCPU quota errors are typical of GPU / huge types
    # Requested count (min, max) and launched count.
    r = rng.random()
    if r < 0.7:
        mn = mx = 1
    elif r < 0.88:
        mn = mx = rng.randrange(2, 5)
    elif r < 0.95:
        mn, mx = 1, 10
    else:
        mn = mx = 8
    launched = 0
    if SHAPE_OUTCOME[shape] == "launch":
        launched = mx if mn == mx else rng.randrange(mn, mx + 1)
    az = rng.choice(ctx.azs)
    subnet = rng.choice(acct.subnets)
    sg = rng.choice(acct.sgs)
    image = rng.choice(acct.amis)
    t_ms = t * 1000
    template = None
    key = None
    profile = None
    if shape in ("template", "template_override"):
        lt = rng.choice(acct.templates)
        version = str(rng.randrange(1, 12))
        group = "%s-%s" % (lt[1], rstr(rng, HEX, 6))
        template = (lt[0], version, group)
        if shape == "template":
            role = acct.role_by_name["AWSServiceRoleForAutoScaling"]
        else:
            role = acct.role_by_name["AWSServiceRoleForAmazonEKSNodegroup"]
        ident, _ = ctx.assumed_role(role, 0, t=t)
        ip = ua = role["invokedBy"]
        client_token = "fleet-" + uuid4(rng)
        req = {"instancesSet": {"items": [{"minCount": mn, "maxCount": mx}]}, "blockDeviceMapping": {},
               "availabilityZone": az, "monitoring": {"enabled": False}, "disableApiTermination": False,
               "disableApiStop": False, "clientToken": client_token,
               "launchTemplate": {"launchTemplateId": lt[0], "version": version},
               "tagSpecificationSet": {"items": [{"resourceType": "instance", "tags": [
                   {"key": "aws:ec2launchtemplate:id", "value": lt[0]},
                   {"key": "aws:ec2launchtemplate:version", "value": version},
                   {"key": "aws:autoscaling:groupName", "value": group}]}]}}
        if shape == "template_override":
            req["instanceType"] = itype
            req["subnetId"] = subnet
    else:
        r = rng.random()
        if r < 0.45:
            ident, _ = ctx.assumed_role(acct.roles[0], t=t)  # SSO admin
            ip, ua = rng.choice(acct.ips), rng.choice(USER_AGENTS_CONSOLE + USER_AGENTS_SDK[:2])
        elif r < 0.8:
            ident, _ = ctx.iam_user(t=t)
            ip, ua = rng.choice(acct.ips), pick(rng, UA_SDK_TABLE)
        else:
            ident, _ = ctx.assumed_role(acct.role_by_name["github-actions-deploy"], t=t)
            ip, ua = rng.choice(acct.ips), USER_AGENTS_SDK[6]
        ua = ua.replace("{cmd}", "ec2.run-instances").replace("{svc}", "ec2")
        client_token = uuid4(rng)
        key = rng.choice(["deploy-key", "ml-team", "bastion", None])
        profile = rng.choice(["ec2-app-instance-role", "gpu-worker-profile", None])
        item = {"imageId": image, "minCount": mn, "maxCount": mx}
        if key:
            item["keyName"] = key
        req = {"instancesSet": {"items": [item]}, "instanceType": itype,
               "blockDeviceMapping": {"items": [{"deviceName": "/dev/xvda", "ebs": {
                   "volumeSize": rng.choice([8, 30, 100, 500]), "deleteOnTermination": True, "volumeType": "gp3",
                   "encrypted": True}}]},
               "monitoring": {"enabled": False}, "disableApiTermination": False, "disableApiStop": False,
               "clientToken": client_token, "subnetId": subnet, "groupSet": {"items": [{"groupId": sg[0]}]},
               "tenancy": "default"}
        if profile:
            req["iamInstanceProfile"] = {"name": profile}
        if rng.random() < 0.5:
            req["userData"] = "<sensitiveDataRemoved>"
        req["tagSpecificationSet"] = {"items": [{"resourceType": "instance", "tags": [
            {"key": "Name", "value": rng.choice(["train-job", "worker", "jupyter", "build-runner", "test"])},
            {"key": "owner", "value": rng.choice(["ml", "data", "platform"])}]}]}
        req["metadataOptions"] = {"httpTokens": "required", "httpPutResponseHopLimit": 2}
    error = None
    resp = None
    if shape == "unauthorized":
        arn = ident.get("arn")
        error = ("Client.UnauthorizedOperation",
                 "You are not authorized to perform this operation. User: %s is not authorized to perform: "
                 "ec2:RunInstances on resource: arn:aws:ec2:%s:%s:instance/* because no identity-based policy "
                 "allows the ec2:RunInstances action. Encoded authorization failure message: %s" % (
                     arn, ctx.region, acct.id, rstr(rng, ALNUM + "-_", rng.randrange(600, 850))))
    elif shape == "vcpu_limit":
        error = ("Client.VcpuLimitExceeded",
                 "You have requested more vCPU capacity than your current vCPU limit of 0 allows for the instance "
                 "bucket that the specified instance type belongs to. Please visit http://aws.amazon.com/contact-us/"
                 "ec2-request to request an adjustment to this limit.")
    elif shape == "dryrun":
        error = ("Client.DryRunOperation", "Request would have succeeded, but DryRun flag is set.")
    else:
        items = [instance_item(ctx, rng, itype, image, subnet, az, sg, t_ms, client_token, i, template, key,
                               profile) for i in range(launched)]
        resp = {"requestId": uuid4(rng), "reservationId": hexid(rng, "r-0"), "ownerId": acct.id, "groupSet": {},
                "instancesSet": {"items": items}}
        if template:
            resp["requesterId"] = "%012d" % rng.randrange(10 ** 11, 10 ** 12)
    rec = ctx.record(t, ident, "ec2.amazonaws.com", "RunInstances", ip, ua, req, resp, read_only=False,
                     error=error, version="1.10")
    req_type = req.get("instanceType")
    resp_types = [itype] * launched if resp else []
    info = {"eventID": rec["eventID"], "eventTime": rec["eventTime"], "account": acct.id, "region": ctx.region,
            "instanceType": itype, "request_type": req_type, "response_types": sorted(set(resp_types)),
            "tier": TIER_OF[itype], "watched": TIER_OF[itype] != "none", "shape": shape, "outcome": SHAPE_OUTCOME[shape],
            "errorCode": error[0] if error else None, "minCount": mn, "maxCount": mx, "launched": launched,
            "launchTemplate": template[0] if template else None,
            "principal": ident.get("arn")}
    return rec, info


# ----------------------------------------------------------------------------------------------
# One file (or chunk) of records
# ----------------------------------------------------------------------------------------------

_WORLD = None
_ARGS = None


def _init_worker(args_dict):
    global _WORLD, _ARGS
    _ARGS = args_dict
    _WORLD = World(args_dict["seed"], args_dict["accounts"], args_dict["regions"])


def gen_file(i):
    """Generate file number `i`: (meta, list of record JSON strings, launch infos, gzip bytes or None)."""
    a = _ARGS
    world = _WORLD
    rng = random.Random(seed_for(a["seed"], "file", i))
    acct = pick(rng, world.account_table)
    region = pick(rng, world.region_table)
    delivery = T0 + i * FILE_STEP + rng.randrange(FILE_STEP)
    lo, hi = a["rpf"]
    if lo == hi:
        n = lo
    else:
        # Log-uniform: many small files, a few big ones.
        n = int(round(math.exp(rng.uniform(math.log(lo), math.log(hi + 0.999)))))
        n = max(lo, min(hi, n))
    ctx = Ctx(world, rng, acct, region, delivery)
    times = sorted(delivery - rng.randrange(60, 900) for _ in range(n))
    rate = a["launch_rate"]
    dumps = json.JSONEncoder(separators=(",", ":"), ensure_ascii=True).encode
    recs = []
    launches = []
    ev_funcs = EVENT_TABLE[0]
    ev_cum = EVENT_TABLE[1]
    repeat = a["repeat"]
    recent = []  # records this file's automated callers may repeat (see REPEAT_POOL)
    for k, t in enumerate(times):
        if rng.random() < rate:
            rec, info = ev_run_instances(ctx, t)
            info["record"] = k
            launches.append(info)
        elif recent and rng.random() < repeat:
            rec = repeat_call(rng, rng.choice(recent), t)
        else:
            fn = rng.choices(ev_funcs, cum_weights=ev_cum)[0]
            rec = fn(ctx, t)
            if "sessionToken" not in json.dumps(rec.get("responseElements")):
                recent.append(rec)
                if len(recent) > REPEAT_POOL:
                    recent.pop(rng.randrange(REPEAT_POOL))
        recs.append(dumps(rec))
    stamp = time.strftime("%Y%m%dT%H%MZ", time.gmtime(delivery))
    day = time.strftime("%Y/%m/%d", time.gmtime(delivery))
    uniq = rstr(rng, ALNUM, 16)
    ext = ".json" if a["plain"] else ".json.gz"
    rel = "AWSLogs/%s/CloudTrail/%s/%s/%s_CloudTrail_%s_%s_%s%s" % (acct.id, region, day, acct.id, region, stamp,
                                                                    uniq, ext)
    gz = None
    if a["mode"] == "s3" and not a["plain"]:
        gz = gzip_bytes(envelope(recs), a["level"])
    return {"index": i, "path": rel, "account": acct.id, "region": region}, recs, launches, gz


# Busy trails compress well because most of their records are machines repeating themselves: an
# agent polling Describe*, a service decrypting with the same key, a pipeline writing the same
# prefix. A repeat here is one of the file's last REPEAT_POOL records called again: same caller,
# request and response, a new time, eventID and requestID. Credentials (sessionToken) are never
# repeated. The fraction of repeats is what --ratio calibrates.
REPEAT_POOL = 24


def repeat_call(rng, rec, t):
    again = dict(rec)
    again["eventTime"] = iso(t)
    again["eventID"] = uuid4(rng)
    again["requestID"] = uuid4(rng) if "-" in rec["requestID"] else rstr(rng, UPPER_DIGITS, 16)
    if "sharedEventID" in again:
        again["sharedEventID"] = uuid4(rng)
    return again


def sample_ratio(wargs, repeat, files):
    """Compression ratio of files 0..files-1 generated with `repeat` (in this process)."""
    args = dict(wargs, repeat=repeat, mode="s3", plain=False)
    _init_worker(args)
    unc = comp = 0
    for i in range(files):
        _, recs, _, gz = gen_file(i)
        unc += len(envelope(recs))
        comp += len(gz)
    return unc / comp


def calibrate_repeat(wargs, ratio, files=12):
    """The repeat fraction whose sample compresses at `ratio` : 1 (bisection; 0 when the plain
    mix already compresses that well)."""
    lo, hi = 0.0, 0.97
    if sample_ratio(wargs, lo, files) >= ratio:
        return 0.0
    for _ in range(9):
        mid = (lo + hi) / 2
        if sample_ratio(wargs, mid, files) < ratio:
            lo = mid
        else:
            hi = mid
    return round(hi, 4)


def envelope(recs):
    return ('{"Records":[' + ",".join(recs) + "]}").encode()


def gzip_bytes(data, level):
    """gzip with a fixed header (mtime 0, no name) so output bytes are reproducible."""
    c = zlib.compressobj(level, zlib.DEFLATED, 31)
    return c.compress(data) + c.flush()



# ----------------------------------------------------------------------------------------------
# Main: plan, generate in parallel, write in order, manifest
# ----------------------------------------------------------------------------------------------

def main(argv=None):
    p = argparse.ArgumentParser(
        description="Generate a deterministic, realistic CloudTrail corpus (S3 layout, NDJSON or one document).")
    mode = p.add_mutually_exclusive_group(required=True)
    mode.add_argument("--out", metavar="DIR", help="write the S3 layout under DIR (plus DIR/manifest.json)")
    mode.add_argument("--ndjson", metavar="FILE", help="write one NDJSON stream of records to FILE ('-' = stdout)")
    mode.add_argument("--single-doc", metavar="FILE", help="write one {\"Records\":[...]} document ('-' = stdout)")
    p.add_argument("--size-mb", type=float, default=10.0,
                   help="target total UNCOMPRESSED JSON size in MB (10^6 bytes) (default 10)")
    p.add_argument("--launch-rate", type=parse_rate, default=1 / 5000,
                   help="fraction of records that are RunInstances, e.g. 0.0002 or 1/5000 (default 1/5000)")
    p.add_argument("--records-per-file", type=parse_rpf, default=(50, 2000), metavar="N|MIN-MAX",
                   help="records per file: fixed N or log-uniform in MIN-MAX (default 50-2000)")
    p.add_argument("--accounts", type=int, default=3, help="number of AWS accounts (default 3)")
    p.add_argument("--regions", type=int, default=4, help="number of regions, 1-%d (default 4)" % len(REGIONS))
    p.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    p.add_argument("--plain", action="store_true", help="S3 layout: write .json files, not .json.gz")
    p.add_argument("--gzip-level", type=int, default=6, help="gzip level 1-9 (default 6)")
    p.add_argument("--ratio", type=float, default=DEFAULT_RATIO,
                   help="target gzip compression ratio (uncompressed : compressed), reached by letting "
                        "automated callers repeat calls; 0 = no repeats (about 5.5 : 1). Default %g: "
                        "real multi-record trail files compress 10-13 : 1 (bench/README.md)" % DEFAULT_RATIO)
    p.add_argument("--repeat-fraction", type=float, default=None,
                   help="fraction of records that repeat a recent call (overrides --ratio's calibration)")
    p.add_argument("--manifest", metavar="PATH",
                   help="manifest path (default DIR/manifest.json, or FILE.manifest.json; none for stdout)")
    p.add_argument("--jobs", type=int, default=0, help="generator processes (default: all cores); output is the same")
    p.add_argument("--quiet", action="store_true", help="no summary on stderr")
    args = p.parse_args(argv)

    if not 1 <= args.regions <= len(REGIONS):
        p.error("--regions must be between 1 and %d" % len(REGIONS))
    if args.accounts < 1:
        p.error("--accounts must be >= 1")
    if not 0 <= args.launch_rate <= 1:
        p.error("--launch-rate must be within [0, 1]")
    if args.size_mb <= 0:
        p.error("--size-mb must be > 0")

    if args.out:
        mode_name = "s3"
        manifest_path = args.manifest or os.path.join(args.out, "manifest.json")
    else:
        mode_name = "ndjson" if args.ndjson else "single-doc"
        target_file = args.ndjson or args.single_doc
        if args.manifest:
            manifest_path = args.manifest
        elif target_file != "-":
            manifest_path = target_file + ".manifest.json"
        else:
            manifest_path = None
    target = int(args.size_mb * 1e6)
    jobs = args.jobs or os.cpu_count() or 1
    wargs = {"seed": args.seed, "accounts": args.accounts, "regions": args.regions, "rpf": args.records_per_file,
             "launch_rate": args.launch_rate, "plain": args.plain, "mode": mode_name, "level": args.gzip_level,
             "repeat": 0.0}
    if args.repeat_fraction is not None:
        if not 0 <= args.repeat_fraction < 1:
            p.error("--repeat-fraction must be within [0, 1)")
        wargs["repeat"] = args.repeat_fraction
    elif args.ratio > 0:
        wargs["repeat"] = calibrate_repeat(wargs, args.ratio)

    started = time.time()
    # Output streams for the single-stream modes.
    stream = None
    if mode_name != "s3":
        target_file = args.ndjson or args.single_doc
        if target_file == "-":
            stream = sys.stdout.buffer
        else:
            d = os.path.dirname(target_file)
            if d:
                os.makedirs(d, exist_ok=True)
            stream = open(target_file, "wb")
        if mode_name == "single-doc":
            stream.write(b'{"Records":[')
    else:
        os.makedirs(args.out, exist_ok=True)

    total_unc = 0
    total_comp = 0
    n_files = 0
    n_records = 0
    largest = (0, 0, None)
    launches = []
    event_counts = {}
    first_record = True
    made_dirs = set()
    file_list = []
    done = False

    if jobs > 1:
        pool = multiprocessing.Pool(jobs, initializer=_init_worker, initargs=(wargs,))
        mapper = lambda idx: pool.imap(gen_file, idx)  # noqa: E731
    else:
        _init_worker(wargs)
        pool = None
        mapper = lambda idx: map(gen_file, idx)  # noqa: E731

    try:
        next_i = 0
        batch = max(4, 4 * jobs)
        while not done:
            for meta, recs, infos, gz in mapper(range(next_i, next_i + batch)):
                if done:
                    continue  # drain the batch; its files are not used
                if mode_name == "s3":
                    size = len(b'{"Records":[]}') + sum(len(r) for r in recs) + max(0, len(recs) - 1)
                elif mode_name == "ndjson":
                    size = sum(len(r) + 1 for r in recs)
                else:
                    size = sum(len(r) for r in recs) + len(recs)  # records + separators (approx. for the cut)
                if total_unc + size >= target:
                    # Cut this file at the record that reaches the target.
                    keep = 0
                    acc = total_unc + (len(b'{"Records":[]}') if mode_name == "s3" else 0)
                    for r in recs:
                        keep += 1
                        acc += len(r) + 1
                        if acc >= target:
                            break
                    if keep < len(recs):
                        recs = recs[:keep]
                        infos = [x for x in infos if x["record"] < keep]
                        gz = None  # recompress below
                    done = True
                for info in infos:
                    info["file"] = meta["path"] if mode_name == "s3" else (args.ndjson or args.single_doc)
                    if mode_name != "s3":
                        info["record"] += n_records
                    launches.append(info)
                for r in recs:
                    # Count event names cheaply from the serialised text.
                    j = r.find('"eventName":"') + 13
                    name = r[j:r.find('"', j)]
                    event_counts[name] = event_counts.get(name, 0) + 1
                if mode_name == "s3":
                    data = envelope(recs)
                    if not args.plain and gz is None:
                        gz = gzip_bytes(data, args.gzip_level)
                    out = data if args.plain else gz
                    path = os.path.join(args.out, meta["path"])
                    d = os.path.dirname(path)
                    if d not in made_dirs:
                        os.makedirs(d, exist_ok=True)
                        made_dirs.add(d)
                    with open(path, "wb") as f:
                        f.write(out)
                    total_unc += len(data)
                    total_comp += len(out)
                    if len(data) > largest[0]:
                        largest = (len(data), len(recs), meta["path"])
                    file_list.append({"path": meta["path"], "bytes": len(data), "records": len(recs),
                                      "compressed_bytes": None if args.plain else len(out)})
                elif mode_name == "ndjson":
                    data = ("\n".join(recs) + "\n").encode()
                    stream.write(data)
                    total_unc += len(data)
                else:
                    data = ((",".join(recs)) if first_record else ("," + ",".join(recs))).encode()
                    if recs:
                        first_record = False
                    stream.write(data)
                    total_unc += len(data)
                n_files += 1
                n_records += len(recs)
            next_i += batch
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()

    if mode_name == "single-doc":
        stream.write(b"]}")
        total_unc += len(b'{"Records":[]}')
    if stream is not None:
        stream.flush()
        if stream is not sys.stdout.buffer:
            stream.close()
    elapsed = time.time() - started

    watched = [x for x in launches if x["watched"]]

    def count(items, key):
        out = {}
        for x in items:
            out[x[key]] = out.get(x[key], 0) + 1
        return dict(sorted(out.items()))

    manifest = {
        "generator": "bench/gen_corpus.py",
        "generator_version": GENERATOR_VERSION,
        "mode": mode_name,
        "format": ("json" if args.plain else "json.gz") if mode_name == "s3" else mode_name,
        "scan_root": "AWSLogs" if mode_name == "s3" else (args.ndjson or args.single_doc),
        "params": {"size_mb": args.size_mb, "launch_rate": args.launch_rate,
                   "records_per_file": list(args.records_per_file), "accounts": args.accounts,
                   "regions": args.regions, "seed": args.seed, "plain": args.plain, "gzip_level": args.gzip_level,
                   "ratio": args.ratio, "repeat_fraction": wargs["repeat"]},
        "compression_ratio": round(total_unc / total_comp, 2) if (mode_name == "s3" and not args.plain
                                                                   and total_comp) else None,
        "accounts": [a.id for a in World(args.seed, args.accounts, args.regions).accounts],
        "region_names": [r for r, _ in REGIONS[:args.regions]],
        "files": n_files if mode_name == "s3" else 1,
        "chunks": n_files,
        "records": n_records,
        "launch_records": len(launches),
        "watched_launch_records": len(watched),
        "watched_launch_records_by_outcome": count(watched, "outcome"),
        "watched_launch_records_by_tier": count(watched, "tier"),
        "watched_instances_launched": sum(x["launched"] for x in watched),
        "launch_records_by_tier": count(launches, "tier"),
        "launch_records_by_outcome": count(launches, "outcome"),
        "launch_records_by_shape": count(launches, "shape"),
        "watched_definition": ("tier A: accelerator families at any size (p2 p3 p3dn p4d p5 g4dn g4ad g5 g6 g6e inf2 "
                               "trn1 here); tier B: sizes >= 24xlarge, metal, u-*/x1*/hpc* families; every generated "
                               "type has an explicit tier (see TIER_*_TYPES in gen_corpus.py). Outcome: launch = no "
                               "errorCode, attempt = error other than DryRun, dryrun = Client.DryRunOperation."),
        "bytes_uncompressed": total_unc,
        "bytes_compressed": total_comp if (mode_name == "s3" and not args.plain) else None,
        "largest_file_bytes": largest[0] if mode_name == "s3" else total_unc,
        "largest_file_records": largest[1] if mode_name == "s3" else n_records,
        "largest_file": largest[2] if mode_name == "s3" else (args.ndjson or args.single_doc),
        "mean_record_bytes": round(total_unc / n_records, 1) if n_records else 0,
        "event_counts": dict(sorted(event_counts.items(), key=lambda kv: (-kv[1], kv[0]))),
        "launches": launches,
        "file_list": file_list,
    }
    if manifest_path:
        d = os.path.dirname(manifest_path)
        if d:
            os.makedirs(d, exist_ok=True)
        with open(manifest_path, "w") as f:
            json.dump(manifest, f, indent=1, sort_keys=False)
            f.write("\n")

    if not args.quiet:
        comp = ("%.1f MB (ratio %.2f : 1, repeat fraction %.3f)" % (
            total_comp / 1e6, manifest["compression_ratio"], wargs["repeat"])
            if manifest["bytes_compressed"] is not None else "n/a")
        sys.stderr.write(
            "gen_corpus: %s: %d file(s), %d records, %d launch records (%d watched: %s), "
            "%.1f MB uncompressed, %s compressed, largest file %.2f MB, mean record %.0f B, "
            "%.1f s (%.1f MB/s, %d job(s))%s\n" % (
                mode_name, manifest["files"], n_records, len(launches), len(watched),
                ", ".join("%s %d" % kv for kv in manifest["watched_launch_records_by_outcome"].items()) or "-",
                total_unc / 1e6, comp, manifest["largest_file_bytes"] / 1e6, manifest["mean_record_bytes"],
                elapsed, total_unc / 1e6 / elapsed if elapsed > 0 else 0, jobs,
                ("; manifest " + manifest_path) if manifest_path else ""))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:
        # Reader went away (e.g. `... --ndjson - | head`): exit quietly like other CLI tools.
        try:
            sys.stdout = None
        except Exception:
            pass
        os._exit(1)

#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Generate a tree of many small CloudTrail log files in the S3 layout, for the cron benchmark.

    DIR/AWSLogs/<acct>/CloudTrail/<region>/YYYY/MM/DD/<acct>_CloudTrail_<region>_<stamp>_<id>.json.gz

--files N files are spread evenly over the --days days that end with --end (a UTC date, default
today, so `--since 1d` selects the last day's folders), over --accounts x --regions folders per
day. Each file is a gzip of one {"Records":[...]} document with 1 to 3 small records, as CloudTrail
writes for quiet accounts; every --launch-every'th file also holds a RunInstances of p3.2xlarge
(an alert for the shipped rules). The output depends only on the parameters (file number i uses
its own seeded RNG); gzip headers carry no time stamp. Python 3, standard library only.
"""

import argparse
import datetime as dt
import gzip
import json
import os
import random
import sys

NAMES = ["DescribeInstances", "AssumeRole", "GetBucketAcl", "Decrypt", "ListBuckets",
         "PutMetricData", "GetCallerIdentity"]
SOURCES = {"DescribeInstances": "ec2.amazonaws.com", "AssumeRole": "sts.amazonaws.com",
           "GetBucketAcl": "s3.amazonaws.com", "Decrypt": "kms.amazonaws.com",
           "ListBuckets": "s3.amazonaws.com", "PutMetricData": "monitoring.amazonaws.com",
           "GetCallerIdentity": "sts.amazonaws.com"}


def uuid4(rng):
    h = "%032x" % rng.getrandbits(128)
    return "%s-%s-4%s-a%s-%s" % (h[:8], h[8:12], h[13:16], h[17:20], h[20:32])


def record(rng, t, acct, region, name, request=None, response=None):
    return {
        "eventVersion": "1.09",
        "userIdentity": {"type": "IAMUser", "principalId": "AIDA%012d" % rng.randrange(10**12),
                         "arn": "arn:aws:iam::%s:user/build-bot" % acct, "accountId": acct,
                         "accessKeyId": "AKIAEXAMPLE%09d" % rng.randrange(10**9),
                         "userName": "build-bot"},
        "eventTime": t.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "eventSource": SOURCES.get(name, "ec2.amazonaws.com"),
        "eventName": name,
        "awsRegion": region,
        "sourceIPAddress": "198.51.100.%d" % rng.randrange(1, 255),
        "userAgent": "aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0",
        "requestParameters": request,
        "responseElements": response,
        "requestID": uuid4(rng),
        "eventID": uuid4(rng),
        "readOnly": name != "RunInstances",
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "recipientAccountId": acct,
        "eventCategory": "Management",
    }


def launch(rng, t, acct, region):
    request = {"instanceType": "p3.2xlarge", "minCount": 1, "maxCount": 1,
               "instancesSet": {"items": [{"imageId": "ami-0abcdef1234567890"}]}}
    response = {"instancesSet": {"items": [{"instanceId": "i-%017x" % rng.getrandbits(68),
                                            "instanceType": "p3.2xlarge"}]}}
    return record(rng, t, acct, region, "RunInstances", request, response)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--out", required=True)
    p.add_argument("--files", type=int, default=100_000)
    p.add_argument("--days", type=int, default=30)
    p.add_argument("--end", default=dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d"),
                   help="last day (UTC, YYYY-MM-DD; default today)")
    p.add_argument("--accounts", type=int, default=3)
    p.add_argument("--regions", type=int, default=4)
    p.add_argument("--launch-every", type=int, default=5000)
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()

    accounts = ["%012d" % (111122223333 + i * 1111) for i in range(a.accounts)]
    regions = ["us-east-1", "eu-west-1", "us-west-2", "ap-southeast-2", "eu-central-1",
               "sa-east-1"][:a.regions]
    folders = [(acct, region) for acct in accounts for region in regions]
    end = dt.datetime.strptime(a.end, "%Y-%m-%d").replace(tzinfo=dt.timezone.utc)
    first_day = end - dt.timedelta(days=a.days - 1)
    per_day = max(1, -(-a.files // a.days))
    launches = 0
    for i in range(a.files):
        rng = random.Random(a.seed * 1_000_003 + i)
        day, within = divmod(i, per_day)
        acct, region = folders[within % len(folders)]
        # Spread a day's files over the day (in order), at least a second apart within a folder.
        t = first_day + dt.timedelta(days=day, seconds=(within * 86400) // per_day)
        folder = os.path.join(a.out, "AWSLogs", acct, "CloudTrail", region, t.strftime("%Y/%m/%d"))
        os.makedirs(folder, exist_ok=True)
        stamp = (t + dt.timedelta(minutes=5)).strftime("%Y%m%dT%H%MZ")
        if t.date() != (t + dt.timedelta(minutes=5)).date():
            stamp = t.strftime("%Y%m%dT2359Z")
        name = "%s_CloudTrail_%s_%s_%016x.json.gz" % (acct, region, stamp, rng.getrandbits(64))
        records = [record(rng, t, acct, region, rng.choice(NAMES))
                   for _ in range(rng.randint(1, 3))]
        if a.launch_every > 0 and i % a.launch_every == a.launch_every // 2:
            records.append(launch(rng, t, acct, region))
            launches += 1
        data = json.dumps({"Records": records}, separators=(",", ":")).encode()
        with open(os.path.join(folder, name), "wb") as f:
            f.write(gzip.compress(data, compresslevel=6, mtime=0))
    print("%d files over %d days ending %s, %d launches" % (a.files, a.days, a.end, launches),
          file=sys.stderr)


if __name__ == "__main__":
    main()

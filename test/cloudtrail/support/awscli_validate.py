"""Runs the AWS CLI's own CloudTrail log validation (`aws cloudtrail validate-logs`) over a
local KeyTrail export. Only the transport is replaced: S3 reads come from the folder (a
digest's S3 user metadata from its .metadata.json sidecar) and ListPublicKeys answers with
the exported public key. Everything that decides validity is awscli's code.

usage: awscli_validate.py <export dir> <bucket> <account> <region> <trail> <public key json> <start> <end>
"""
import io
import json
import os
import sys

from botocore.exceptions import ClientError
from awscli.customizations.cloudtrail.validation import (
    CloudTrailValidateLogs,
    normalize_date,
    parse_date,
)

root, bucket, account, region, trail, public_keys_file, start, end = sys.argv[1:9]
SIDE = '.metadata.json'


def no_such_key(key):
    return ClientError({'Error': {'Code': 'NoSuchKey', 'Message': f'{key} does not exist'}}, 'GetObject')


class Pages:
    def __init__(self, keys):
        self._keys = keys

    def search(self, expression):
        assert expression == 'Contents[*].Key'
        return iter(self._keys)


class Paginator:
    def __init__(self, keys):
        self._keys = keys

    def paginate(self, Bucket, Marker, Prefix):
        assert Bucket == bucket
        return Pages([k for k in self._keys if k.startswith(Prefix) and k > Marker])


class FolderS3:
    def _all_keys(self):
        keys = []
        for dirpath, _, names in os.walk(os.path.join(root, 'AWSLogs')):
            for name in names:
                if not name.endswith(SIDE):
                    keys.append(os.path.relpath(os.path.join(dirpath, name), root).replace(os.sep, '/'))
        return sorted(keys)

    def get_paginator(self, name):
        assert name == 'list_objects'
        return Paginator(self._all_keys())

    def get_object(self, Bucket, Key):
        if Bucket != bucket:
            raise no_such_key(Key)
        path = os.path.join(root, *Key.split('/'))
        if not os.path.isfile(path):
            raise no_such_key(Key)
        metadata = {}
        if os.path.isfile(path + SIDE):
            with open(path + SIDE) as f:
                metadata = json.load(f)
        with open(path, 'rb') as f:
            return {'Body': io.BytesIO(f.read()), 'Metadata': metadata}


class Provider:
    def get_client(self, bucket_name):
        return FolderS3()


class CloudTrail:
    def list_public_keys(self, StartTime, EndTime):
        with open(public_keys_file) as f:
            return json.load(f)


command = CloudTrailValidateLogs(session=None)
command.trail_arn = f'arn:aws:cloudtrail:{region}:{account}:trail/{trail}'
command.is_verbose = True
command.s3_bucket = bucket
command.s3_prefix = None
command.account_id = None
command.start_time = normalize_date(parse_date(start))
command.end_time = normalize_date(parse_date(end))
command._source_region = region
command.s3_client_provider = Provider()
command.cloudtrail_client = CloudTrail()
command.organization_client = None
command._call()
# Older awscli releases (Debian's) name the same counters; read them defensively.
counts = {name: getattr(command, attr, 0) for name, attr in [
    ('validDigests', '_valid_digests'), ('invalidDigests', '_invalid_digests'),
    ('validLogs', '_valid_logs'), ('invalidLogs', '_invalid_logs')]}
invalid = counts['invalidDigests'] + counts['invalidLogs']
print(json.dumps(counts))
sys.exit(1 if invalid else 0)

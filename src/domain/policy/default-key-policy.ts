/**
 * The key policy KMS attaches when CreateKey gets none: the account (its root) may do
 * every KMS action on the key, which is also what lets identity policies in the account
 * take effect. Laid out the way GetKeyPolicy shows AWS's own default.
 */
export function defaultKeyPolicy(accountId: string, partition = 'aws'): string {
  return [
    '{',
    '  "Version" : "2012-10-17",',
    '  "Id" : "key-default-1",',
    '  "Statement" : [ {',
    '    "Sid" : "Enable IAM User Permissions",',
    '    "Effect" : "Allow",',
    '    "Principal" : {',
    `      "AWS" : "arn:${partition}:iam::${accountId}:root"`,
    '    },',
    '    "Action" : "kms:*",',
    '    "Resource" : "*"',
    '  } ]',
    '}',
  ].join('\n');
}

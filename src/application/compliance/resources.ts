import { accountRootArn } from '../../domain/policy/index.js';
import type { KeyVersion } from '../audit/temporal-read-models.js';
import type { ReportResource } from './report-model.js';

export function keyResource(key: KeyVersion): ReportResource {
  return { type: 'AWS::KMS::Key', id: key.keyId, arn: key.arn, accountId: key.accountId, region: key.region };
}

export function accountResource(accountId: string): ReportResource {
  return { type: 'AWS::::Account', id: accountId, arn: accountRootArn(accountId), accountId };
}

/** A result's identity across reports: the control and the resource. */
export const resultId = (controlId: string, resource: ReportResource): string => `${controlId}\0${resource.arn}`;

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KmsError, type KmsErrorCode } from '../../../src/domain/errors.js';
import { ERROR_STATUS } from '../../../src/infrastructure/http/error-status.js';
import { sendSigned } from './support/raw-http.js';
import { startServer, type RunningServer } from './support/server-fixture.js';

const SERVER_FAULTS = ['KMSInternalException', 'KeyUnavailableException', 'DependencyTimeoutException'];

describe('the error table', () => {
  let running: RunningServer;

  beforeAll(async () => {
    running = await startServer();
  });
  afterAll(async () => {
    await running.server.close();
  });

  it('keeps KMS client faults at 400 and server faults at 5xx', () => {
    for (const [code, status] of Object.entries(ERROR_STATUS)) {
      if (SERVER_FAULTS.includes(code)) expect(status, code).toBeGreaterThanOrEqual(500);
      else expect(status, code).toBeLessThan(500);
    }
    expect(ERROR_STATUS.KMSInternalException).toBe(500);
    expect(ERROR_STATUS.NotFoundException).toBe(400);
    expect(ERROR_STATUS.AlreadyExistsException).toBe(400);
    expect(ERROR_STATUS.AccessDeniedException).toBe(400);
  });

  it('is what the server answers for every error an operation throws', async () => {
    const codes = Object.keys(ERROR_STATUS).filter((code) => code !== 'RequestEntityTooLargeException') as KmsErrorCode[];
    for (const code of codes) {
      running.operations.failWith('ListAliases', () => {
        throw new KmsError(code, `because ${code}`);
      });
      const response = await sendSigned(running.port, 'TrentService.ListAliases', '{}');
      expect({ code, status: response.status, json: response.json, header: response.headers['x-amzn-errortype'] }).toEqual({
        code,
        status: ERROR_STATUS[code],
        json: { __type: code, message: `because ${code}` },
        header: code,
      });
    }
    expect(running.reports).toEqual([]);
  });
});

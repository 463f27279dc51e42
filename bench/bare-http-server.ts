/**
 * The yardstick for the KMS benchmark: node:http answering every request with one fixed
 * AWS JSON body after reading the request, no authentication, no work. Run as its own
 * process (like the KMS server) and prints its port on the first line.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Shaped like a real Encrypt/Decrypt/GenerateDataKey answer, so the SDK client parses it as one. */
const BODY = JSON.stringify({
  CiphertextBlob: Buffer.alloc(182, 7).toString('base64'),
  Plaintext: Buffer.alloc(32, 9).toString('base64'),
  KeyId: 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
  EncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
});

const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'Content-Type': 'application/x-amz-json-1.1', 'x-amzn-RequestId': '00000000-0000-4000-8000-000000000000' });
    res.end(BODY);
  });
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${(server.address() as AddressInfo).port}\n`);
});
process.once('SIGTERM', () => {
  server.close(() => process.exit(0));
  // Keep-alive sockets would otherwise hold the close back.
  server.closeAllConnections();
});

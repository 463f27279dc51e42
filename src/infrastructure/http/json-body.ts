/** Reads the request body as one JSON document; anything unreadable is a SerializationException. */
import { KmsError } from '../../domain/errors.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function parseJsonBody(body: Uint8Array): unknown {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    throw new KmsError('SerializationException', 'The request body is not valid UTF-8');
  }
  // The SDKs send {} for an empty input; some clients send nothing at all.
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new KmsError('SerializationException', 'Could not parse the request body as JSON');
  }
}

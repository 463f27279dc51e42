import { parsePolicyDocument, type PolicyDocument } from '../../domain/policy/index.js';

const ENTRIES = 1024;
const ALLOW_ALL_KMS = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }] });

/**
 * Parsed policies by text: the same few documents are read for every instant and every
 * principal of a question, and parsing is the costly part of an evaluation.
 */
export class PolicyCache {
  private readonly documents = new Map<string, PolicyDocument>();

  keyPolicy(text: string): PolicyDocument {
    return this.parse(`key\0${text}`, () => parsePolicyDocument(text, { kind: 'key' }));
  }

  identityPolicy(text: string): PolicyDocument {
    return this.parse(`identity\0${text}`, () => parsePolicyDocument(text, { kind: 'identity' }));
  }

  /** What "an identity policy that allows it" stands for when the principals of an account are asked about as a whole. */
  allowAll(): PolicyDocument {
    return this.identityPolicy(ALLOW_ALL_KMS);
  }

  private parse(id: string, parse: () => PolicyDocument): PolicyDocument {
    let document = this.documents.get(id);
    if (document === undefined) {
      document = parse();
      if (this.documents.size >= ENTRIES) this.documents.delete(this.documents.keys().next().value!);
      this.documents.set(id, document);
    }
    return document;
  }
}

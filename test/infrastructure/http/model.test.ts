import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { compactModel, ModelError } from '../../../src/infrastructure/http/model/compact-model.js';
import { generateKmsShapes } from '../../../src/infrastructure/http/model/generate-kms-shapes.js';
import { KMS_OPERATION_NAMES } from '../../../src/infrastructure/http/model/kms-operation-names.js';
import { KMS_SHAPES } from '../../../src/infrastructure/http/model/kms-shapes.generated.js';
import { renderShapesModule } from '../../../src/infrastructure/http/model/render-shapes-module.js';

// One small invented service, written in both published forms of an AWS model.
const botocore = {
  metadata: { uid: 'gadget-2020-01-01' },
  operations: {
    MakeGadget: { input: { shape: 'MakeGadgetRequest' } },
    Unrelated: { input: { shape: 'UnrelatedRequest' } },
  },
  shapes: {
    MakeGadgetRequest: {
      type: 'structure',
      required: ['Name'],
      members: { Name: { shape: 'NameType' }, Size: { shape: 'SizeType' }, Secret: { shape: 'SecretType' }, Parts: { shape: 'PartList' }, Labels: { shape: 'LabelMap' }, Colour: { shape: 'Colour' } },
    },
    NameType: { type: 'string', min: 1, max: 32, pattern: '^[a-z]+$' },
    SizeType: { type: 'integer', min: 1, max: 9 },
    SecretType: { type: 'blob', min: 1, max: 16, sensitive: true },
    PartList: { type: 'list', member: { shape: 'NameType' }, max: 3 },
    LabelMap: { type: 'map', key: { shape: 'NameType' }, value: { shape: 'NameType' } },
    Colour: { type: 'string', enum: ['RED', 'GREEN'] },
    UnrelatedRequest: { type: 'structure', members: { X: { shape: 'Weight' } } },
    Weight: { type: 'double' },
  },
};

const smithy = {
  smithy: '2.0',
  shapes: {
    'example.gadget#MakeGadget': { type: 'operation', input: { target: 'example.gadget#MakeGadgetRequest' } },
    'example.gadget#MakeGadgetRequest': {
      type: 'structure',
      members: {
        Name: { target: 'example.gadget#NameType', traits: { 'smithy.api#required': {} } },
        Size: { target: 'example.gadget#SizeType' },
        Secret: { target: 'example.gadget#SecretType' },
        Parts: { target: 'example.gadget#PartList' },
        Labels: { target: 'example.gadget#LabelMap' },
        Colour: { target: 'example.gadget#Colour' },
      },
    },
    'example.gadget#NameType': { type: 'string', traits: { 'smithy.api#length': { min: 1, max: 32 }, 'smithy.api#pattern': '^[a-z]+$' } },
    'example.gadget#SizeType': { type: 'integer', traits: { 'smithy.api#range': { min: 1, max: 9 } } },
    'example.gadget#SecretType': { type: 'blob', traits: { 'smithy.api#length': { min: 1, max: 16 }, 'smithy.api#sensitive': {} } },
    'example.gadget#PartList': { type: 'list', member: { target: 'example.gadget#NameType' }, traits: { 'smithy.api#length': { max: 3 } } },
    'example.gadget#LabelMap': { type: 'map', key: { target: 'example.gadget#NameType' }, value: { target: 'example.gadget#NameType' } },
    'example.gadget#Colour': {
      type: 'enum',
      members: {
        RED: { target: 'smithy.api#Unit', traits: { 'smithy.api#enumValue': 'RED' } },
        GREEN: { target: 'smithy.api#Unit', traits: { 'smithy.api#enumValue': 'GREEN' } },
      },
    },
  },
};

describe('compacting an AWS model', () => {
  it('keeps the constraints of the shapes reachable from the chosen operations only', () => {
    const table = compactModel(botocore, ['MakeGadget']);
    expect(table.source).toBe('botocore service model gadget-2020-01-01');
    expect(table.operations).toEqual({ MakeGadget: 'MakeGadgetRequest' });
    expect(Object.keys(table.shapes)).toEqual(['Colour', 'LabelMap', 'MakeGadgetRequest', 'NameType', 'PartList', 'SecretType', 'SizeType']);
    expect(table.shapes['NameType']).toEqual({ type: 'string', pattern: '^[a-z]+$', min: 1, max: 32 });
    expect(table.shapes['SecretType']).toEqual({ type: 'blob', sensitive: true, min: 1, max: 16 });
    expect(table.shapes['SizeType']).toEqual({ type: 'integer', min: 1, max: 9 });
    expect(table.shapes['MakeGadgetRequest']).toMatchObject({ required: ['Name'] });
  });

  it('reads the Smithy JSON AST into the same table', () => {
    const fromSmithy = compactModel(smithy, ['MakeGadget']);
    const fromBotocore = compactModel(botocore, ['MakeGadget']);
    expect(fromSmithy.shapes).toEqual(fromBotocore.shapes);
    expect(fromSmithy.operations).toEqual(fromBotocore.operations);
  });

  it('gives a member that narrows its target a shape of its own', () => {
    const narrowed = structuredClone(smithy) as typeof smithy;
    (narrowed.shapes['example.gadget#MakeGadgetRequest'].members.Name as { traits: Record<string, unknown> }).traits['smithy.api#length'] = { max: 8 };
    const table = compactModel(narrowed, ['MakeGadget']);
    expect(table.shapes['MakeGadgetRequest']).toMatchObject({ members: { Name: 'MakeGadgetRequest$Name' } });
    expect(table.shapes['MakeGadgetRequest$Name']).toEqual({ type: 'string', pattern: '^[a-z]+$', min: 1, max: 8 });
  });

  it('refuses an operation the model does not have, or a model it cannot read', () => {
    expect(() => compactModel(botocore, ['Teleport'])).toThrow(ModelError);
    expect(() => compactModel(smithy, ['Teleport'])).toThrow(ModelError);
    expect(() => compactModel({ hello: 'world' }, ['MakeGadget'])).toThrow(ModelError);
    expect(() => compactModel(botocore, ['Unrelated'])).toThrow(/Weight/);
  });
});

describe('the generator', () => {
  it('reads a gzipped model file and insists on every KMS operation', () => {
    const dir = mkdtempSync(join(tmpdir(), 'keytrail-model-'));
    try {
      const path = join(dir, 'service-2.json.gz');
      writeFileSync(path, gzipSync(JSON.stringify(botocore)));
      expect(() => generateKmsShapes(path)).toThrow(/operation CreateKey is not in the model/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the committed KMS table', () => {
  it('covers exactly the operations KeyTrail serves', () => {
    expect(Object.keys(KMS_SHAPES.operations)).toEqual([...KMS_OPERATION_NAMES]);
  });

  it('is unedited generator output', () => {
    const committed = readFileSync(new URL('../../../src/infrastructure/http/model/kms-shapes.generated.ts', import.meta.url), 'utf8');
    expect(renderShapesModule(KMS_SHAPES, 'src/infrastructure/http/model/generate-kms-shapes.ts')).toBe(committed);
  });

  it('holds the constraints of the KMS model', () => {
    expect(KMS_SHAPES.shapes['KeyIdType']).toEqual({ type: 'string', min: 1, max: 2048 });
    expect(KMS_SHAPES.shapes['PlaintextType']).toEqual({ type: 'blob', sensitive: true, min: 1, max: 4096 });
    expect(KMS_SHAPES.shapes['GrantTokenList']).toEqual({ type: 'list', member: 'GrantTokenType', min: 0, max: 10 });
    expect(KMS_SHAPES.shapes['NumberOfBytesType']).toEqual({ type: 'integer', min: 1, max: 1024 });
    expect(KMS_SHAPES.shapes['PendingWindowInDaysType']).toEqual({ type: 'integer', min: 1, max: 365 });
  });
});

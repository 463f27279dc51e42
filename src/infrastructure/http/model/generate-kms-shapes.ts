/**
 * Regenerates kms-shapes.generated.ts from AWS's published KMS model:
 *
 *   npm run build
 *   node dist/src/infrastructure/http/model/generate-kms-shapes.js <kms model> [output.ts]
 *
 * <kms model> is either the Smithy JSON AST (aws-models/kms.json of the AWS SDK
 * repositories) or botocore's service-2.json(.gz) (shipped with the AWS CLI under
 * botocore/data/kms/2014-11-01/). The output defaults to the committed table next to this file.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { compactModel } from './compact-model.js';
import { KMS_OPERATION_NAMES } from './kms-operation-names.js';
import { renderShapesModule } from './render-shapes-module.js';

export function generateKmsShapes(modelPath: string): string {
  const raw = readFileSync(modelPath);
  const text = modelPath.endsWith('.gz') ? gunzipSync(raw).toString('utf8') : raw.toString('utf8');
  const table = compactModel(JSON.parse(text), KMS_OPERATION_NAMES);
  return renderShapesModule(table, 'src/infrastructure/http/model/generate-kms-shapes.ts');
}

function main(argv: readonly string[]): void {
  const [modelPath, outputArg] = argv;
  if (!modelPath) {
    process.stderr.write('usage: generate-kms-shapes <kms.json | service-2.json[.gz]> [output.ts]\n');
    process.exitCode = 2;
    return;
  }
  // The compiled script lives under dist/; the committed table lives in the source tree.
  const output =
    outputArg ??
    fileURLToPath(new URL('../../../../../src/infrastructure/http/model/kms-shapes.generated.ts', import.meta.url));
  writeFileSync(output, generateKmsShapes(modelPath));
  process.stdout.write(`wrote ${output}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main(process.argv.slice(2));

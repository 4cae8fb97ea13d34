// Parses YAML files (every document) and validates Kubernetes objects against the API schema that
// kubernetes-models compiles from Kubernetes' OpenAPI definitions. Prints one JSON array.
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';

const results = [];
for (const file of process.argv.slice(2)) {
  for (const document of parseAllDocuments(readFileSync(file, 'utf8'))) {
    if (document.errors.length) {
      results.push({ file, error: document.errors.map(e => e.message).join('; ') });
      continue;
    }
    const object = document.toJS();
    const result = { file, object, error: null, schema: null };
    if (object && object.apiVersion && object.kind) {
      try {
        const module = await import(`kubernetes-models/${object.apiVersion}/${object.kind}`);
        const Model = module[object.kind];
        result.schema = `${object.apiVersion}/${object.kind}`;
        new Model(object).validate();
      } catch (e) {
        result.error = e.message;
      }
    }
    results.push(result);
  }
}
console.log(JSON.stringify(results));

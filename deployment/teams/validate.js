// Validates a Teams manifest offline against the JSON schema bundled in Microsoft's @microsoft/app-manifest.
// Usage: node validate.js <manifest.json>   (needs @microsoft/app-manifest and fs-extra on NODE_PATH)
// A manifest whose $schema is not bundled fails: the validator would otherwise fetch it from the network.
const fs = require('fs');
const path = require('path');
const { AppManifestUtils } = require('@microsoft/app-manifest');

(async () => {
  const manifest = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const suffix = AppManifestUtils.getLocalSchemaSuffix(manifest.$schema || '');
  // Where the package keeps its schemas (beside its main module, as its own loader looks for them).
  const packageDir = path.dirname(require.resolve('@microsoft/app-manifest'));
  const schemaFile = suffix && path.join(packageDir, suffix);
  if (!schemaFile || !fs.existsSync(schemaFile)) {
    console.error(`The schema ${manifest.$schema} is not bundled with @microsoft/app-manifest; cannot validate offline.`);
    process.exit(1);
  }
  const schema = JSON.parse(fs.readFileSync(schemaFile, 'utf8'));
  const [, failures] = await AppManifestUtils.readAndValidateTeamsManifest(process.argv[2]).then(
    async ([parsed]) => [parsed, await AppManifestUtils.validateAgainstSchema(parsed, schema)]);
  if (failures.length) {
    console.error(failures.join('\n'));
    process.exit(1);
  }
  console.log(`OK: Teams manifest ${manifest.manifestVersion} passes ${path.relative(packageDir, schemaFile)}`);
})().catch((err) => { console.error(String(err && err.stack || err)); process.exit(1); });

// Validates a Teams manifest offline against Microsoft's bundled JSON schema.
// Usage: node validate.js <manifest.json>   (needs @microsoft/app-manifest and fs-extra installed)
const { AppManifestUtils } = require('@microsoft/app-manifest');

(async () => {
  const [manifest, failures] = await AppManifestUtils.readAndValidateTeamsManifest(process.argv[2]);
  if (failures && failures.length) {
    console.error(JSON.stringify(failures, null, 2));
    process.exit(1);
  }
  console.log(`OK: Teams manifest ${manifest.manifestVersion}`);
})().catch((err) => { console.error(err); process.exit(1); });

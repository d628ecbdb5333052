// kv version 2 through node-vault (an existing Vault API client library), used unchanged, with its generic calls on
// the kv v2 paths of a `plugin-host server -dev`, whose secret/ is kv v2 as Vault's dev server's is. VAULT_ADDR and
// VAULT_TOKEN (root) come from the test. Prints what it checks.
const vault = require('node-vault')({ apiVersion: 'v1', endpoint: process.env.VAULT_ADDR, token: process.env.VAULT_TOKEN });

const failed = async (what, call) => {
  try {
    await call();
    console.log(what + ': succeeded');
  } catch (e) {
    console.log(what + ' ' + e.response.statusCode + ' ' + e.message);
  }
};

(async () => {
  const first = await vault.write('secret/data/app/db', { data: { password: 'one' } });
  console.log('write version=' + first.data.version + ' destroyed=' + first.data.destroyed + ' deletion_time="' + first.data.deletion_time + '"');
  const second = await vault.write('secret/data/app/db', { data: { password: 'two', user: 'app' }, options: { cas: 1 } });
  console.log('write cas=1 version=' + second.data.version);
  await failed('write cas=1 again', () => vault.write('secret/data/app/db', { data: { password: 'x' }, options: { cas: 1 } }));

  const latest = await vault.read('secret/data/app/db');
  console.log('read ' + JSON.stringify(latest.data.data) + ' version=' + latest.data.metadata.version);
  const old = await vault.read('secret/data/app/db?version=1');
  console.log('read version=1 ' + JSON.stringify(old.data.data));

  // node-vault's own request, for the merge patch Vault's kv helpers send.
  const patched = await vault.request({
    path: '/secret/data/app/db', method: 'PATCH', json: { data: { user: null, role: 'ro' } },
    headers: { 'Content-Type': 'application/merge-patch+json' },
  });
  console.log('patch version=' + patched.data.version);
  console.log('after patch ' + JSON.stringify((await vault.read('secret/data/app/db')).data.data));

  await vault.delete('secret/data/app/db');
  await failed('read after delete', () => vault.read('secret/data/app/db'));
  await vault.write('secret/undelete/app/db', { versions: [3] });
  console.log('undeleted ' + JSON.stringify((await vault.read('secret/data/app/db')).data.data));
  await vault.write('secret/destroy/app/db', { versions: [1] });
  await failed('read destroyed version', () => vault.read('secret/data/app/db?version=1'));

  await vault.write('secret/metadata/app/db', { max_versions: 5, custom_metadata: { owner: 'ops' } });
  const meta = await vault.read('secret/metadata/app/db');
  console.log('metadata current=' + meta.data.current_version + ' max=' + meta.data.max_versions + ' custom=' + JSON.stringify(meta.data.custom_metadata) +
    ' versions=' + JSON.stringify(Object.keys(meta.data.versions)) + ' destroyed1=' + meta.data.versions['1'].destroyed);

  await vault.write('secret/data/app/api', { data: { key: 'k' } });
  console.log('list ' + JSON.stringify((await vault.list('secret/metadata/app')).data.keys));
  await vault.delete('secret/metadata/app/db');
  await failed('read after metadata delete', () => vault.read('secret/data/app/db'));
  console.log('list after ' + JSON.stringify((await vault.list('secret/metadata/app')).data.keys));
})().catch(e => {
  console.error('FAILED ' + e.message + ' ' + (e.response && e.response.statusCode));
  process.exit(1);
});

// The seal through node-vault (an existing Vault API client library), used as any Vault user would, against a
// PluginHost server started from a config file: sealed and not initialized. VAULT_ADDR comes from the test.
const vault = require('node-vault')({ apiVersion: 'v1', endpoint: process.env.VAULT_ADDR });

const show = (what, s) => console.log(`${what} sealed=${s.sealed} t=${s.t} n=${s.n} progress=${s.progress}`);

(async () => {
  console.log('initialized ' + (await vault.initialized()).initialized);
  show('status', await vault.status());
  const init = await vault.init({ secret_shares: 3, secret_threshold: 2 });
  console.log(`init keys=${init.keys.length} keys_base64=${init.keys_base64.length} root_token=${init.root_token.startsWith('hvs.')}`);
  vault.token = init.root_token;
  console.log('initialized ' + (await vault.initialized()).initialized);
  try {
    await vault.mounts();
    console.log('mounts while sealed: allowed');
  } catch (e) {
    console.log('mounts while sealed ' + e.response.statusCode + ' ' + e.message);
  }

  // One share as hex, the next as base64: Vault takes either.
  show('unseal', await vault.unseal({ key: init.keys[0] }));
  show('unseal', await vault.unseal({ key: init.keys_base64[2] }));
  await vault.mount({ mount_point: 'secret', type: 'kv' });
  await vault.write('secret/foo', { value: 'bar' });
  console.log('mounts ' + JSON.stringify(Object.keys((await vault.mounts()).data)));
  await vault.seal();
  show('sealed', await vault.status());
  try {
    await vault.read('secret/foo');
    console.log('read after seal: allowed');
  } catch (e) {
    console.log('read after seal ' + e.response.statusCode + ' ' + e.message);
  }

  // Any two shares unseal again, and the data is back.
  show('unseal', await vault.unseal({ key: init.keys[1] }));
  show('unseal', await vault.unseal({ key: init.keys[2] }));
  console.log('read ' + JSON.stringify((await vault.read('secret/foo')).data));
})().catch(e => {
  console.error('FAILED ' + e.message + ' ' + (e.response && e.response.statusCode));
  process.exit(1);
});

// Database credentials through node-vault (an existing Vault API client library), used unchanged, against a PluginHost
// server whose database/ mount DatabaseTests configured for its PostgreSQL. VAULT_ADDR and VAULT_TOKEN (root) come from
// the test. Prints what it checks, and the user names (as "user NAME") for the test to look up in PostgreSQL.
const vault = require('node-vault')({ apiVersion: 'v1', endpoint: process.env.VAULT_ADDR, token: process.env.VAULT_TOKEN });

const prefix = 'database/creds/readonly/';
const describe = (what, answer) =>
  console.log(what + ' lease_id=' + (answer.lease_id.startsWith(prefix) ? prefix + '…' : answer.lease_id) +
    ' renewable=' + answer.renewable + ' lease_duration=' + answer.lease_duration);

(async () => {
  const creds = await vault.read('database/creds/readonly');
  describe('creds', creds);
  console.log('data ' + JSON.stringify(Object.keys(creds.data).sort()));
  console.log('user ' + creds.data.username);

  // node-vault's own lease calls: renew and revoke are sys/leases/renew and sys/leases/revoke.
  const renewed = await vault.renew({ lease_id: creds.lease_id, increment: 1800 });
  describe('renew', renewed);
  console.log('same lease ' + (renewed.lease_id === creds.lease_id));
  await vault.revoke({ lease_id: creds.lease_id });
  console.log('revoked');
  try {
    await vault.write('sys/leases/lookup', { lease_id: creds.lease_id });
    console.log('lookup after revoke: found');
  } catch (e) {
    console.log('lookup after revoke ' + e.response.statusCode + ' ' + e.message);
  }

  // And its revokePrefix: the older sys/revoke-prefix/ path.
  const second = await vault.read('database/creds/readonly');
  console.log('user ' + second.data.username);
  await vault.revokePrefix({ path_prefix: 'database/creds/readonly' });
  console.log('revoked by prefix');
})().catch(e => {
  console.error('FAILED ' + e.message + ' ' + (e.response && e.response.statusCode));
  process.exit(1);
});

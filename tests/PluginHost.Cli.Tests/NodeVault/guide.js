// HashiCorp's plugin guide through node-vault (an existing Vault API client library), used as any Vault user would,
// against a PluginHost server. VAULT_ADDR, VAULT_TOKEN (root) and PLUGIN (the mock plugin's path) come from the test.
const crypto = require('crypto');
const fs = require('fs');
const vault = require('node-vault')({ apiVersion: 'v1', endpoint: process.env.VAULT_ADDR, token: process.env.VAULT_TOKEN });

(async () => {
  const sha256 = crypto.createHash('sha256').update(fs.readFileSync(process.env.PLUGIN)).digest('hex');
  console.log('health initialized=' + (await vault.health()).initialized);
  await vault.write('sys/plugins/catalog/secret/my-mock-plugin', { sha256, command: 'my-mock-plugin' });
  await vault.mount({ mount_point: 'my-secrets-plugin', type: 'my-mock-plugin' });
  console.log('mounts ' + JSON.stringify(Object.keys((await vault.mounts()).data)));
  console.log('write ' + JSON.stringify((await vault.write('my-secrets-plugin/kv/foo', { value: 'bar' })).data));
  console.log('read ' + JSON.stringify((await vault.read('my-secrets-plugin/kv/foo')).data));
  console.log('list ' + JSON.stringify((await vault.list('my-secrets-plugin/kv')).data));
  await vault.delete('my-secrets-plugin/kv/foo');
  try {
    await vault.read('my-secrets-plugin/kv/foo');
    console.log('read after delete: found');
  } catch (e) {
    console.log('read after delete ' + e.response.statusCode);
  }

  await vault.enableAuth({ mount_point: 'userpass', type: 'userpass' });
  await vault.write('auth/userpass/users/alice', { password: 's3cret', token_policies: 'dev' });
  const login = await vault.userpassLogin({ username: 'alice', password: 's3cret' });
  console.log('login ' + JSON.stringify(login.auth.policies));
  console.log('lookup-self ' + (await vault.tokenLookupSelf()).data.display_name);
  try {
    await vault.mounts();
    console.log('login token on sys/mounts: allowed');
  } catch (e) {
    console.log('login token on sys/mounts ' + e.response.statusCode + ' ' + e.message);
  }

  vault.token = process.env.VAULT_TOKEN; // node-vault switched to the login's token

  // Policies and audit devices through node-vault's own calls (sys/policy, sys/audit).
  await vault.addPolicy({ name: 'reader', rules: 'path "my-secrets-plugin/*" { capabilities = ["read", "list"] }' });
  console.log('policy ' + (await vault.getPolicy({ name: 'reader' })).rules);
  console.log('policies ' + JSON.stringify((await vault.policies()).policies));
  await vault.enableAudit({ name: 'file', type: 'file', options: { file_path: process.env.AUDIT_LOG } });
  console.log('audits ' + JSON.stringify(Object.keys((await vault.audits()).data)));
  const caps = await vault.write('sys/capabilities-self', { paths: ['my-secrets-plugin/kv/foo'] });
  console.log('capabilities-self ' + JSON.stringify(caps.data.capabilities));
  await vault.disableAudit({ name: 'file' });
  await vault.removePolicy({ name: 'reader' });
  console.log('policies ' + JSON.stringify((await vault.policies()).policies));
  await vault.unmount({ mount_point: 'my-secrets-plugin' });
  console.log('unmounted');
})().catch(e => {
  console.error('FAILED ' + e.message + ' ' + (e.response && e.response.statusCode));
  process.exit(1);
});

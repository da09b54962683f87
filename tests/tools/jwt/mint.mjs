// Test-only: an identity provider's signer, made with an independent JWT library (jose), for
// the integration tests of provider tokens as issued (Clerk-shaped session tokens).
//   node mint.mjs keygen <dir>            RS256 key pair (as Clerk signs): <dir>/private.json
//                                         (JWK with kid) and <dir>/jwks.json (the public JWKS)
//   node mint.mjs sign <dir> <payload>    prints a compact JWS of the JSON payload, signed with
//                                         that key and naming its kid
// Exit 0 on success, 2 on a usage error.
import { exportJWK, generateKeyPair, importJWK, SignJWT } from 'jose';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [cmd, dir, payload] = process.argv.slice(2);
if (cmd === 'keygen' && dir) {
  mkdirSync(dir, { recursive: true });
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = 'ins_test_' + Math.random().toString(36).slice(2, 10);
  const priv = { ...(await exportJWK(privateKey)), kid, alg: 'RS256' };
  const pub = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  writeFileSync(join(dir, 'private.json'), JSON.stringify(priv));
  writeFileSync(join(dir, 'jwks.json'), JSON.stringify({ keys: [pub] }));
  console.log(kid);
} else if (cmd === 'sign' && dir && payload) {
  const priv = JSON.parse(readFileSync(join(dir, 'private.json'), 'utf8'));
  const key = await importJWK(priv, 'RS256');
  const token = await new SignJWT(JSON.parse(payload))
    .setProtectedHeader({ alg: 'RS256', kid: priv.kid, typ: 'JWT' })
    .sign(key);
  console.log(token);
} else {
  console.error('usage: node mint.mjs keygen <dir> | node mint.mjs sign <dir> <payload json>');
  process.exit(2);
}

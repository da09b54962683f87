// Test-only: checks a token with an independent JWT library (jose) against a JWKS fetched over
// HTTP, the way another service would check tenantd's tokens.
// usage: node verify.mjs <jwks url> <token> [issuer] [audience]
// Prints {"ok":true,"alg":…,"kid":…,"payload":{…}} or {"ok":false,"code":…}; exit 0 either way,
// 2 on a usage error.
import { createRemoteJWKSet, jwtVerify } from 'jose';

const [jwksUrl, token, issuer, audience] = process.argv.slice(2);
if (!jwksUrl || !token) {
  console.error('usage: node verify.mjs <jwks url> <token> [issuer] [audience]');
  process.exit(2);
}
const jwks = createRemoteJWKSet(new URL(jwksUrl));
const options = { algorithms: ['ES256', 'EdDSA'] };
if (issuer) options.issuer = issuer;
if (audience) options.audience = audience;
try {
  const { payload, protectedHeader } = await jwtVerify(token, jwks, options);
  console.log(JSON.stringify({ ok: true, alg: protectedHeader.alg, kid: protectedHeader.kid, payload }));
} catch (e) {
  console.log(JSON.stringify({ ok: false, code: e.code || e.name }));
}

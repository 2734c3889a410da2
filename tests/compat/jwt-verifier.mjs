// Okta's Node JWT verifier (@okta/jwt-verifier, pinned) against a live mockfinra:
// `node jwt-verifier.mjs <issuer> <accessToken> <idToken> <nonce> <forgedAccessToken>`; one JSON object per step.
// It fetches discovery and the JWKS from the issuer. tests/test_compat_jwt_verifiers.py asserts on the steps.

import OktaJwtVerifier from '@okta/jwt-verifier';

import { check, step } from './support.mjs';

const [issuer, accessToken, idToken, nonce, forged] = process.argv.slice(2);
// The verifier refuses a plain-http issuer unless told it is testing (the mock serves http on loopback).
const verifier = new OktaJwtVerifier({ issuer, testing: { disableHttpsCheck: true } });

async function refused(promise) {
  try {
    await promise;
  } catch (error) {
    return error?.name || 'Error';
  }
  return null;
}

const access = await verifier.verifyAccessToken(accessToken, 'api://traqs');
step('access', { sub: access.claims.sub, entitlements: access.claims.entitlements, kid: access.header.kid });
const id = await verifier.verifyIdToken(idToken, 'traqs-api', nonce);
step('id', { sub: id.claims.sub, nonce: id.claims.nonce });
const forgery = await refused(verifier.verifyAccessToken(forged, 'api://traqs'));
check(forgery !== null, 'a forged access token was accepted');
const audience = await refused(verifier.verifyAccessToken(accessToken, 'api://elsewhere'));
check(audience !== null, 'an access token for another audience was accepted');
step('refused', { forgery, audience });
step('done');

#!/usr/bin/env node
// The real @okta/okta-auth-js client against a mockfinra that fails on purpose (/_mock/faults).
//
//   node fault-scenarios.mjs http://127.0.0.1:8400 rate-limited
//
// Prints one JSON object per step on stdout; the last line is {"step":"done"} or {"step":"failed"} (exit 1).

import { OktaAuth } from '@okta/okta-auth-js';
import { PASSWORD, apiError, check, expectApiError, makeMock, step, uniqueLogin } from './support.mjs';

async function addFault(mock, fault) {
  const { status, json, text } = await mock.call('POST', '/_mock/faults', fault);
  check(status === 201, `POST /_mock/faults answered ${status}: ${text}`);
  return json;
}

function headerOf(error, name) {
  const headers = error?.xhr?.headers ?? {};
  if (typeof headers.get === 'function') return headers.get(name);
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}

/** Sign in, and on a 429 wait as long as Retry-After says, then try again (at most `tries` times). */
async function signInHonouringRetryAfter(auth, credentials, tries) {
  const attempts = [];
  for (let attempt = 1; ; attempt += 1) {
    try {
      const tx = await auth.signInWithCredentials(credentials);
      attempts.push({ attempt, status: tx.status });
      return { tx, attempts };
    } catch (error) {
      const seen = { attempt, ...apiError(error), retryAfter: headerOf(error, 'retry-after') };
      attempts.push(seen);
      if (seen.status !== 429 || attempt >= tries) throw error;
      await new Promise((resolve) => setTimeout(resolve, Number(seen.retryAfter || 1) * 1000));
    }
  }
}

const scenarios = {
  /** 429 on /api/v1/authn: AuthApiError E0000047 with Retry-After; a client that waits gets through. */
  async 'rate-limited'({ auth, mock }) {
    const login = uniqueLogin('ratelimit');
    await mock.createUser({
      login, password: PASSWORD, entitlements: ['TRACE'],
      factors: [{ factorType: 'question', question: 'favorite_toy', answer: 'teddy bear' }],
    });
    const fault = await addFault(mock, { site: 'mfa', path: '/api/v1/authn', status: 429, retry_after: 1, times: 2 });
    step('fault', { id: fault.id });
    const refused = await expectApiError(auth.signInWithCredentials({ username: login, password: PASSWORD }), 'E0000047', 429);
    step('refused', refused);
    const { tx, attempts } = await signInHonouringRetryAfter(auth, { username: login, password: PASSWORD }, 3);
    step('retried', { attempts, status: tx.status });
    check(tx.status === 'MFA_REQUIRED', `expected MFA_REQUIRED after the retry, got ${tx.status}`);
  },

  /** The NTF maintenance preset: the classic API answers 503 E0000010, an AuthApiError too. */
  async maintenance({ auth, mock }) {
    const made = await mock.call('POST', '/_mock/faults', { preset: 'ntf-maintenance' });
    check(made.status === 201, `preset answered ${made.status}`);
    const refused = await expectApiError(
      auth.signInWithCredentials({ username: uniqueLogin('maint'), password: PASSWORD }), 'E0000010', 503,
    );
    step('refused', refused);
    await mock.call('DELETE', '/_mock/faults');
    const wrong = await expectApiError(
      auth.signInWithCredentials({ username: uniqueLogin('maint'), password: PASSWORD }), 'E0000004', 401,
    );
    step('back', wrong);
  },
};

async function main() {
  const [issuer, name] = process.argv.slice(2);
  if (!issuer || !scenarios[name]) {
    process.stderr.write(`usage: node fault-scenarios.mjs <issuer-url> <${Object.keys(scenarios).join('|')}>\n`);
    process.exit(2);
  }
  const auth = new OktaAuth({ issuer });
  const mock = makeMock(issuer);
  step('start', { scenario: name, issuer });
  try {
    await scenarios[name]({ auth, mock, issuer });
  } catch (error) {
    const details = error?.name === 'AuthApiError' ? apiError(error) : {};
    step('failed', { scenario: name, error: `${error?.name}: ${error?.message}`, ...details });
    process.stderr.write(`${name} failed: ${error?.stack ?? error}\n`);
    process.exit(1);
  }
  step('done', { scenario: name });
}

main();

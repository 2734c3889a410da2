#!/usr/bin/env node
// Drives the real @okta/okta-auth-js Identity Engine client (`authClient.idx`, step mode, the 8.x default)
// against a running mockfinra:
//
//   node idx-scenarios.mjs http://127.0.0.1:8400 password-question
//
// The client is configured as a script of the registered public client `traqs-api` would be: the issuer
// `<base>/oauth2/default`, a loopback redirect URI and PKCE. Prints one JSON object per step; the last line is
// {"step":"done"} or {"step":"failed"} (exit code 1). Each scenario makes its own users.

import { OktaAuth } from '@okta/okta-auth-js';
import { PASSWORD, check, makeMock, pendingPush, step, totp, uniqueLogin, uniquePhone, waitForMessage } from './support.mjs';

const REDIRECT = 'http://127.0.0.1:7777/login/callback';

function describe(tx) {
  return {
    status: tx.status,
    next: tx.nextStep?.name,
    available: (tx.availableSteps ?? []).map((available) => available.name),
    authenticator: tx.nextStep?.authenticator?.key,
    inputs: (tx.nextStep?.inputs ?? []).map((input) => input.name),
    options: (tx.nextStep?.options ?? []).map((option) => option.value),
    messages: (tx.messages ?? []).map((message) => message.message),
    tokens: tx.tokens ? Object.keys(tx.tokens).sort() : undefined,
  };
}

async function proceed(auth, values, expectStep) {
  const tx = await auth.idx.proceed(values);
  step(values.step ?? 'proceed', describe(tx));
  if (expectStep) check(tx.nextStep?.name === expectStep, `expected next step ${expectStep}`, describe(tx));
  return tx;
}

function expectTokens(tx, login) {
  check(tx.status === 'SUCCESS', `expected SUCCESS, got ${tx.status}`, describe(tx));
  check(tx.tokens?.accessToken?.accessToken, 'SUCCESS without an access token', describe(tx));
  check(tx.tokens?.idToken?.claims?.preferred_username === login, 'the ID token names another user', tx.tokens?.idToken?.claims);
  check(tx.tokens?.refreshToken?.refreshToken, 'offline_access asked, no refresh token', describe(tx));
}

async function signInWithPassword(auth, login, password = PASSWORD) {
  let tx = await auth.idx.start();
  step('started', describe(tx));
  // In step mode `start` proposes no step; it lists what is available.
  check(tx.availableSteps?.some((available) => available.name === 'identify'), 'the first step must be identify', describe(tx));
  tx = await proceed(auth, { step: 'identify', username: login }, 'challenge-authenticator');
  tx = await proceed(auth, { step: 'challenge-authenticator', password });
  return tx;
}

/** A new user signs in: enrollment asks for the security question first (FINRA requires it), then more. */
async function enrollQuestionFirst(auth, mock, scenario) {
  const login = uniqueLogin(scenario);
  await mock.createUser({ login, password: PASSWORD, entitlements: ['TRACE'] });
  let tx = await signInWithPassword(auth, login);
  check(tx.nextStep?.name === 'select-authenticator-enroll', 'expected enrollment', describe(tx));
  const offered = tx.nextStep?.options?.map((option) => option.value) ?? [];
  step('offered', { offered });
  check(!tx.availableSteps?.some((available) => available.name === 'skip'), 'nothing may be skipped yet', describe(tx));
  tx = await proceed(auth, { step: 'select-authenticator-enroll', authenticator: 'security_question' }, 'enroll-authenticator');
  tx = await proceed(auth, { step: 'enroll-authenticator', questionKey: 'favorite_toy', answer: 'teddy bear' }, 'select-authenticator-enroll');
  check(!tx.availableSteps?.some((available) => available.name === 'skip'), 'a second factor is still required', describe(tx));
  return login;
}

const scenarios = {
  /** Identifier first, the password, a wrong answer, then the security question. */
  async 'password-question'({ auth, mock }) {
    const login = uniqueLogin('idx-question');
    await mock.createUser({
      login, password: PASSWORD, entitlements: ['TRACE'],
      factors: [{ factorType: 'question', question: 'disliked_food', answer: 'mayonnaise' }],
    });
    let tx = await signInWithPassword(auth, login);
    check(tx.nextStep?.name === 'select-authenticator-authenticate', 'expected the authenticator choice', describe(tx));
    tx = await proceed(auth, { step: 'select-authenticator-authenticate', authenticator: 'security_question' }, 'challenge-authenticator');
    const wrong = await proceed(auth, { step: 'challenge-authenticator', answer: 'ketchup' });
    check(wrong.messages?.length, 'a wrong answer must say so', describe(wrong));
    tx = await proceed(auth, { step: 'challenge-authenticator', answer: 'mayonnaise' });
    expectTokens(tx, login);
  },

  /** The password, then Google Authenticator with a code computed at mock time. */
  async 'password-google'({ auth, mock }) {
    const login = uniqueLogin('idx-google');
    const secret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXQ';
    await mock.createUser({
      login, password: PASSWORD, entitlements: ['TRACE'],
      factors: [{ factorType: 'token:software:totp', provider: 'GOOGLE', sharedSecret: secret }],
    });
    let tx = await signInWithPassword(auth, login);
    if (tx.nextStep?.name === 'select-authenticator-authenticate') {
      tx = await proceed(auth, { step: 'select-authenticator-authenticate', authenticator: 'google_otp' });
    }
    check(tx.nextStep?.name === 'challenge-authenticator', 'expected the code challenge', describe(tx));
    const { code } = await mock.totpNow(secret);
    tx = await proceed(auth, { step: 'challenge-authenticator', verificationCode: code });
    expectTokens(tx, login);
  },

  /** The password, then an Okta Verify push with a number challenge, approved on the virtual phone. */
  async 'password-push'({ auth, mock }) {
    const login = uniqueLogin('idx-push');
    await mock.createUser({
      login, password: PASSWORD, entitlements: ['ORF'],
      factors: [{ factorType: 'question', question: 'first_award', answer: 'spelling bee' }, { factorType: 'push', pushPolicy: 'manual' }],
    });
    let tx = await signInWithPassword(auth, login);
    tx = await proceed(auth, { step: 'select-authenticator-authenticate', authenticator: 'okta_verify', methodType: 'push' });
    check(tx.nextStep?.name === 'challenge-poll', 'expected challenge-poll', describe(tx));
    const number = tx.nextStep?.relatesTo?.value?.contextualData?.correctAnswer;
    step('number-challenge', { number });
    check(number !== undefined, 'number challenge expected (push_number_challenge on)', describe(tx));
    tx = await proceed(auth, { step: 'challenge-poll' }, 'challenge-poll');
    const push = await pendingPush(mock, login);
    const approved = await mock.call('POST', `/_mock/push/${push.id}/approve`, { answer: Number(number) });
    check(approved.status === 200, `approve answered ${approved.status}: ${approved.text}`);
    tx = await proceed(auth, { step: 'challenge-poll' });
    expectTokens(tx, login);
  },

  /** The password, then Phone by SMS with the code from the outbox. */
  async 'password-sms'({ auth, mock }) {
    const login = uniqueLogin('idx-sms');
    const phone = uniquePhone();
    await mock.createUser({
      login, password: PASSWORD, entitlements: ['ADF'],
      factors: [{ factorType: 'question', question: 'first_award', answer: 'spelling bee' }, { factorType: 'sms', phoneNumber: phone }],
    });
    let tx = await signInWithPassword(auth, login);
    tx = await proceed(auth, { step: 'select-authenticator-authenticate', authenticator: 'phone_number', methodType: 'sms' });
    if (tx.nextStep?.name === 'authenticator-verification-data') {
      tx = await proceed(auth, { step: 'authenticator-verification-data', methodType: 'sms' });
    }
    check(tx.nextStep?.name === 'challenge-authenticator', 'expected the code challenge', describe(tx));
    const sms = await waitForMessage(mock, phone, 'sms');
    step('sms', { body: sms.body });
    tx = await proceed(auth, { step: 'challenge-authenticator', verificationCode: sms.code });
    expectTokens(tx, login);
  },

  /** A user with no factor enrolls the security question, then Google Authenticator (QR code and secret), and is in. */
  async 'enroll-google'({ auth, mock }) {
    const login = await enrollQuestionFirst(auth, mock, 'idx-enroll-google');
    let tx = await proceed(auth, { step: 'select-authenticator-enroll', authenticator: 'google_otp' }, 'enroll-authenticator');
    const contextual = tx.nextStep?.relatesTo?.value?.contextualData;
    const secret = contextual?.sharedSecret;
    const qr = contextual?.qrcode?.href ?? '';
    step('google-enrollment', { secret: Boolean(secret), qr: qr.slice(0, 22) });
    check(secret && qr.startsWith('data:image/png;base64,'), 'expected the shared secret and a QR code', describe(tx));
    const { code } = await mock.totpNow(secret);
    tx = await proceed(auth, { step: 'enroll-authenticator', verificationCode: code });
    expectTokens(tx, login);
  },

  /** A user with no factor enrolls the security question, then a phone by SMS (the code from the outbox). */
  async 'enroll-phone'({ auth, mock }) {
    const login = await enrollQuestionFirst(auth, mock, 'idx-enroll-phone');
    const phone = uniquePhone();
    let tx = await proceed(auth, { step: 'select-authenticator-enroll', authenticator: 'phone_number' }, 'authenticator-enrollment-data');
    tx = await proceed(auth, { step: 'authenticator-enrollment-data', methodType: 'sms', phoneNumber: phone }, 'enroll-authenticator');
    const sms = await waitForMessage(mock, phone, 'sms');
    step('sms', { body: sms.body });
    tx = await proceed(auth, { step: 'enroll-authenticator', verificationCode: sms.code });
    expectTokens(tx, login);
  },

  /** Forgot password: the email code, a new password, then signed in. */
  async 'recover-email'({ auth, mock }) {
    const login = uniqueLogin('idx-recover');
    await mock.createUser({
      login, password: PASSWORD, entitlements: ['TRACE'],
      factors: [{ factorType: 'question', question: 'first_award', answer: 'spelling bee' }],
    });
    let tx = await auth.idx.recoverPassword({ username: login });
    step('recover', describe(tx));
    if (tx.nextStep?.name === 'identify-recovery') tx = await proceed(auth, { step: 'identify-recovery', username: login });
    if (tx.nextStep?.name === 'select-authenticator-authenticate') {
      tx = await proceed(auth, { step: 'select-authenticator-authenticate', authenticator: 'okta_email' });
    }
    check(tx.nextStep?.name === 'challenge-authenticator', 'expected the email code', describe(tx));
    const email = await waitForMessage(mock, login, 'email');
    tx = await proceed(auth, { step: 'challenge-authenticator', verificationCode: email.code }, 'reset-authenticator');
    tx = await proceed(auth, { step: 'reset-authenticator', password: 'Fresh-Meadow-2027' });
    if (tx.nextStep?.name === 'select-authenticator-authenticate') {
      tx = await proceed(auth, { step: 'select-authenticator-authenticate', authenticator: 'security_question' });
      tx = await proceed(auth, { step: 'challenge-authenticator', answer: 'spelling bee' });
    }
    expectTokens(tx, login);
  },
};

async function main() {
  const [base, name] = process.argv.slice(2);
  if (!base || !scenarios[name]) {
    process.stderr.write(`usage: node idx-scenarios.mjs <base-url> <${Object.keys(scenarios).join('|')}>\n`);
    process.exit(2);
  }
  const auth = new OktaAuth({
    issuer: `${base}/oauth2/default`,
    clientId: 'traqs-api',
    redirectUri: REDIRECT,
    scopes: ['openid', 'profile', 'offline_access'],
  });
  const mock = makeMock(base);
  step('start', { scenario: name, base, node: process.version });
  try {
    await scenarios[name]({ auth, mock, base });
  } catch (error) {
    step('failed', { scenario: name, error: `${error?.name}: ${error?.message}` });
    process.stderr.write(`${name} failed: ${error?.stack ?? error}\n`);
    process.exit(1);
  }
  step('done', { scenario: name });
}

main();

#!/usr/bin/env node
// Drives the real @okta/okta-auth-js client against a running mockfinra.
//
//   node scenarios.mjs http://127.0.0.1:8400 password-question
//
// Prints one JSON object per step on stdout; the last line is {"step":"done"} on success or
// {"step":"failed"} on failure (exit code 1). Each scenario creates its own users with unique logins
// through POST /_mock/users, so scenarios are independent and can run in parallel against one server.
// The client is configured with nothing but the issuer, as a user would point it at mockfinra.

import { OktaAuth } from '@okta/okta-auth-js';
import {
  PASSWORD, ScenarioFailure, apiError, check, createdFactor, expectApiError, makeMock, pendingPush, randomBase32,
  step, totp, uniqueLogin, uniquePhone, waitForMessage,
} from './support.mjs';

/** Sign in with a phone factor (sms or call): throttled resend, a wrong code, then the right one. */
async function phoneScenario({ auth, mock }, factorType, channel, throttleCode) {
  const login = uniqueLogin(factorType);
  const phone = uniquePhone();
  await mock.createUser({
    login,
    password: PASSWORD,
    entitlements: ['ADF'],
    factors: [{ factorType, phoneNumber: phone }],
  });
  step('user-created', { login, phone });

  let tx = await auth.signInWithCredentials({ username: login, password: PASSWORD });
  step('signed-in', describeTx(tx));
  check(tx.status === 'MFA_REQUIRED', `expected MFA_REQUIRED, got ${tx.status}`, describeTx(tx));
  const factor = findFactor(tx, factorType);
  step('factor', { profile: factor.profile, provider: factor.provider });

  tx = await factor.verify();
  step('challenged', { ...describeTx(tx), factorResult: tx.factorResult, resend: tx.data?._links?.resend });
  check(tx.status === 'MFA_CHALLENGE', `expected MFA_CHALLENGE, got ${tx.status}`, describeTx(tx));
  check(typeof tx.verify === 'function' && typeof tx.resend === 'function', 'MFA_CHALLENGE needs verify() and resend()', describeTx(tx));
  const message = await waitForMessage(mock, phone, channel);
  step('message', { channel: message.channel, to: message.to, body: message.body, code: message.code });

  const throttled = await expectApiError(tx.resend(factorType), throttleCode, 429);
  step('resend-throttled', throttled);

  const wrongCode = message.code === '000000' ? '111111' : '000000';
  const wrong = await expectApiError(tx.verify({ passCode: wrongCode }), 'E0000068', 403);
  step('wrong-code', wrong);

  tx = await tx.verify({ passCode: message.code });
  step('verified', describeTx(tx));
  expectSuccess(tx, login);
}

function describeTx(tx) {
  return {
    status: tx.status,
    expiresAt: tx.expiresAt,
    hasSessionToken: typeof tx.sessionToken === 'string' && tx.sessionToken.length > 0,
    login: tx.user?.profile?.login,
    functions: Object.keys(tx).filter((key) => typeof tx[key] === 'function').sort(),
    factors: (tx.factors ?? []).map((factor) => ({
      factorType: factor.factorType,
      provider: factor.provider,
      status: factor.status,
      functions: Object.keys(factor).filter((key) => typeof factor[key] === 'function').sort(),
    })),
  };
}

function findFactor(tx, factorType, provider) {
  const factor = (tx.factors ?? []).find(
    (candidate) => candidate.factorType === factorType && (!provider || candidate.provider === provider),
  );
  check(factor, `no ${factorType}${provider ? '/' + provider : ''} factor in ${tx.status}`, describeTx(tx));
  return factor;
}

function expectSuccess(tx, login) {
  check(tx.status === 'SUCCESS', `expected SUCCESS, got ${tx.status}`, describeTx(tx));
  check(typeof tx.sessionToken === 'string' && tx.sessionToken.length > 0, 'SUCCESS without a sessionToken');
  check(tx.user?.profile?.login === login, 'SUCCESS names another user', tx.user);
}

// --- scenarios -----------------------------------------------------------------------------------

const scenarios = {
  /** Password, then the security question (a wrong answer first). */
  async 'password-question'({ auth, mock }) {
    const login = uniqueLogin('question');
    await mock.createUser({
      login,
      password: PASSWORD,
      firstName: 'Quinn',
      lastName: 'Question',
      entitlements: ['TRACE'],
      factors: [{ factorType: 'question', question: 'disliked_food', answer: 'brussels sprouts' }],
    });
    step('user-created', { login });

    let tx = await auth.signInWithCredentials({ username: login, password: PASSWORD });
    step('signed-in', describeTx(tx));
    check(tx.status === 'MFA_REQUIRED', `expected MFA_REQUIRED, got ${tx.status}`, describeTx(tx));
    const question = findFactor(tx, 'question');
    check(typeof question.verify === 'function', 'the question factor has no verify()');
    step('question', { profile: question.profile, provider: question.provider });
    check(question.profile?.question === 'disliked_food', 'question key', question.profile);
    check(
      question.profile?.questionText === 'What is the food you least liked as a child?',
      'question text',
      question.profile,
    );

    const wrong = await expectApiError(question.verify({ answer: 'broccoli' }), 'E0000068', 403);
    step('wrong-answer', wrong);

    tx = await question.verify({ answer: 'Brussels Sprouts' });
    step('answered', describeTx(tx));
    expectSuccess(tx, login);
  },

  /** Password, then a Google Authenticator code computed here from the secret (a wrong code first). */
  async 'password-totp'({ auth, mock }) {
    const login = uniqueLogin('totp');
    const secret = randomBase32();
    const created = await mock.createUser({
      login,
      password: PASSWORD,
      entitlements: ['ORF'],
      factors: [{ factorType: 'token:software:totp', provider: 'GOOGLE', sharedSecret: secret }],
    });
    const factor = createdFactor(created, 'token:software:totp');
    step('user-created', { login, factor });
    check(factor, 'POST /_mock/users did not list the TOTP factor', created);
    check(factor.sharedSecret === secret, 'POST /_mock/users returned another sharedSecret', factor);

    const { code, epoch } = await mock.totpNow(secret);
    const control = await mock.call('GET', `/_mock/users/${encodeURIComponent(login)}/totp?provider=GOOGLE`);
    step('control-code', { status: control.status, body: control.json });
    check(control.status === 200, `GET /_mock/users/{login}/totp answered ${control.status}`, control.json);
    const neighbours = [-30, 0, 30].map((delta) => totp(secret, epoch + delta));
    check(neighbours.includes(control.json?.code), 'the control plane code differs from RFC 6238', {
      control: control.json,
      computed: code,
    });

    let tx = await auth.signInWithCredentials({ username: login, password: PASSWORD });
    step('signed-in', describeTx(tx));
    check(tx.status === 'MFA_REQUIRED', `expected MFA_REQUIRED, got ${tx.status}`, describeTx(tx));
    const google = findFactor(tx, 'token:software:totp', 'GOOGLE');

    const wrongCode = code === '000000' ? '111111' : '000000';
    const wrong = await expectApiError(google.verify({ passCode: wrongCode }), 'E0000068', 403);
    step('wrong-code', wrong);

    const fresh = await mock.totpNow(secret);
    tx = await google.verify({ passCode: fresh.code });
    step('verified', describeTx(tx));
    expectSuccess(tx, login);
  },

  /** No factor yet: MFA_ENROLL → enroll Google TOTP → activate with a code from the sharedSecret. */
  async 'enroll-totp'({ auth, mock, issuer }) {
    const login = uniqueLogin('enroll');
    await mock.createUser({ login, password: PASSWORD, entitlements: ['TRACE'], factors: [] });
    step('user-created', { login });

    let tx = await auth.signInWithCredentials({ username: login, password: PASSWORD });
    step('signed-in', describeTx(tx));
    check(tx.status === 'MFA_ENROLL', `expected MFA_ENROLL, got ${tx.status}`, describeTx(tx));
    const google = findFactor(tx, 'token:software:totp', 'GOOGLE');
    check(typeof google.enroll === 'function', 'the TOTP factor has no enroll()', describeTx(tx));

    tx = await google.enroll();
    const activation = tx.factor?.activation;
    step('enrolled', { ...describeTx(tx), factorType: tx.factor?.factorType, activation });
    check(tx.status === 'MFA_ENROLL_ACTIVATE', `expected MFA_ENROLL_ACTIVATE, got ${tx.status}`, describeTx(tx));
    check(typeof tx.activate === 'function', 'MFA_ENROLL_ACTIVATE has no activate()', describeTx(tx));
    check(typeof activation?.sharedSecret === 'string', 'no activation.sharedSecret', activation);
    check(activation.encoding === 'base32' && activation.timeStep === 30 && activation.keyLength === 6,
      'activation parameters', activation);
    check(typeof activation.qrcode?.href === 'string' && activation.qrcode.href.startsWith(issuer),
      'activation.qrcode must be a link object with an absolute href on the mock', activation.qrcode);

    const wrongCode = totp(activation.sharedSecret, (await mock.now()) + 3600);
    const wrong = await expectApiError(tx.activate({ passCode: wrongCode }), 'E0000068', 403);
    step('wrong-activation-code', wrong);

    const { code } = await mock.totpNow(activation.sharedSecret);
    tx = await tx.activate({ passCode: code });
    step('activated', describeTx(tx));
    // FINRA's rule: the security question is required too; MFA_ENROLL goes on without a skip link.
    check(tx.status === 'MFA_ENROLL', `expected MFA_ENROLL for the security question, got ${tx.status}`, describeTx(tx));
    check(typeof tx.skip !== 'function', 'nothing may be skipped before the security question', describeTx(tx));
    const question = findFactor(tx, 'question', 'OKTA');
    const questions = await question.questions();
    tx = await question.enroll({ profile: { question: questions[0].question, answer: 'brussels sprouts' } });
    step('question-enrolled', describeTx(tx));
    expectSuccess(tx, login);

    // The enrolled factor is now required at sign-in (not verified again: the code was just used).
    tx = await auth.signInWithCredentials({ username: login, password: PASSWORD });
    step('signed-in-again', describeTx(tx));
    check(tx.status === 'MFA_REQUIRED', `expected MFA_REQUIRED after enrollment, got ${tx.status}`, describeTx(tx));
    findFactor(tx, 'token:software:totp', 'GOOGLE');
  },

  /** A wrong password and an unknown user both fail with E0000004 / 401. */
  async 'wrong-password'({ auth, mock }) {
    const login = uniqueLogin('wrongpw');
    await mock.createUser({
      login,
      password: PASSWORD,
      entitlements: ['ADF'],
      factors: [{ factorType: 'question', question: 'favorite_toy', answer: 'teddy bear' }],
    });
    step('user-created', { login });
    const wrong = await expectApiError(
      auth.signInWithCredentials({ username: login, password: 'Not-The-Password-1' }),
      'E0000004',
      401,
    );
    step('wrong-password', wrong);
    const unknown = await expectApiError(
      auth.signInWithCredentials({ username: uniqueLogin('nobody'), password: PASSWORD }),
      'E0000004',
      401,
    );
    step('unknown-user', unknown);
    const tx = await auth.signInWithCredentials({ username: login, password: PASSWORD });
    step('right-password', describeTx(tx));
    check(tx.status === 'MFA_REQUIRED', `expected MFA_REQUIRED, got ${tx.status}`, describeTx(tx));
  },

  /** The sessionToken becomes a session: Sessions API, then sessionCookieRedirect's sid cookie. */
  async 'session-handoff'({ auth, mock, issuer }) {
    const login = uniqueLogin('session');
    await mock.createUser({
      login,
      password: PASSWORD,
      entitlements: ['TRF'],
      factors: [{ factorType: 'question', question: 'favorite_toy', answer: 'teddy bear' }],
    });
    step('user-created', { login });

    async function sessionToken() {
      const tx = await auth.signInWithCredentials({ username: login, password: PASSWORD });
      const question = findFactor(tx, 'question');
      const done = await question.verify({ answer: 'teddy bear' });
      expectSuccess(done, login);
      return done.sessionToken;
    }

    // 1. Sessions API: POST /api/v1/sessions {sessionToken}
    const token = await sessionToken();
    const created = await mock.call('POST', '/api/v1/sessions', { sessionToken: token });
    const session = created.json ?? {};
    step('session-created', {
      status: created.status,
      id: session.id,
      login: session.login,
      userId: session.userId,
      sessionStatus: session.status,
      expiresAt: session.expiresAt,
      links: Object.keys(session._links ?? {}).sort(),
    });
    check(created.status === 200, `POST /api/v1/sessions answered ${created.status}`, created.json ?? created.text);
    check(session.login === login && session.status === 'ACTIVE' && typeof session.id === 'string',
      'session object', session);
    check(session._links?.self?.href?.startsWith(issuer), 'session _links.self must be absolute', session._links);

    const reused = await mock.call('POST', '/api/v1/sessions', { sessionToken: token });
    step('session-token-reused', { status: reused.status, errorCode: reused.json?.errorCode });
    check(reused.status === 401, `a used sessionToken must be refused with 401, got ${reused.status}`, reused.json);

    // 2. /login/sessionCookieRedirect: 302 to redirectUrl with a sid cookie
    const redirectUrl = `${issuer}/_mock/health`;
    const second = await sessionToken();
    const query = new URLSearchParams({ token: second, redirectUrl });
    const redirect = await fetch(`${issuer}/login/sessionCookieRedirect?${query}`, { redirect: 'manual' });
    const cookies = redirect.headers.getSetCookie();
    const sidCookie = cookies.find((cookie) => cookie.startsWith('sid='));
    const sid = sidCookie?.split(';')[0].slice('sid='.length);
    step('cookie-redirect', {
      status: redirect.status,
      location: redirect.headers.get('location'),
      cookies: cookies.map((cookie) => cookie.split('=')[0]),
      sidCookie,
    });
    check(redirect.status === 302, `sessionCookieRedirect answered ${redirect.status}`);
    check(redirect.headers.get('location') === redirectUrl, 'Location must be the redirectUrl');
    check(sid, 'no sid cookie', cookies);

    const me = await fetch(`${issuer}/api/v1/sessions/me`, { headers: { Accept: 'application/json', Cookie: `sid=${sid}` } });
    const meBody = await me.json().catch(() => null);
    step('session-me', { status: me.status, login: meBody?.login, sessionStatus: meBody?.status });
    check(me.status === 200 && meBody?.login === login, 'GET /api/v1/sessions/me with the sid cookie', meBody);

    const ended = await fetch(`${issuer}/api/v1/sessions/me`, { method: 'DELETE', headers: { Cookie: `sid=${sid}` } });
    const after = await fetch(`${issuer}/api/v1/sessions/me`, { headers: { Accept: 'application/json', Cookie: `sid=${sid}` } });
    step('session-ended', { deleteStatus: ended.status, afterStatus: after.status });
    check(ended.status === 204, `DELETE /api/v1/sessions/me answered ${ended.status}`);
    check(after.status === 404, `GET /api/v1/sessions/me after DELETE answered ${after.status}`);
  },

  /** Password, then an SMS code read from the outbox (throttled resend and a wrong code first). */
  async sms(context) {
    await phoneScenario(context, 'sms', 'sms', 'E0000109');
  },

  /** Password, then a voice call's code (throttled resend is E0000133). */
  async call(context) {
    await phoneScenario(context, 'call', 'voice', 'E0000133');
  },

  /** Okta Verify push: verify → WAITING, tx.poll() until the virtual phone approves → SUCCESS. */
  async 'push-approve'({ auth, mock }) {
    const login = uniqueLogin('push');
    await mock.createUser({ login, password: PASSWORD, entitlements: ['ORF'], factors: [{ factorType: 'push' }] });
    step('user-created', { login });

    let tx = await auth.signInWithCredentials({ username: login, password: PASSWORD });
    step('signed-in', describeTx(tx));
    const push = findFactor(tx, 'push');
    tx = await push.verify();
    step('waiting', { ...describeTx(tx), factorResult: tx.factorResult, next: tx.data?._links?.next?.name });
    check(tx.status === 'MFA_CHALLENGE' && tx.factorResult === 'WAITING', 'expected MFA_CHALLENGE / WAITING', describeTx(tx));
    check(typeof tx.poll === 'function', 'a WAITING push needs poll()', describeTx(tx));

    let waitingPolls = 0;
    const polling = tx.poll({ delay: 100, transactionCallBack: () => { waitingPolls += 1; } });
    const pending = await pendingPush(mock, login);
    step('pending-push', { id: pending.id, status: pending.status, city: pending.city });
    const approved = await mock.call('POST', `/_mock/push/${pending.id}/approve`);
    step('approved', { status: approved.status, pushStatus: approved.json?.status });
    check(approved.status === 200, `approve answered ${approved.status}`, approved.json);
    tx = await polling;
    step('polled', { ...describeTx(tx), waitingPolls });
    expectSuccess(tx, login);
  },

  /** Okta Verify push denied: the poll ends REJECTED; verify() again sends a new push; cancel ends it. */
  async 'push-deny'({ auth, mock }) {
    const login = uniqueLogin('pushdeny');
    await mock.createUser({ login, password: PASSWORD, entitlements: ['ORF'], factors: [{ factorType: 'push' }] });
    step('user-created', { login });

    let tx = await auth.signInWithCredentials({ username: login, password: PASSWORD });
    tx = await findFactor(tx, 'push').verify();
    check(tx.factorResult === 'WAITING', 'expected WAITING', describeTx(tx));
    const polling = tx.poll({ delay: 100 });
    const pending = await pendingPush(mock, login);
    const denied = await mock.call('POST', `/_mock/push/${pending.id}/deny`);
    step('denied', { status: denied.status, pushStatus: denied.json?.status });
    tx = await polling;
    step('rejected', { ...describeTx(tx), factorResult: tx.factorResult, next: tx.data?._links?.next?.name });
    check(tx.status === 'MFA_CHALLENGE' && tx.factorResult === 'REJECTED', 'expected MFA_CHALLENGE / REJECTED', describeTx(tx));
    check(typeof tx.verify === 'function', 'REJECTED needs verify() to send again', describeTx(tx));

    tx = await tx.verify();
    const second = await pendingPush(mock, login);
    step('sent-again', { factorResult: tx.factorResult, newPush: second.id !== pending.id });
    check(tx.factorResult === 'WAITING' && second.id !== pending.id, 'verify() after REJECTED sends a new push');
    const cancelled = await tx.cancel();
    const left = await mock.call('GET', `/_mock/push?${new URLSearchParams({ login })}`);
    step('cancelled', { status: cancelled.status ?? null, pendingAfter: left.json?.length });
  },

  /** Forgotten password: SMS code, the recovery question (a wrong answer first), a new password. */
  async 'forgot-password'({ auth, mock }) {
    const login = uniqueLogin('forgot');
    const phone = uniquePhone();
    const newPassword = 'Fresh-Meadow-2027';
    await mock.createUser({
      login,
      password: PASSWORD,
      entitlements: ['TRACE'],
      recoveryQuestion: 'Which desk did you first work on?',
      recoveryAnswer: 'corporate bonds',
      factors: [{ factorType: 'sms', phoneNumber: phone }],
    });
    step('user-created', { login, phone });

    let tx = await auth.forgotPassword({ username: login, factorType: 'SMS', relayState: '/traqs/' });
    step('challenge', { ...describeTx(tx), factorType: tx.factorType, recoveryType: tx.recoveryType });
    check(tx.status === 'RECOVERY_CHALLENGE', `expected RECOVERY_CHALLENGE, got ${tx.status}`, describeTx(tx));
    const message = await waitForMessage(mock, phone, 'sms');

    const unknown = await auth.forgotPassword({ username: uniqueLogin('nobody'), factorType: 'SMS', relayState: '/traqs/' });
    const unknownWrong = await expectApiError(unknown.verify({ passCode: message.code }), 'E0000068', 403);
    step('unknown-user', { ...describeTx(unknown), factorType: unknown.factorType, recoveryType: unknown.recoveryType, verify: unknownWrong });

    tx = await tx.verify({ passCode: message.code });
    step('recovery', { ...describeTx(tx), question: tx.user?.recovery_question?.question });
    check(tx.status === 'RECOVERY', `expected RECOVERY, got ${tx.status}`, describeTx(tx));
    check(typeof tx.answer === 'function', 'RECOVERY needs answer()', describeTx(tx));

    const wrong = await expectApiError(tx.answer({ answer: 'municipal bonds' }), 'E0000087', 403);
    step('wrong-answer', wrong);
    tx = await tx.answer({ answer: 'Corporate Bonds' });
    step('password-reset', describeTx(tx));
    check(tx.status === 'PASSWORD_RESET', `expected PASSWORD_RESET, got ${tx.status}`, describeTx(tx));
    check(typeof tx.resetPassword === 'function', 'PASSWORD_RESET needs resetPassword()', describeTx(tx));
    tx = await tx.resetPassword({ newPassword });
    step('reset', { ...describeTx(tx), relayState: tx.relayState });
    expectSuccess(tx, login);

    await expectApiError(auth.signInWithCredentials({ username: login, password: PASSWORD }), 'E0000004', 401);
    tx = await auth.signInWithCredentials({ username: login, password: newPassword });
    step('signed-in-again', describeTx(tx));
    check(tx.status === 'MFA_REQUIRED', `expected MFA_REQUIRED with the new password, got ${tx.status}`);
  },

  /** Forgotten password by email: the emailed recovery token, the question, a new password. */
  async 'forgot-password-email'({ auth, mock }) {
    const login = uniqueLogin('forgotmail');
    await mock.createUser({
      login,
      password: PASSWORD,
      entitlements: ['TRACE'],
      recoveryQuestion: 'Which desk did you first work on?',
      recoveryAnswer: 'corporate bonds',
      factors: [{ factorType: 'question', question: 'favorite_toy', answer: 'teddy bear' }],
    });
    let tx = await auth.forgotPassword({ username: login, factorType: 'EMAIL' });
    step('email-sent', { status: tx.status, factorResult: tx.factorResult, factorType: tx.factorType, recoveryType: tx.recoveryType });
    check(tx.status === 'RECOVERY_CHALLENGE' && tx.factorResult === 'WAITING', 'expected RECOVERY_CHALLENGE / WAITING');
    const email = await waitForMessage(mock, login, 'email');
    const recoveryToken = email.link.split('/').pop();
    tx = await auth.verifyRecoveryToken({ recoveryToken });
    step('recovery', { ...describeTx(tx), question: tx.user?.recovery_question?.question });
    check(tx.status === 'RECOVERY', `expected RECOVERY, got ${tx.status}`, describeTx(tx));
    tx = await tx.answer({ answer: 'corporate bonds' });
    tx = await tx.resetPassword({ newPassword: 'Fresh-Meadow-2027' });
    step('reset', describeTx(tx));
    expectSuccess(tx, login);
    const reused = await expectApiError(auth.verifyRecoveryToken({ recoveryToken }), 'E0000011', 401);
    step('token-reused', reused);
  },
};

// --- main ----------------------------------------------------------------------------------------

async function main() {
  const [issuer, name] = process.argv.slice(2);
  if (!issuer || !scenarios[name]) {
    process.stderr.write(`usage: node scenarios.mjs <issuer-url> <${Object.keys(scenarios).join('|')}>\n`);
    process.exit(2);
  }
  const auth = new OktaAuth({ issuer });
  const mock = makeMock(issuer);
  step('start', { scenario: name, issuer, node: process.version });
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

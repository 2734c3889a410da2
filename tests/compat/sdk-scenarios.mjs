// The real @okta/okta-sdk-nodejs 8 (management SDK) against a live, token-guarded mockfinra:
// `node sdk-scenarios.mjs <orgUrl> <adminToken> <scenario>`; one JSON object per step on stdout.
// tests/test_compat_okta_sdk_nodejs.py runs each scenario and asserts on the steps.

import okta from '@okta/okta-sdk-nodejs';

import { check, ScenarioFailure, step, totp } from './support.mjs';

const [orgUrl, token, scenario] = process.argv.slice(2);
const client = new okta.Client({ orgUrl, token });
const run = Date.now().toString(36);

/** The mock's control plane, with the admin token the server requires. */
async function mock(method, path, body) {
  const response = await fetch(orgUrl + path, {
    method,
    headers: { Authorization: `SSWS ${token}`, 'Content-Type': 'application/json', Accept: 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : null };
}

async function mockEpoch() {
  const { json } = await mock('GET', '/_mock/clock');
  return json.epoch;
}

async function collect(collection) {
  const items = [];
  for await (const item of collection) items.push(item);
  return items;
}

/** Await an SDK call that must fail with Okta's `code` and HTTP `status`. */
async function expectError(promise, code, status) {
  try {
    await promise;
  } catch (error) {
    check(error?.errorCode === code, `expected ${code}, got ${error?.errorCode}: ${error?.message}`);
    check(error?.status === status, `expected HTTP ${status}, got ${error?.status}`);
    return { errorCode: error.errorCode, status: error.status };
  }
  throw new ScenarioFailure(`expected ${code}, the call succeeded`);
}

function newUser(login, lastName) {
  return {
    profile: { login, email: login, firstName: 'Node', lastName },
    credentials: { password: { value: 'Ntf-Test-2026x' } },
  };
}

const scenarios = {
  async users() {
    const logins = [0, 1, 2].map((i) => `node.${run}.${i}@example.com`);
    const made = [];
    for (const [i, login] of logins.entries()) {
      made.push(await client.userApi.createUser({ body: newUser(login, `Sdk${i}`), activate: true }));
    }
    check(made.every((u) => u.status === 'ACTIVE'), 'created users are ACTIVE', made.map((u) => u.status));
    step('created', { ids: made.map((u) => u.id) });

    const got = await client.userApi.getUser({ userId: logins[0] });
    check(got.id === made[0].id && got.profile.lastName === 'Sdk0', 'getUser by login', got.profile);
    step('got', { id: got.id });

    const byQ = await collect(await client.userApi.listUsers({ q: `node.${run}.1` }));
    check(byQ.length === 1 && byQ[0].id === made[1].id, 'q finds one user', byQ.map((u) => u.profile.login));
    const byFilter = await collect(await client.userApi.listUsers({ filter: `profile.login eq "${logins[2]}"` }));
    check(byFilter.length === 1 && byFilter[0].id === made[2].id, 'filter finds one user');
    const bySearch = await collect(
      await client.userApi.listUsers({ search: `profile.login sw "node.${run}"`, sortBy: 'profile.lastName', sortOrder: 'desc' }),
    );
    check(bySearch.map((u) => u.id).join() === [...made].reverse().map((u) => u.id).join(), 'search sorted desc');
    const paged = await collect(await client.userApi.listUsers({ limit: 2 }));
    const ids = paged.map((u) => u.id);
    check(new Set(ids).size === ids.length && made.every((u) => ids.includes(u.id)), 'paging (2 a page) sees every user once', ids);
    step('listed', { q: byQ.length, filter: byFilter.length, search: bySearch.length, paged: ids.length });

    await client.userApi.suspendUser({ userId: made[0].id });
    check((await client.userApi.getUser({ userId: made[0].id })).status === 'SUSPENDED', 'suspended');
    await client.userApi.unsuspendUser({ userId: made[0].id });
    await client.userApi.deactivateUser({ userId: made[1].id });
    await client.userApi.activateUser({ userId: made[1].id, sendEmail: false });
    check((await client.userApi.getUser({ userId: made[1].id })).status === 'ACTIVE', 'reactivated');
    const reset = await client.userApi.generateResetPasswordToken({ userId: made[1].id, sendEmail: false });
    check(reset.resetPasswordUrl.startsWith(`${orgUrl}/signin/reset-password/`), 'reset link', reset);
    step('lifecycle', { reset: true });

    const expired = await client.userApi.expirePasswordAndGetTemporaryPassword({ userId: made[2].id });
    check(expired.status === 'PASSWORD_EXPIRED', 'expired with a temporary password', expired.status);
    step('expired', { status: expired.status });

    await client.userApi.deleteUser({ userId: made[0].id });
    await client.userApi.deleteUser({ userId: made[0].id });
    const gone = await expectError(client.userApi.getUser({ userId: made[0].id }), 'E0000007', 404);
    step('deleted', gone);
  },

  async factors() {
    const user = await client.userApi.createUser({ body: newUser(`node.factors.${run}@example.com`, 'Factors'), activate: true });
    const questions = await collect(await client.userFactorApi.listSupportedSecurityQuestions({ userId: user.id }));
    check(questions.length === 20 && questions[0].question === 'disliked_food', 'the 20 questions', questions.length);

    const question = await client.userFactorApi.enrollFactor({
      userId: user.id,
      body: { factorType: 'question', provider: 'OKTA', profile: { question: 'disliked_food', answer: 'mayonnaise' } },
    });
    check(question.status === 'ACTIVE', 'question ACTIVE', question.status);
    const google = await client.userFactorApi.enrollFactor({
      userId: user.id,
      body: { factorType: 'token:software:totp', provider: 'GOOGLE' },
    });
    check(google.status === 'PENDING_ACTIVATION', 'totp PENDING_ACTIVATION', google.status);
    const secret = google._embedded?.activation?.sharedSecret;
    check(typeof secret === 'string' && secret.length >= 16, 'activation sharedSecret', google._embedded);
    step('enrolled', { question: question.id, totp: google.id });

    const wrong = await expectError(
      client.userFactorApi.activateFactor({ userId: user.id, factorId: google.id, body: { passCode: '000000' } }),
      'E0000068',
      403,
    );
    const code = totp(secret, await mockEpoch());
    const activated = await client.userFactorApi.activateFactor({ userId: user.id, factorId: google.id, body: { passCode: code } });
    check(activated.factorType === 'token:software:totp', 'activate answers the factor', activated);
    const fetched = await client.userFactorApi.getFactor({ userId: user.id, factorId: google.id });
    check(fetched.status === 'ACTIVE', 'totp ACTIVE after activation', fetched.status);
    step('activated', { wrong, status: fetched.status });

    const listed = await collect(await client.userFactorApi.listFactors({ userId: user.id }));
    check(listed.length === 2 && listed.every((f) => f.status === 'ACTIVE'), 'two ACTIVE factors', listed.map((f) => f.status));
    const catalog = await collect(await client.userFactorApi.listSupportedFactors({ userId: user.id }));
    const push = catalog.find((f) => f.factorType === 'push');
    check(push?.status === 'NOT_SETUP', 'catalog: push NOT_SETUP', catalog.map((f) => [f.factorType, f.status]));
    step('listed', { factors: listed.map((f) => f.factorType), catalog: catalog.length });

    const verified = await client.userFactorApi.verifyFactor({ userId: user.id, factorId: question.id, body: { answer: 'mayonnaise' } });
    check(verified.factorResult === 'SUCCESS', 'question verified', verified);
    step('verified', { factorResult: verified.factorResult });

    await client.userFactorApi.unenrollFactor({ userId: user.id, factorId: question.id });
    const left = await collect(await client.userFactorApi.listFactors({ userId: user.id }));
    check(left.length === 1 && left[0].id === google.id, 'one factor left', left.map((f) => f.id));
    step('deleted', { left: left.length });
  },

  async guarded() {
    const made = await mock('POST', '/_mock/users', { login: `jane.doe.${run}@example.com`, password: 'Ntf-Test-2026x' });
    check(made.status === 201, `POST /_mock/users answered ${made.status}`, made.json);
    const users = await collect(await client.userApi.listUsers({}));
    const jane = users.find((u) => u.profile.login === `jane.doe.${run}@example.com`);
    check(jane?.profile.firstName === 'Jane' && jane?.profile.lastName.startsWith('Doe '), 'names derived from the login', jane?.profile);
    const wrongClient = new okta.Client({ orgUrl, token: 'not-the-token' });
    const refused = await expectError(collect(await wrongClient.userApi.listUsers({})), 'E0000011', 401);
    step('guarded', { users: users.length, refused });
  },
};

try {
  const chosen = scenarios[scenario];
  if (!chosen) throw new ScenarioFailure(`unknown scenario ${scenario}`);
  await chosen();
  step('done');
} catch (error) {
  step('failed', { message: String(error?.message || error), stack: String(error?.stack || '').split('\n').slice(0, 6) });
  process.exit(1);
}

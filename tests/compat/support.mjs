// Helpers shared by the okta-auth-js scenarios (scenarios.mjs: the classic authn API; idx-scenarios.mjs: the
// Identity Engine): step output, checks, TOTP, and the mock's control plane.

import { createHmac, randomBytes } from 'node:crypto';

export const PASSWORD = 'Sunny-Meadow-2026';

// --- output --------------------------------------------------------------------------------------

export function step(name, data = {}) {
  process.stdout.write(JSON.stringify({ step: name, ...data }) + '\n');
}

export class ScenarioFailure extends Error {}

export function check(condition, message, details = undefined) {
  if (!condition) {
    const suffix = details === undefined ? '' : ` ${JSON.stringify(details)}`;
    throw new ScenarioFailure(message + suffix);
  }
}

export function apiError(error) {
  return {
    name: error?.name,
    errorCode: error?.errorCode,
    errorSummary: error?.errorSummary,
    errorCauses: error?.errorCauses,
    status: error?.xhr?.status,
  };
}

/** Await a client call that must fail with an Okta AuthApiError `code` and HTTP `status`. */
export async function expectApiError(promise, code, status) {
  let result;
  try {
    result = await promise;
  } catch (error) {
    const seen = apiError(error);
    check(error?.name === 'AuthApiError', `expected AuthApiError ${code}, got ${error?.name}: ${error?.message}`);
    check(seen.errorCode === code, `expected errorCode ${code}`, seen);
    check(seen.status === status, `expected HTTP ${status}`, seen);
    check(Array.isArray(seen.errorCauses), 'errorCauses must be an array', seen);
    return seen;
  }
  throw new ScenarioFailure(`expected AuthApiError ${code}, got status ${result?.status}`);
}

// --- TOTP (RFC 6238: HMAC-SHA1, 6 digits, 30 s) -------------------------------------------------

export function base32Decode(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const bytes = [];
  for (const char of text.toUpperCase().replace(/[\s=-]/g, '')) {
    const index = alphabet.indexOf(char);
    check(index >= 0, `sharedSecret is not base32: ${text}`);
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(bytes);
}

export function totp(secret, epochSeconds, step = 30, digits = 6) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(epochSeconds / step)));
  const mac = createHmac('sha1', base32Decode(secret)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const number = (mac.readUInt32BE(offset) & 0x7fffffff) % 10 ** digits;
  return String(number).padStart(digits, '0');
}

export function randomBase32(length = 32) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  return Array.from(randomBytes(length), (byte) => alphabet[byte % 32]).join('');
}

// --- the mock's control plane -------------------------------------------------------------------

export function makeMock(issuer) {
  async function call(method, path, body) {
    const response = await fetch(issuer + path, {
      method,
      headers: { Accept: 'application/json', ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    let json;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    return { status: response.status, json, text, headers: response.headers };
  }

  return {
    call,
    async createUser(spec) {
      const { status, json, text } = await call('POST', '/_mock/users', spec);
      check(status === 200 || status === 201, `POST /_mock/users answered ${status}: ${text.slice(0, 400)}`);
      return json;
    },
    /** The mock clock's current time in seconds (TOTP must use it, not the wall clock). */
    async now() {
      const { status, json, text } = await call('GET', '/_mock/clock');
      check(status === 200 && typeof json?.epoch === 'number', `GET /_mock/clock answered ${status}: ${text}`);
      return json.epoch;
    },
    /** A TOTP code for `secret` at mock time, not within the last second of its 30 s step. */
    async totpNow(secret) {
      let now = await this.now();
      if (30 - (now % 30) < 1.5) {
        await new Promise((resolve) => setTimeout(resolve, (30 - (now % 30) + 0.2) * 1000));
        now = await this.now();
      }
      return { code: totp(secret, now), epoch: now };
    },
  };
}

/** A fictional US number of its own for each scenario (+1 555-41x-xxxx), so outbox filters find only ours. */
export function uniquePhone() {
  const digits = String(randomBytes(3).readUIntBE(0, 3) % 100000).padStart(5, '0');
  return `+1 555-41${digits[0]}-${digits.slice(1)}`;
}

/** Wait (long-poll) for the newest message of `channel` to `to` on the mock's outbox. */
export async function waitForMessage(mock, to, channel) {
  const query = new URLSearchParams({ to, channel, wait: '20' });
  const { status, json, text } = await mock.call('GET', `/_mock/messages/latest?${query}`);
  check(status === 200, `no ${channel} message to ${to} arrived (${status}): ${text.slice(0, 300)}`);
  return json;
}

/** Wait until the virtual phone has a pending push for `login`; return it. */
export async function pendingPush(mock, login) {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const { status, json } = await mock.call('GET', `/_mock/push?${new URLSearchParams({ login })}`);
    check(status === 200, `GET /_mock/push answered ${status}`);
    if (json.length) return json[0];
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new ScenarioFailure(`no pending push for ${login}`);
}

export function uniqueLogin(scenario) {
  return `authjs.${scenario}.${Date.now().toString(36)}${randomBytes(3).toString('hex')}@example.com`;
}

/** The first entry of a POST /_mock/users answer's factors with this type (its id and secret). */
export function createdFactor(created, factorType) {
  const factors = created?.factors ?? created?._embedded?.factors ?? [];
  return factors.find((factor) => factor.factorType === factorType);
}

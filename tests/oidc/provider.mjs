// A real OpenID provider for Medvirke's login tests: panva's certified `oidc-provider` (an npm
// dev dependency), with the clients, accounts and assurance levels the test gives it, and a
// minimal login page in place of ID-porten's, HelseID's or Feide's.
//
//   node tests/oidc/provider.mjs [--config FILE] [--port N]
//
// It listens on 127.0.0.1 (port 0, the default, lets the system pick a free one) and prints
// one line, `OIDC provider ready at <issuer>`, once it answers; the issuer is plain HTTP on
// loopback, which is fine for a test and nowhere else. FILE is JSON:
//   { "acrValues": ["idporten-loa-substantial", "idporten-loa-high"],   // lowest first
//     "clients": [ <oidc-provider client metadata>, ... ],
//     "accounts": [ { "username": "kari", "sub": "...", "claims": { "email": "...", ... } } ] }
// Without --config it runs with one client and one account for trying it by hand.
//
// The level it issues (the ID token's `acr`) is the highest requested `acr_values` entry it
// knows, else the lowest level: like ID-porten, it does what the authorization request asks.
// That request passes through the person's browser, so Medvirke checks the `acr` it gets back.

import * as crypto from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import { parseArgs } from 'node:util';

import Provider from 'oidc-provider';

const { values: args } = parseArgs({
  options: {
    config: { type: 'string' },
    port: { type: 'string', default: process.env.OIDC_PROVIDER_PORT || '0' },
  },
});

const config = args.config
  ? JSON.parse(readFileSync(args.config, 'utf8'))
  : {
    acrValues: ['idporten-loa-substantial', 'idporten-loa-high'],
    clients: [{
      client_id: 'medvirke-test',
      client_secret: 'medvirke-test-secret',
      token_endpoint_auth_method: 'client_secret_post',
      redirect_uris: ['http://localhost:8000/konto/oidc/idporten/login/callback/'],
    }],
    accounts: [{
      username: 'kari',
      sub: 'test-kari',
      claims: { email: 'kari@example.no', email_verified: true, name: 'Kari Nordmann' },
    }],
  };

const acrValues = config.acrValues ?? [];
const accounts = new Map((config.accounts ?? []).map((account) => [account.username, account]));
const accountsBySub = new Map([...accounts.values()].map((account) => [account.sub, account]));

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function issuedAcr(requested) {
  const asked = (requested ?? '').split(' ').filter((value) => acrValues.includes(value));
  if (!asked.length) return acrValues[0];
  return asked.reduce((a, b) => (acrValues.indexOf(a) >= acrValues.indexOf(b) ? a : b));
}

function loginPage({ uid, clientId, acr, error, username }) {
  const errorId = 'login-error';
  return `<!doctype html>
<html lang="nb">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>Logg inn – testleverandør</title>
<style>
  body { font-family: sans-serif; margin: 2rem; color: #1a1a1a; background: #fff; }
  label, input, button { display: block; font-size: 1rem; margin: 0.25rem 0 1rem; }
  .error { color: #a4000f; }
</style>
</head>
<body>
<main>
<h1>Logg inn hos testleverandøren</h1>
<p>Klient: ${escapeHtml(clientId)}. Sikkerhetsnivå som gis: ${escapeHtml(acr ?? 'ingen')}.</p>
<form method="post" action="/interaction/${escapeHtml(uid)}/login">
  <label for="login">Brukernavn</label>
  <input id="login" name="login" autocomplete="username" value="${escapeHtml(username ?? '')}"
    ${error ? `aria-invalid="true" aria-describedby="${errorId}"` : ''}>
  ${error ? `<p id="${errorId}" class="error">${escapeHtml(error)}</p>` : ''}
  <button type="submit">Logg inn</button>
</form>
</main>
</body>
</html>`;
}

async function readForm(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function send(res, status, body, type = 'text/html; charset=utf-8') {
  res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
  res.end(body);
}

const signingKey = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;

function configuration() {
  return {
    clients: config.clients ?? [],
    acrValues,
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'given_name', 'family_name'],
    },
    scopes: ['openid', 'email', 'profile'],
    findAccount(ctx, sub) {
      const account = accountsBySub.get(sub);
      if (!account) return undefined;
      return {
        accountId: sub,
        async claims() {
          return { sub, ...(account.claims ?? {}) };
        },
      };
    },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    features: { devInteractions: { enabled: false } },
    jwks: { keys: [{ ...signingKey.export({ format: 'jwk' }), kid: 'test-signing', use: 'sig', alg: 'RS256' }] },
    cookies: { keys: [crypto.randomBytes(32).toString('hex')] },
    pkce: { required: () => true },
    ttl: { Session: 600, Interaction: 600, Grant: 600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
    renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = `<!doctype html><html lang="nb"><head><meta charset="utf-8"><link rel="icon" href="data:,">
<title>Feil – testleverandør</title></head><body><main><h1>Feil hos testleverandøren</h1>
<p>${escapeHtml(out.error)}: ${escapeHtml(out.error_description ?? '')}</p></main></body></html>`;
    },
  };
}

async function interaction(provider, req, res, uid, action) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) return send(res, 400, 'interaction mismatch', 'text/plain');
  const { prompt, params } = details;
  const acr = issuedAcr(params.acr_values);

  if (prompt.name === 'login') {
    if (req.method === 'POST' && action === 'login') {
      const username = (await readForm(req)).get('login')?.trim() ?? '';
      const account = accounts.get(username);
      if (!account) {
        const error = 'Ukjent brukernavn.';
        return send(res, 200, loginPage({ uid, clientId: params.client_id, acr, error, username }));
      }
      return provider.interactionFinished(req, res, {
        login: { accountId: account.sub, acr, amr: ['pwd'] },
      }, { mergeWithLastSubmission: false });
    }
    return send(res, 200, loginPage({ uid, clientId: params.client_id, acr }));
  }

  if (prompt.name === 'consent') {
    // The clients are Medvirke's own registrations, as at ID-porten: consent is given at once.
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: details.session.accountId, clientId: params.client_id });
    if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(' '));
    if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
    const grantId = await grant.save();
    return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }
  return send(res, 501, `prompt ${prompt.name} is not supported here`, 'text/plain');
}

const server = http.createServer();
server.listen(Number(args.port), '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, configuration());
  const handle = provider.callback();
  server.on('request', (req, res) => {
    const match = /^\/interaction\/([\w-]+)(?:\/(login))?\/?(?:\?.*)?$/.exec(req.url);
    if (!match) return handle(req, res);
    return interaction(provider, req, res, match[1], match[2]).catch((error) => {
      console.error(error);
      if (!res.headersSent) send(res, 400, `interaction failed: ${error.message}`, 'text/plain');
    });
  });
  console.log(`OIDC provider ready at ${issuer}`);
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => process.exit(0));
}
